// The SQLite catalog: drops, their chunks (keys, times, checksum state), per-table row
// counts and columns, and the problems found. Chunks are written whole, several to a
// transaction (saveChunks), so a scan killed part-way leaves every chunk either fully
// recorded or not at all. Statements are prepared once per catalog. Loaded chunk records are
// kept per drop and only what was written since is re-read (another process's commit, seen
// by PRAGMA data_version, drops the kept records); so are the chunks' summaries and report
// entries (summary.ts), which is what a scan loads. The reads are chunk-reads.ts; the rows a
// scan keeps of the drop as a whole (its end, listing, verdict, folders) drop-scan-rows.ts.
import type BetterSqlite3 from 'better-sqlite3';
import type { Problem } from '../../shared/report';
import type { ChunkCandidate, ChunkInspection } from '../formats/types';
import { EngineError, type ChunkRecord } from '../model';
import type { AxisKind, Extent } from '../../shared/family';
import { adapterFor } from '../formats/registry';
import type { CatalogOptions, ChunkToSave, DropListing, DropRow, Kept, KeptVerdict, LoadedChunk, NewListing } from './catalog-types';
import { keptNow, readRecords, readSummaries } from './chunk-reads';
import { prepareChunkWrites, writeChunkRows, type ChunkWrites } from './chunk-writes';
import {
  readDropFolders,
  readDropListing,
  readEntryProblems,
  readVerdict,
  writeDropFolders,
  writeDropListing,
  writeEntryProblems,
  writeScanEnd,
  writeVerdict,
} from './drop-scan-rows';
import { ChunkLineages, type ChunksSince } from './lineage';
import { MIGRATIONS } from './migrations';
import { openCatalogDb } from './sqlite-open';
import { storedEntries } from './stored-entries';
import { SharedTexts } from './summary';

export type { CatalogOptions, ChunkToSave, DropListing, DropRow, KeptVerdict, LoadedChunk, NewListing } from './catalog-types';

export class Catalog {
  readonly db: BetterSqlite3.Database;
  private readonly cache = new Map<number, Kept<ChunkRecord>>();
  /** Summaries by drop, for the axis they were made for, and the chunksRev they were read at. */
  private readonly summaries = new Map<number, Kept<LoadedChunk> & { axis: AxisKind; rev: number }>();
  private readonly axes = new Map<number, AxisKind | null>();
  /** Watched drops (watchChunks): how this connection alone changed their chunks since (lineage.ts). */
  private readonly lineages = new ChunkLineages();
  private shared: SharedTexts | null = null;
  private stmts: ChunkWrites | null = null;

  constructor(readonly file: string, options: CatalogOptions = {}) {
    this.db = openCatalogDb(file, options);
    this.migrate();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new EngineError(
        'catalog-too-new',
        `the catalog ${this.file} was written by a newer Drop Inspector (schema ${version}, this one knows ${MIGRATIONS.length}); update the app or choose another catalog with --catalog`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      const m = MIGRATIONS[v];
      this.db.transaction(() => {
        if (typeof m === 'string') this.db.exec(m);
        else m(this.db);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  drop(dropPath: string): DropRow | undefined {
    return this.db.prepare('SELECT * FROM drops WHERE path = ?').get(dropPath) as DropRow | undefined;
  }

  ensureDrop(dropPath: string, format: string): DropRow {
    this.axes.clear();
    this.db
      .prepare('INSERT INTO drops (path, format) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET format = excluded.format')
      .run(dropPath, format);
    return this.drop(dropPath)!;
  }

  /** The drop's remembered settings (a JSON object), or null when none were saved. */
  dropSettings(dropPath: string): Record<string, unknown> | null {
    const row = this.db.prepare('SELECT settings FROM drop_settings WHERE drop_path = ?').get(dropPath) as { settings: string } | undefined;
    if (!row) return null;
    try {
      const parsed: unknown = JSON.parse(row.settings);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  saveDropSettings(dropPath: string, settings: Record<string, unknown>): void {
    this.db
      .prepare('INSERT INTO drop_settings (drop_path, settings) VALUES (?, ?) ON CONFLICT(drop_path) DO UPDATE SET settings = excluded.settings')
      .run(dropPath, JSON.stringify(settings));
  }

  recentDrops(): DropRow[] {
    return this.db.prepare('SELECT * FROM drops ORDER BY last_scanned_at IS NULL, last_scanned_at DESC').all() as DropRow[];
  }

  chunkCount(dropId: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM chunks WHERE drop_id = ?').get(dropId) as { n: number }).n;
  }

  /** name → fingerprint of every chunk recorded for the drop. */
  fingerprints(dropId: number): Map<string, string> {
    const rows = this.db.prepare('SELECT name, fingerprint FROM chunks WHERE drop_id = ?').raw().all(dropId) as Array<[string, string]>;
    return new Map(rows);
  }

  /** The drop's chunk fingerprints (as fingerprints) and their stamp (chunksRev), read in one transaction. */
  fingerprintsAt(dropId: number): { known: Map<string, string>; rev: number } {
    return this.db.transaction(() => ({ known: this.fingerprints(dropId), rev: this.chunksRev(dropId) }))();
  }

  /**
   * From now on, notes whether anything but this connection changes the drop's chunks, which
   * had stamp `rev` when the caller read them (fingerprintsAt; 0 for a drop not recorded then):
   * saveDropListing keeps a scan's listing only when nothing did. Two processes may scan one
   * drop into one catalog; the listing of one must not vouch for chunks the other recorded.
   */
  watchChunks(dropId: number, rev: number): void {
    this.lineages.start(dropId, rev);
  }

  /**
   * How the drop's chunks came to be as they are now, when this connection alone changed them
   * since watchChunks: the stamp they had then, and the chunks written since (lineage.ts).
   */
  chunksSince(dropId: number): ChunksSince | undefined {
    return this.lineages.at(dropId, this.chunksRev(dropId));
  }

  /**
   * Runs a transaction that changes the drop's chunks (`change` gives the ids of those it
   * wrote), following their stamp where they are watched.
   */
  private changeChunks(dropId: number, change: () => number[] | void): void {
    const [before, after, written] = this.db.transaction(() => {
      const was = this.chunksRev(dropId);
      const ids = change();
      return [was, this.chunksRev(dropId), ids ?? []] as const;
    })();
    this.lineages.follow(dropId, before, after, written);
  }

  /** Records one chunk whole (one transaction); `coverage` is its resolved extent (see coverage.ts). */
  saveChunk(dropId: number, c: ChunkCandidate, r: ChunkInspection, scannedAt: string, coverage?: Extent): void {
    this.saveChunks(dropId, [{ chunk: c, result: r, scannedAt, coverage }]);
  }

  /**
   * Records several chunks in one transaction, each whole (its row, tables and problems):
   * a kill leaves all of them or none, never part of one.
   */
  saveChunks(dropId: number, items: ChunkToSave[]): void {
    if (!items.length) return;
    const st = (this.stmts ??= prepareChunkWrites(this.db));
    try {
      this.changeChunks(dropId, () => items.map((it) => writeChunkRows(st, dropId, it, this.axisOf(dropId), () => (this.shared ??= new SharedTexts(this.db)))));
    } catch (e) {
      // Shared texts added in the transaction are gone with it.
      this.shared?.forget();
      throw e;
    }
    this.markDirty(dropId, items.map((it) => it.chunk.name));
  }

  /** Chunks written or removed: what is kept of them is read again on the next load. */
  private markDirty(dropId: number, names: string[]): void {
    for (const kept of [this.cache.get(dropId), this.summaries.get(dropId)]) if (kept) for (const n of names) kept.dirty.add(n);
  }

  /** The axis of the drop's family (null for a family this version does not know). */
  private axisOf(dropId: number): AxisKind | null {
    let axis = this.axes.get(dropId);
    if (axis === undefined) {
      const format = this.db.prepare('SELECT format FROM drops WHERE id = ?').pluck().get(dropId) as string | null | undefined;
      this.axes.set(dropId, (axis = adapterFor(format)?.axis ?? null));
    }
    return axis;
  }

  /** Forgets chunks whose files are gone from the drop. */
  removeChunksExcept(dropId: number, keep: Set<string>, recorded?: Iterable<string>): number {
    // `recorded`: the drop's chunk names as the caller just read them (fingerprints' keys).
    const names = [...(recorded ?? (this.db.prepare('SELECT name FROM chunks WHERE drop_id = ?').pluck().all(dropId) as string[]))].filter((n) => !keep.has(n));
    if (!names.length) return 0;
    const del = (this.stmts ??= prepareChunkWrites(this.db)).del;
    this.changeChunks(dropId, () => names.forEach((n) => del.run(dropId, n)));
    this.markDirty(dropId, names);
    return names.length;
  }

  /**
   * Records the cross-chunk problems of a finished scan; counts include `chunkProblems`.
   * `listing`: kept for the next scan (saveDropListing). `verdict`: what the scan concluded
   * of the chunks as they were at stamp `rev` (report/verdict.ts), kept in place of the last.
   * `folders`: the folders the scan's walk found to keep (saveDropFolders), where they changed.
   */
  finishScan(
    dropId: number,
    at: string,
    complete: boolean,
    problems: Problem[],
    chunkProblems: Problem[] = [],
    listing?: NewListing,
    verdict?: KeptVerdict,
    folders?: string,
  ): void {
    const all = [...problems, ...chunkProblems];
    const errors = all.filter((p) => p.severity === 'error').length;
    const warnings = all.filter((p) => p.severity === 'warning').length;
    this.db.transaction(() => {
      writeScanEnd(this.db, dropId, at, complete, errors, warnings, problems);
      // With the scan's end: a kill before it leaves no listing, and the next scan reads all.
      if (complete && listing) this.saveDropListing(dropId, listing);
      if (complete && verdict) writeVerdict(this.db, dropId, verdict);
      if (folders !== undefined) this.saveDropFolders(dropId, folders);
    })();
  }

  /** The verdict the drop's last complete scan kept (finishScan), if any. */
  verdict(dropId: number): KeptVerdict | undefined {
    return readVerdict(this.db, dropId);
  }

  /** The folders the drop's last walk kept (fs/kept-folders.ts: their stored text), if any. */
  dropFolders(dropId: number): string | null {
    return readDropFolders(this.db, dropId);
  }

  /**
   * Keeps the folders a walk of the drop found (fs/kept-folders.ts), in place of the last. Each
   * is checked against the folder itself before it is used, so any scan's, complete or not,
   * may be kept, whichever connection wrote the chunks.
   */
  saveDropFolders(dropId: number, body: string): void {
    writeDropFolders(this.db, dropId, body);
  }

  /** The listing the drop's last complete scan left (drop-listing.ts), if any. */
  dropListing(dropId: number): DropListing | undefined {
    return readDropListing(this.db, dropId);
  }

  /**
   * Keeps a complete scan's listing, at the drop's chunksRev as it is now (so call it where
   * the chunks are as that scan left them: finishScan's transaction; not kept when another
   * connection changed them since watchChunks), or forgets it (null) before a scan changes
   * the drop's chunks.
   */
  saveDropListing(dropId: number, listing: NewListing | null): void {
    if (listing) {
      // Kept only for chunks this connection watched and alone changed (watchChunks).
      if (!this.chunksSince(dropId)) listing = null;
    }
    writeDropListing(this.db, dropId, listing);
  }

  /** Replaces the problems the last walk found about the drop's entries (entryProblems). */
  saveEntryProblems(dropId: number, problems: Problem[]): void {
    writeEntryProblems(this.db, dropId, problems);
  }

  entryProblems(dropId: number): Problem[] {
    return readEntryProblems(this.db, dropId);
  }

  /**
   * Every chunk recorded for the drop, in the order they were recorded. Kept between calls:
   * only chunks this catalog wrote or removed since are re-read, and everything is re-read
   * when another connection has committed meanwhile (data_version). Callers must not modify
   * the records.
   */
  loadChunks(dropId: number): ChunkRecord[] {
    const kept = keptNow(this.db, this.cache.get(dropId), (k) => this.cache.set(dropId, k), (names, k) => readRecords(this.db, dropId, names, k));
    return [...kept.byId.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }

  /**
   * Every chunk recorded for the drop as a scan needs it: its summary (the checks) and its
   * report entry's text, made for the family's `axis`; in the order they were recorded, and
   * kept between calls as loadChunks keeps records. Callers must not modify them.
   */
  loadSummaries(dropId: number, axis: AxisKind): LoadedChunk[] {
    // One read transaction: the revision is the one of the chunks read (another process's
    // commit between the two would name entries the summaries do not hold).
    return this.db.transaction(() => {
      const was = this.summaries.get(dropId);
      const kept = keptNow(
        this.db,
        was?.axis === axis ? was : undefined,
        (k) => this.summaries.set(dropId, Object.assign(k, { axis, rev: 0 })),
        (names, k) => readSummaries(this.db, dropId, names, k, axis, () => (this.shared ??= new SharedTexts(this.db))),
      );
      this.summaries.get(dropId)!.rev = this.chunksRev(dropId);
      return [...kept.byId.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    })();
  }

  /**
   * The stamp of the last change to the drop's chunks or their summaries (set anew by the
   * catalog's triggers, migration 11, in the transaction of the change); 0 for a drop not
   * recorded or never changed.
   */
  chunksRev(dropId: number): number {
    return (this.db.prepare('SELECT chunks_rev FROM drops WHERE id = ?').pluck().get(dropId) as number | undefined) ?? 0;
  }

  /** The chunksRev the drop's summaries were last loaded at (loadSummaries), if they were. */
  loadedRev(dropId: number, axis: AxisKind): number | undefined {
    const kept = this.summaries.get(dropId);
    return kept?.axis === axis ? kept.rev : undefined;
  }

  /** The stored report entries of these chunks, in this order, joined (stored-entries.ts). */
  storedEntries(ids: readonly number[], lengths?: number[]): Uint8Array[] | null {
    return storedEntries(this.db, ids, lengths);
  }
}
