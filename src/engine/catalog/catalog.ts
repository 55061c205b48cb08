// The SQLite catalog: drops, their chunks (keys, times, checksum state), per-table row
// counts and columns, and the problems found. Chunks are written whole, several to a
// transaction (saveChunks), so a scan killed part-way leaves every chunk either fully
// recorded or not at all. Statements are prepared once per catalog. Loaded chunk records are
// kept per drop and only what was written since is re-read (another process's commit, seen
// by PRAGMA data_version, drops the kept records); so are the chunks' summaries and report
// entries (summary.ts), which is what a scan loads.
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Problem } from '../../shared/report';
import type { ChunkCandidate, ChunkInspection } from '../formats/types';
import { EngineError, type ChunkRecord, type ChunkSummary, type StoredFile } from '../model';
import { NO_EXTENT, type AxisKind, type Extent } from '../../shared/family';
import { adapterFor } from '../formats/registry';
import { ChunkLineages, type ChunksSince } from './lineage';
import { MIGRATIONS } from './migrations';
import { decodeRecord, decodeRows, encodeRecord, type Row } from './records';
import { decodeSummary, SharedTexts, summaryTexts } from './summary';
import { reportChunk } from '../report/chunk-entry';

export interface CatalogOptions {
  /** Path of an addon built for another ABI (Electron); see src/main/native-sqlite.ts. */
  nativeBinding?: string;
  readonly?: boolean;
}

export interface DropRow {
  id: number;
  path: string;
  format: string | null;
  first_scanned_at: string | null;
  last_scanned_at: string | null;
  last_scan_complete: number;
  errors: number;
  warnings: number;
}

const json = (v: unknown): string => JSON.stringify(v);

// Every CLI run opens the catalog first, so its start counts (an unchanged re-scan is mostly
// start). better-sqlite3 is required, not imported: an ESM import of a CommonJS package is
// parsed for its export names first. And its addon is opened by path: left to find it, the
// package loads `bindings`, which works out the package root from a stack trace and tries
// its candidate folders one by one, on every start.
const requireCjs = createRequire(import.meta.url);
const Database = requireCjs('better-sqlite3') as typeof BetterSqlite3;

let installedAddon: string | undefined | null = null;
/**
 * The addon npm installed (build/Release), when `bindings` would pick that one too (it looks
 * in build/ and build/Debug/ first); otherwise undefined, and `bindings` searches.
 */
function installedAddonPath(): string | undefined {
  if (installedAddon === null) {
    const build = path.join(path.dirname(requireCjs.resolve('better-sqlite3/package.json')), 'build');
    const release = path.join(build, 'Release', 'better_sqlite3.node');
    const earlier = [path.join(build, 'better_sqlite3.node'), path.join(build, 'Debug', 'better_sqlite3.node')];
    installedAddon = existsSync(release) && !earlier.some((f) => existsSync(f)) ? release : undefined;
  }
  return installedAddon;
}

// The columns each chunk write fills, in the order of the rows' values (writeChunk).
const CHUNK_COLUMNS = [
  'drop_id', 'name', 'dir', 'fingerprint', 'files', 'name_key', 'name_ts', 'hwm_from', 'hwm_from_ts', 'hwm_to', 'hwm_to_ts',
  'created_ts', 'max_data_ts', 'versions', 'metadata', 'metadata_error', 'checksum', 'expected_sha1', 'actual_sha1', 'archive', 'archive_bytes',
  'scanned_at', 'series', 'cov_from', 'cov_to', 'cov_source', 'req_from', 'req_to', 'req_source', 'attributes', 'record',
];
const TABLE_COLUMNS = [
  'chunk_id', 'seq', 'name', 'member', 'rows', 'columns', 'bytes', 'compressed_bytes', 'malformed_rows', 'checksum', 'error',
  'parts', 'declared_rows', 'declared_in', 'column_types', 'error_kind',
];
const PROBLEM_COLUMNS = ['chunk_id', 'seq', 'kind', 'severity', 'tbl', 'message', 'detail'];
const bound = (row: Row, columns: string[]): unknown[] => columns.map((c) => row[c]);

/** One chunk to record: its candidate, its inspection and its resolved extent (coverage.ts). */
export interface ChunkToSave {
  chunk: ChunkCandidate;
  result: ChunkInspection;
  scannedAt: string;
  coverage?: Extent;
}

/**
 * What a drop's last complete scan left for the next one to compare with (drop-listing.ts):
 * its family, the key of how it read (release, revisions, read options), a digest of its
 * files, and the stamp its chunks had then.
 */
export interface DropListing {
  format: string;
  key: string;
  files: string;
  /** The drop's chunksRev when the listing was kept (saveDropListing); a null one matches no stamp. */
  rev: number | null;
}

/** A scan's verdict as the catalog keeps it (report/verdict.ts reads the body): made at the chunks' stamp `rev`. */
export interface KeptVerdict {
  rev: number;
  key: string;
  body: string;
}

/** A listing as a scan leaves it: the catalog adds the stamp (saveDropListing). */
export type NewListing = Omit<DropListing, 'rev'>;

/** What is kept of a drop's chunks (records, or summaries), by chunk id, and the names written since. */
interface Kept<T> {
  dataVersion: number;
  byId: Map<number, T>;
  idOf: Map<string, number>;
  dirty: Set<string>;
}

/**
 * A chunk as a scan loads it: its summary for the checks, and where its report entry's JSON
 * text is. A stored entry is not read here: the report joins them all in one query
 * (storedEntries), 12 MB for 3000 chunks that were otherwise read into 3000 buffers, then
 * copied into pieces.
 */
export interface LoadedChunk {
  id: number;
  summary: ChunkSummary;
  /** The entry made from the chunk's record (no stored summary of this format), else null: stored. */
  entry: Uint8Array | null;
}

/** '0,1,…,n-1': positions in order, as group_concat writes them. */
function inOrder(n: number): string {
  let s = '0';
  for (let i = 1; i < n; i++) s += `,${i}`;
  return s;
}

/** SQLite's default limit on bound parameters is 32766; stay well below it. */
const NAMES_PER_QUERY = 500;

/** Report entries a query reads (storedEntries): ~256 kB of text for chunks of six tables. */
const ENTRIES_PER_PIECE = 64;

const COMMA = Buffer.from(',');

export class Catalog {
  readonly db: BetterSqlite3.Database;
  private readonly cache = new Map<number, Kept<ChunkRecord>>();
  /** Summaries by drop, for the axis they were made for, and the chunksRev they were read at. */
  private readonly summaries = new Map<number, Kept<LoadedChunk> & { axis: AxisKind; rev: number }>();
  private readonly axes = new Map<number, AxisKind | null>();
  /** Watched drops (watchChunks): how this connection alone changed their chunks since (lineage.ts). */
  private readonly lineages = new ChunkLineages();
  private shared: SharedTexts | null = null;
  private stmts: ReturnType<Catalog['prepareWrites']> | null = null;

  constructor(readonly file: string, options: CatalogOptions = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const nativeBinding = options.nativeBinding ?? installedAddonPath();
    this.db = new Database(file, {
      readonly: options.readonly ?? false,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Reads through a memory map, not a pread per page (a re-scan of 3000 chunks reads
    // ~9000 pages); sorts and temporary b-trees in memory, not in a temporary file.
    this.db.pragma('mmap_size = 1073741824');
    this.db.pragma('temp_store = MEMORY');
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
    const st = (this.stmts ??= this.prepareWrites());
    try {
      this.changeChunks(dropId, () => items.map((it) => this.writeChunk(st, dropId, it)));
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

  private prepareWrites() {
    return {
      del: this.db.prepare('DELETE FROM chunks WHERE drop_id = ? AND name = ?'),
      chunk: this.db.prepare(`INSERT INTO chunks (${CHUNK_COLUMNS.join(', ')}) VALUES (${CHUNK_COLUMNS.map(() => '?').join(', ')})`),
      table: this.db.prepare(`INSERT INTO chunk_tables (${TABLE_COLUMNS.join(', ')}) VALUES (${TABLE_COLUMNS.map(() => '?').join(', ')})`),
      problem: this.db.prepare(`INSERT INTO chunk_problems (${PROBLEM_COLUMNS.join(', ')}) VALUES (${PROBLEM_COLUMNS.map(() => '?').join(', ')})`),
      summary: this.db.prepare('INSERT INTO chunk_summaries (chunk_id, summary, entry) VALUES (?, ?, ?)'),
    };
  }

  /** Writes one chunk's rows (within the caller's transaction); its new id. */
  private writeChunk(st: ReturnType<Catalog['prepareWrites']>, dropId: number, { chunk: c, result: r, scannedAt, coverage = r.coverage ?? NO_EXTENT }: ChunkToSave): number {
    const files: StoredFile[] = [
      ...Object.entries(c.files).flatMap(([role, f]) => (f ? [{ rel: f.rel, size: f.size, mtimeMs: f.mtimeMs, role }] : [])),
      ...c.extraFiles.map((f) => ({ rel: f.rel, size: f.size, mtimeMs: f.mtimeMs, role: c.extraRole ?? 'extra' })),
    ];
    const req = r.requested;
    const row: Row = {
      id: 0, drop_id: dropId, name: c.name, dir: c.dir,
      // An unstable result is kept for the report but never reused: a fingerprint no scan can match.
      fingerprint: r.unstable ? `unstable:${c.fingerprint}` : c.fingerprint,
      files: json(files), name_key: c.nameKey, name_ts: c.nameTs, hwm_from: r.hwmFrom, hwm_from_ts: r.hwmFromTs, hwm_to: r.hwmTo, hwm_to_ts: r.hwmToTs,
      created_ts: r.createdTs, max_data_ts: r.maxDataTs, versions: json(r.versions), metadata: r.metadata, metadata_error: r.metadataError,
      checksum: r.checksum, expected_sha1: r.expectedSha1, actual_sha1: r.actualSha1, archive: r.archive, archive_bytes: r.archiveBytes, scanned_at: scannedAt,
      series: c.series ?? '', cov_from: coverage.from, cov_to: coverage.to, cov_source: coverage.source,
      req_from: req?.from ?? null, req_to: req?.to ?? null, req_source: req?.source ?? null, attributes: json(r.attributes ?? {}),
    };
    const tables: Row[] = r.tables.map((t, i) => ({
      chunk_id: 0, seq: i, name: t.name, member: t.member, rows: t.rows, columns: json(t.columns), bytes: t.bytes, compressed_bytes: t.compressedBytes,
      malformed_rows: t.malformedRows, checksum: t.checksum, error: t.error, parts: json(t.parts ?? []), declared_rows: t.declaredRows ?? null,
      declared_in: t.declaredIn ?? null, column_types: t.columnTypes ? json(t.columnTypes) : null,
      error_kind: t.error === null ? null : (t.errorKind ?? 'damaged'),
    }));
    const problems: Row[] = r.problems.map((p, i) => ({
      chunk_id: 0, seq: i, kind: p.kind, severity: p.severity, tbl: p.table, message: p.message, detail: p.detail ? json(p.detail) : null,
    }));
    // The whole record, decoded from exactly the rows written beside it (records.ts), and its
    // summary and report entry from that record (summary.ts).
    const rec = decodeRows([row], tables, problems).get(0)!;
    row.record = encodeRecord(rec);
    const axis = this.axisOf(dropId);
    const texts = axis ? summaryTexts(rec, axis, (this.shared ??= new SharedTexts(this.db))) : null;
    st.del.run(dropId, c.name);
    const chunkId = Number(st.chunk.run(bound(row, CHUNK_COLUMNS)).lastInsertRowid);
    if (texts) st.summary.run(chunkId, texts.summary, texts.entry);
    for (const t of tables) st.table.run(bound({ ...t, chunk_id: chunkId }, TABLE_COLUMNS));
    for (const p of problems) st.problem.run(bound({ ...p, chunk_id: chunkId }, PROBLEM_COLUMNS));
    return chunkId;
  }

  /** Forgets chunks whose files are gone from the drop. */
  removeChunksExcept(dropId: number, keep: Set<string>, recorded?: Iterable<string>): number {
    // `recorded`: the drop's chunk names as the caller just read them (fingerprints' keys).
    const names = [...(recorded ?? (this.db.prepare('SELECT name FROM chunks WHERE drop_id = ?').pluck().all(dropId) as string[]))].filter((n) => !keep.has(n));
    if (!names.length) return 0;
    const del = (this.stmts ??= this.prepareWrites()).del;
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
      this.db
        .prepare(
          `UPDATE drops SET last_scanned_at = ?, first_scanned_at = coalesce(first_scanned_at, ?), last_scan_complete = ?,
             errors = ?, warnings = ? WHERE id = ?`,
        )
        .run(at, at, complete ? 1 : 0, errors, warnings, dropId);
      this.db.prepare('DELETE FROM drop_problems WHERE drop_id = ?').run(dropId);
      const ins = this.db.prepare(
        'INSERT INTO drop_problems (drop_id, seq, kind, severity, chunk, previous, tbl, message, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      problems.forEach((p, i) =>
        ins.run(dropId, i, p.kind, p.severity, p.chunk, p.previous ?? null, p.table, p.message, p.detail ? json(p.detail) : null),
      );
      // With the scan's end: a kill before it leaves no listing, and the next scan reads all.
      if (complete && listing) this.saveDropListing(dropId, listing);
      if (complete && verdict) {
        this.db
          .prepare(
            `INSERT INTO drop_verdicts (drop_id, chunks_rev, key, body) VALUES (?, ?, ?, ?)
             ON CONFLICT(drop_id) DO UPDATE SET chunks_rev = excluded.chunks_rev, key = excluded.key, body = excluded.body`,
          )
          .run(dropId, verdict.rev, verdict.key, verdict.body);
      }
      if (folders !== undefined) this.saveDropFolders(dropId, folders);
    })();
  }

  /** The verdict the drop's last complete scan kept (finishScan), if any. */
  verdict(dropId: number): KeptVerdict | undefined {
    return this.db.prepare('SELECT chunks_rev AS rev, key, body FROM drop_verdicts WHERE drop_id = ?').get(dropId) as KeptVerdict | undefined;
  }

  /** The folders the drop's last walk kept (fs/kept-folders.ts: their stored text), if any. */
  dropFolders(dropId: number): string | null {
    return (this.db.prepare('SELECT body FROM drop_folders WHERE drop_id = ?').pluck().get(dropId) as string | undefined) ?? null;
  }

  /**
   * Keeps the folders a walk of the drop found (fs/kept-folders.ts), in place of the last. Each
   * is checked against the folder itself before it is used, so any scan's, complete or not,
   * may be kept, whichever connection wrote the chunks.
   */
  saveDropFolders(dropId: number, body: string): void {
    this.db
      .prepare('INSERT INTO drop_folders (drop_id, body) VALUES (?, ?) ON CONFLICT(drop_id) DO UPDATE SET body = excluded.body')
      .run(dropId, body);
  }

  /** The listing the drop's last complete scan left (drop-listing.ts), if any. */
  dropListing(dropId: number): DropListing | undefined {
    return this.db.prepare('SELECT format, key, files, chunks_rev AS rev FROM drop_listings WHERE drop_id = ?').get(dropId) as DropListing | undefined;
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
    if (!listing) this.db.prepare('DELETE FROM drop_listings WHERE drop_id = ?').run(dropId);
    else
      this.db
        .prepare(
          `INSERT INTO drop_listings (drop_id, format, key, files, chunks_rev) VALUES (?, ?, ?, ?, (SELECT chunks_rev FROM drops WHERE id = ?))
           ON CONFLICT(drop_id) DO UPDATE SET format = excluded.format, key = excluded.key, files = excluded.files, chunks_rev = excluded.chunks_rev`,
        )
        .run(dropId, listing.format, listing.key, listing.files, dropId);
  }

  /** Replaces the problems the last walk found about the drop's entries (entryProblems). */
  saveEntryProblems(dropId: number, problems: Problem[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM drop_entry_problems WHERE drop_id = ?').run(dropId);
      const ins = this.db.prepare('INSERT INTO drop_entry_problems (drop_id, seq, kind, severity, message, detail) VALUES (?, ?, ?, ?, ?, ?)');
      problems.forEach((p, i) => ins.run(dropId, i, p.kind, p.severity, p.message, p.detail ? json(p.detail) : null));
    })();
  }

  entryProblems(dropId: number): Problem[] {
    const rows = this.db.prepare('SELECT * FROM drop_entry_problems WHERE drop_id = ? ORDER BY seq').all(dropId) as Row[];
    return rows.map((p) => ({
      kind: p.kind as Problem['kind'],
      severity: p.severity as Problem['severity'],
      chunk: null,
      table: null,
      message: p.message as string,
      ...(p.detail ? { detail: JSON.parse(p.detail as string) } : {}),
    }));
  }

  /**
   * Every chunk recorded for the drop, in the order they were recorded. Kept between calls:
   * only chunks this catalog wrote or removed since are re-read, and everything is re-read
   * when another connection has committed meanwhile (data_version). Callers must not modify
   * the records.
   */
  loadChunks(dropId: number): ChunkRecord[] {
    const kept = this.kept(this.cache.get(dropId), (k) => this.cache.set(dropId, k), (names, k) => this.readRecords(dropId, names, k));
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
      const kept = this.kept(
        was?.axis === axis ? was : undefined,
        (k) => this.summaries.set(dropId, Object.assign(k, { axis, rev: 0 })),
        (names, k) => this.readSummaries(dropId, names, k, axis),
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

  /**
   * What is kept of a drop's chunks, brought up to date: all read again after another
   * connection's commit (data_version), else the chunks written since read again, by name.
   */
  private kept<T>(kept: Kept<T> | undefined, keep: (k: Kept<T>) => void, read: (names: string[] | null, k: Kept<T>) => void): Kept<T> {
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    if (!kept || kept.dataVersion !== dataVersion) {
      kept = { dataVersion, byId: new Map(), idOf: new Map(), dirty: new Set() };
      keep(kept);
      read(null, kept);
    } else if (kept.dirty.size) {
      const names = [...kept.dirty];
      kept.dirty.clear();
      for (const n of names) {
        const id = kept.idOf.get(n);
        if (id !== undefined) kept.byId.delete(id);
        kept.idOf.delete(n);
      }
      for (let i = 0; i < names.length; i += NAMES_PER_QUERY) read(names.slice(i, i + NAMES_PER_QUERY), kept);
    }
    return kept;
  }

  /**
   * Reads the drop's chunk summaries and entries (all, or those named); a chunk without a
   * summary of this format and axis is summarised from its record (a ChunkRecord is a
   * ChunkSummary) and its entry made from it.
   */
  private readSummaries(dropId: number, names: string[] | null, kept: Kept<LoadedChunk>, axis: AxisKind): void {
    const only = names ? ` AND c.name IN (${names.map(() => '?').join(', ')})` : '';
    // From a table of their own: a chunk's row holds its record first, and reading a column
    // after it walked the record's overflow pages (19 MB for 3000 chunks) on the way. A row
    // of chunk_summaries always has an entry (NOT NULL): its presence is asked of its key,
    // as `s.entry IS NOT NULL` loaded every entry's overflow pages (~5 ms for 3000).
    const rows = this.db
      .prepare(`SELECT c.id, c.name, s.summary, s.chunk_id IS NOT NULL FROM chunks c LEFT JOIN chunk_summaries s ON s.chunk_id = c.id WHERE c.drop_id = ?${only}`)
      .raw()
      .all(dropId, ...(names ?? [])) as Array<[number, string, string | null, number | null]>;
    const shared = (this.shared ??= new SharedTexts(this.db));
    const fromRecords: string[] = [];
    for (const [id, name, summaryText, hasEntry] of rows) {
      const summary = hasEntry ? decodeSummary(summaryText, axis, shared) : null;
      if (!summary) {
        fromRecords.push(name);
        continue;
      }
      kept.byId.set(id, { id, summary, entry: null });
      kept.idOf.set(name, id);
    }
    if (!fromRecords.length) return;
    const records: Kept<ChunkRecord> = { dataVersion: kept.dataVersion, byId: new Map(), idOf: new Map(), dirty: new Set() };
    for (let i = 0; i < fromRecords.length; i += NAMES_PER_QUERY) this.readRecords(dropId, fromRecords.slice(i, i + NAMES_PER_QUERY), records);
    for (const [id, rec] of records.byId) {
      kept.byId.set(id, { id, summary: rec, entry: Buffer.from(JSON.stringify(reportChunk(rec, axis))) });
      kept.idOf.set(rec.name, id);
    }
  }

  /**
   * The stored report entries of these chunks, in this order, joined by commas (UTF-8), in
   * pieces of ENTRIES_PER_PIECE entries: one query a piece, all in one snapshot. Null when
   * one of them has none (removed since it was loaded). `lengths`, when given, gets each
   * entry's length in bytes, in the same order (the entries file's index).
   */
  storedEntries(ids: readonly number[], lengths?: number[]): Uint8Array[] | null {
    if (!ids.length) return [];
    // The ids' array drives the join (a rowid lookup each), so rows come in its order; an
    // ORDER BY inside group_concat sorted 12 MB of entries for nothing (31 ms vs 8 for 3000).
    // SQLite leaves an aggregate's order unspecified, so the positions are concatenated in
    // the same pass and checked, and the sorted query is the fallback. In pieces: one
    // group_concat of 3000 entries grew a 12 MB text by doubling, then copied it twice
    // (CAST, then into a Buffer): ~50 ms of a 3000-chunk report, mostly fresh memory
    // faulted in, against ~25 for pieces of 64. octet_length is the stored length (the
    // record's header has it): no entry is read twice for it.
    const joined = this.db
      .prepare("SELECT count(*), group_concat(j.key, ','), CAST(group_concat(s.entry, ',') AS BLOB), group_concat(octet_length(s.entry), ',') FROM json_each(?) j JOIN chunk_summaries s ON s.chunk_id = j.value")
      .raw();
    const sorted = this.db
      .prepare("SELECT CAST(group_concat(s.entry, ',' ORDER BY j.key) AS BLOB), group_concat(octet_length(s.entry), ',' ORDER BY j.key) FROM json_each(?) j JOIN chunk_summaries s ON s.chunk_id = j.value")
      .raw();
    return this.db.transaction(() => {
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < ids.length; at += ENTRIES_PER_PIECE) {
        const part = ids.slice(at, at + ENTRIES_PER_PIECE);
        const list = JSON.stringify(part);
        const [n, keys, unordered, unorderedSizes] = joined.get(list) as [number, string | null, Uint8Array | null, string | null];
        if (n !== part.length || !unordered) return null;
        const [text, sizes] = keys === inOrder(part.length) ? [unordered, unorderedSizes] : (sorted.get(list) as [Uint8Array, string]);
        if (at) pieces.push(COMMA);
        pieces.push(text);
        if (lengths) for (const size of sizes!.split(',')) lengths.push(Number(size));
      }
      return pieces;
    })();
  }

  /**
   * Reads the drop's chunks (all, or those named) into the cache: each from its record column,
   * and from its rows where that is missing or of another format (records.ts).
   */
  private readRecords(dropId: number, names: string[] | null, cache: Kept<ChunkRecord>): void {
    const only = names ? ` AND c.name IN (${names.map(() => '?').join(', ')})` : '';
    // No ORDER BY: sorting by id put every record through a temporary b-tree (an 18 MB temp
    // file for 3000 chunks); loadChunks orders by id itself.
    const rows = this.db.prepare(`SELECT c.id, c.fingerprint, c.record FROM chunks c WHERE c.drop_id = ?${only}`).raw().all(dropId, ...(names ?? [])) as Array<[number, string, string | null]>;
    const texts = new Map<string, unknown>();
    const fromRows: number[] = [];
    for (const [id, fingerprint, text] of rows) {
      const rec = decodeRecord(text, fingerprint, texts);
      if (!rec) {
        fromRows.push(id);
        continue;
      }
      cache.byId.set(id, rec);
      cache.idOf.set(rec.name, id);
    }
    for (let i = 0; i < fromRows.length; i += NAMES_PER_QUERY) this.readRows(fromRows.slice(i, i + NAMES_PER_QUERY), cache);
  }

  /** Decodes the chunks of these ids from their rows (an older catalog's, or a record of another format). */
  private readRows(ids: number[], cache: Kept<ChunkRecord>): void {
    const list = ids.map(() => '?').join(', ');
    const chunks = this.db.prepare(`SELECT * FROM chunks WHERE id IN (${list}) ORDER BY id`).all(...ids) as Row[];
    const tables = this.db.prepare(`SELECT * FROM chunk_tables WHERE chunk_id IN (${list}) ORDER BY chunk_id, seq`).all(...ids) as Row[];
    const problems = this.db.prepare(`SELECT * FROM chunk_problems WHERE chunk_id IN (${list}) ORDER BY chunk_id, seq`).all(...ids) as Row[];
    for (const [id, rec] of decodeRows(chunks, tables, problems)) {
      cache.byId.set(id, rec);
      cache.idOf.set(rec.name, id);
    }
  }
}
