// The table browser's engine: TableApi (src/shared/table-api.ts) over the catalog, the table
// cache and DuckDB. Hosts (CLI, HTTP, Electron) call it as is.
//
// A handle is a table in a scope. Its parts are the chunks' members in continuity order;
// each part is a cache entry, built on first need (build-runner.ts, worker threads) while
// its first rows are served from the build's early output. Positions in the scope's
// natural order run over the parts in order (part k's rows start at the sum of the rows of
// the parts before it). Views (sort / filter / search, and the merged view) are files of
// positions computed by DuckDB over the parts' analysis stores; a page of a view is a slice
// of that file, then the rows are read from the cache entries.
import { createReadStream, createWriteStream, existsSync, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type {
  ColumnStats,
  ExportResult,
  KeyInfo,
  OpenTableRequest,
  RowsPage,
  RowsRequest,
  TableApi,
  TableEncoding,
  TableEvent,
  TableHandleInfo,
  TablePhase,
  TableScope,
  TableSummary,
  ViewSpec,
} from '../../shared/table-api';
import { CHUNK_COLUMN } from '../../shared/table-api';
import type { Catalog } from '../catalog/catalog';
import { refuseInsideDrop } from '../fs/write-guard';
import type { InflateLimits } from '../parts/limits';
import { continuityOrder } from '../checks/order';
import { EngineError, type ChunkRecord } from '../model';
import { resolveDrop } from '../scan';
import { isS3Url } from '../storage/location';
import {
  columnStatistics,
  exportCsv,
  plainHeader,
  keyUniqueness,
  mergeByKey,
  scopeSql,
  viewHead,
  viewPositions,
  type ScopePart,
  type ScopeSql,
  type ViewContext,
} from './analysis';
import { configureDuck, withConnection } from './duck';
import { ensureParquet, readSegmentInfo } from './store';
import { peekRows, readHeader, TableReadError, type FirstRows } from './build';
import { BuildRunner } from './build-runner';
import { entryKey, hashKey, isPlainMember, segmentParquet, TableCache, type EntryMeta, type EntrySource } from './cache';
import { describeDialect, describeSource, fileOf, RFC4180, type Dialect } from '../../shared/family';
import { adapterFor } from '../formats/registry';
import type { DropAdapter } from '../formats/types';
import type { MergePolicy } from '../../shared/family';
import { isTableEncoding } from './encoding';
import { EntryReader, type ReadRow } from './entry-reader';
import { TextPacker } from './text-packer';
import { choosableKeys, keyCandidates, namedKey } from '../../shared/table-keys';

export interface TableServiceOptions {
  catalog: Catalog;
  cacheDir?: string;
  cacheMaxBytes?: number;
  /** Concurrent first reads in worker threads; 0 = inline on this thread (CLI). */
  workers?: number;
  /** DuckDB memory limit of the query instance (default: sized from the machine's memory, see duck.ts). */
  duckMemory?: string;
  /** Records a first read hands out early (default 200). */
  firstRows?: number;
  /**
   * Build the analysis stores (sort / filter / stats / merged) in the background as soon as a
   * handle's first reads end, so the first sort does not wait for them. Default: on with
   * worker threads, off inline (the CLI).
   */
  eagerAnalysis?: boolean;
  /** Size of the cache's data segments (default 64 MiB; tests use tiny ones). */
  segmentBytes?: number;
  /** Zip-bomb limits of a first read (default: the scan's, src/engine/parts/limits.ts). */
  limits?: Partial<InflateLimits>;
  /**
   * Pack a segment's CSV once its analysis store is built (packed-text.ts; default on), in
   * the background while DuckDB is idle (text-packer.ts): queries never wait for it.
   */
  packText?: boolean;
}

interface Part {
  chunk: string;
  table: string;
  member: string;
  source: EntrySource;
  key: string;
  catalogRows: number | null;
  columns: string[];
  /** Columns come from the entry or a header read (not the scan's UTF-8 reading). */
  columnsExact: boolean;
  meta: EntryMeta | null;
  reader: EntryReader | null;
  first: FirstRows | null;
  building: Promise<EntryMeta> | null;
  progressRows: number;
  headerFields: number;
  waiters: Array<() => void>;
  error: string | null;
  unpin: (() => void) | null;
}

interface ViewFile {
  file: string;
  rows: number;
}

interface Handle {
  id: string;
  drop: string;
  table: string;
  scope: TableScope;
  encoding: TableEncoding;
  requestedKey: string[] | undefined;
  parts: Part[];
  unreadable: Array<{ chunk: string; error: string }>;
  /** Union of the parts' columns (data columns; the chunk column is not among them). */
  columns: string[];
  withChunk: boolean;
  key: KeyInfo | null;
  /** How the family's warehouse combines chunks (the merged view). */
  policy: MergePolicy;
  /** The family's primary key for this table, where it knows one. */
  familyKey: ((columns: string[]) => string[] | null) | null;
  merged: { parquet: string; positions: string; rows: number } | null;
  merging: Promise<void> | null;
  views: Map<string, Promise<ViewFile>>;
  /** Views whose positions file is written (later pages are slices of it). */
  viewsDone: Map<string, ViewFile>;
  kinds: ViewContext['kinds'];
  sessionDir: string | null;
  control: AbortController;
  closed: boolean;
  lastTotal: number;
  lastComplete: boolean;
  /** Work started for the handle in the background (eager analysis, merging). */
  background: Promise<unknown>[];
}

const now = (): number => Date.now();

/** A sort's page this far in comes from a top-N query; further in, from the full sort. */
const TOP_N_MAX = 10_000;

export class TableService implements TableApi {
  readonly cache: TableCache;
  private readonly runner: BuildRunner;
  private readonly catalog: Catalog;
  private readonly limits: Partial<InflateLimits>;
  private readonly handles = new Map<string, Handle>();
  private readonly listeners = new Set<(e: TableEvent) => void>();
  private readonly firstRows: number;
  private readonly eager: boolean;
  private readonly segmentBytes: number | undefined;
  private readonly packText: boolean;
  /** Background packing of built segments' text, service-wide (outlives handles). */
  readonly packer: TextPacker;
  private nextHandle = 1;

  constructor(options: TableServiceOptions) {
    this.catalog = options.catalog;
    this.cache = new TableCache({ dir: options.cacheDir, maxBytes: options.cacheMaxBytes });
    this.limits = options.limits ?? {};
    void this.cache.reclaim().catch(() => undefined); // folders of builds killed in an earlier run
    this.runner = new BuildRunner(options.workers ?? undefined, options.workers === 0);
    this.firstRows = options.firstRows ?? 200;
    this.eager = options.eagerAnalysis ?? options.workers !== 0;
    this.segmentBytes = options.segmentBytes;
    this.packText = options.packText ?? true;
    this.packer = new TextPacker((key) => this.cache.pin(key));
    configureDuck({
      tempDir: path.join(this.cache.dir, '.duckdb-tmp'),
      ...(options.duckMemory ? { memoryLimit: options.duckMemory } : {}),
    });
  }

  onTableEvent(listener: (event: TableEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: TableEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is not the engine's
      }
    }
  }

  private progress(
    h: Handle,
    phase: TablePhase,
    done: number,
    total: number | null,
    started: number,
    extra: { chunk?: string; error?: string } = {},
  ): void {
    this.emit({
      type: 'table-progress',
      progress: { handle: h.id, phase, done, total, elapsedMs: now() - started, ...extra },
    });
  }

  // -------------------------------------------------------------------------------------------
  // Listing

  private async chunksOf(dropPath: string): Promise<{ drop: string; chunks: ChunkRecord[]; family: DropAdapter | null }> {
    const drop = await resolveDrop(dropPath);
    refuseInsideDrop(this.cache.dir, drop, 'the table cache', 'set DROP_INSPECTOR_CACHE elsewhere');
    const row = this.catalog.drop(drop);
    if (!row) throw new EngineError('not-found', `${drop} has not been scanned yet; scan it first`);
    const family = adapterFor(row.format);
    const chunks = continuityOrder(this.catalog.loadChunks(row.id), family?.axis).map((k) => k.chunk);
    return { drop, chunks, family };
  }

  /**
   * Where a table's bytes are, from the parts the scan recorded (no guessing from file names):
   * one source per part (a bulk request's record type may come in one file per section).
   */
  private sourcesOf(
    drop: string,
    t: ChunkRecord['tables'][number],
    encoding: TableEncoding,
    override?: Partial<Dialect>,
  ): EntrySource[] {
    return (t.parts ?? []).map((part) => this.sourceOf(drop, part, encoding, override));
  }

  private sourceOf(
    drop: string,
    recorded: NonNullable<ChunkRecord['tables'][number]['parts']>[number],
    encoding: TableEncoding,
    override?: Partial<Dialect>,
  ): EntrySource {
    let part = recorded;
    // The user's dialect over the detected one (another entry in the cache: another key).
    if (override && part.layout.kind === 'dsv') {
      const d = { ...part.layout.dialect };
      for (const k of ['delimiter', 'quote', 'header'] as const) if (override[k] !== undefined) (d as Record<string, unknown>)[k] = override[k];
      part = { ...part, layout: { kind: 'dsv', dialect: d } };
    }
    const file = fileOf(part.source);
    // An S3 drop's objects are named by URL and versioned by ETag (not a time).
    const s3 = isS3Url(drop);
    return {
      archive: s3 ? `${drop}${file.path}` : path.join(drop, file.path),
      size: file.size,
      mtimeMs: s3 ? 0 : Number(file.version),
      ...(s3 ? { version: file.version } : {}),
      member: part.source.kind === 'member' ? part.source.member : describeSource(part.source),
      encoding,
      dialect: part.layout.kind === 'dsv' ? part.layout.dialect : RFC4180,
      ...(isPlainMember(part) ? {} : { part, root: drop }),
    };
  }

  async listTables(dropPath: string): Promise<TableSummary[]> {
    const { drop, chunks } = await this.chunksOf(dropPath);
    const byName = new Map<string, TableSummary>();
    for (const c of chunks) {
      for (const t of c.tables) {
        const id = t.name.toLowerCase();
        let s = byName.get(id);
        if (!s) byName.set(id, (s = { table: t.name, chunks: [], totalRows: 0, columns: [] }));
        const src = this.sourcesOf(drop, t, 'utf-8')[0] ?? null;
        s.chunks.push({
          chunk: c.name,
          member: t.member,
          rows: t.rows,
          columns: t.columns,
          bytes: t.bytes,
          error: t.error ?? (src ? null : 'no readable archive'),
          cached: src ? this.cache.has(entryKey(src)) : false,
        });
        s.totalRows += t.rows ?? 0;
        for (const col of t.columns) if (!s.columns.includes(col)) s.columns.push(col);
      }
    }
    return [...byName.values()].sort((a, b) => (a.table.toLowerCase() < b.table.toLowerCase() ? -1 : 1));
  }

  // -------------------------------------------------------------------------------------------
  // Opening

  async openTable(dropPath: string, req: OpenTableRequest): Promise<TableHandleInfo> {
    const encoding = req.encoding ?? 'utf-8';
    if (!isTableEncoding(encoding))
      throw new EngineError('bad-request', `unknown encoding ${String(encoding)}`);
    const { drop, chunks, family } = await this.chunksOf(dropPath);
    const want = req.table.replace(/\.csv$/i, '').toLowerCase();
    const parts: Part[] = [];
    const unreadable: Handle['unreadable'] = [];
    let tableName: string | null = null;
    const scopeChunk = typeof req.scope === 'object' && req.scope ? req.scope.chunk : null;
    if (scopeChunk !== null && !chunks.some((c) => c.name === scopeChunk)) {
      throw new EngineError('not-found', `no chunk ${JSON.stringify(scopeChunk)} in ${drop}`);
    }
    for (const c of chunks) {
      if (scopeChunk !== null && c.name !== scopeChunk) continue;
      const t = c.tables.find((x) => x.name.toLowerCase() === want);
      if (!t) continue;
      tableName ??= t.name;
      const sources = this.sourcesOf(drop, t, encoding, req.dialect);
      // What the scan could not make of the text (read as UTF-8) may read in another
      // encoding (or after a UTF-16 BOM): only archive damage makes a member unreadable.
      const textOnly = t.error !== null && t.errorKind === 'content';
      const error = (textOnly ? null : t.error) ?? (sources.length ? null : 'no readable archive');
      if (error || !sources.length) {
        unreadable.push({ chunk: c.name, error: error ?? 'unreadable' });
        continue;
      }
      const single = sources.length === 1;
      for (const [i, source] of sources.entries()) {
        const key = entryKey(source);
        const meta = this.cache.readMeta(key);
        const recorded = t.parts?.[i];
        // Read in another dialect than the scan's (the user's override): the scan's columns
        // and count are not this reading's (no header: the first record is a row; another
        // delimiter: other fields), so both come from the entry's own read.
        const asScanned = !recorded || recorded.layout.kind !== 'dsv' || describeDialect(recorded.layout.dialect) === describeDialect(source.dialect);
        parts.push({
          chunk: c.name,
          table: t.name,
          member: single ? t.member : (recorded?.source.kind === 'member' ? recorded.source.member : t.member),
          source,
          key,
          catalogRows: textOnly || !asScanned ? null : single ? t.rows : (recorded?.rows ?? null),
          // Several parts may differ in columns (sections): each reads its own header.
          columns: meta ? meta.header : single && asScanned ? t.columns : [],
          columnsExact: !!meta || (single && asScanned && encoding === 'utf-8' && !textOnly),
          meta,
          reader: meta
            ? new EntryReader(this.cache.entryDir(key), source.dialect, meta.headerFields, meta.rows, true, meta.segments)
            : null,
          first: null,
          building: null,
          progressRows: meta ? meta.rows : 0,
          headerFields: meta ? meta.headerFields : single && asScanned ? t.columns.length : 0,
          waiters: [],
          error: null,
          unpin: this.cache.pin(key),
        });
      }
    }
    if (!tableName) {
      throw new EngineError(
        'not-found',
        scopeChunk !== null
          ? `chunk ${scopeChunk} has no table ${req.table}`
          : `no table ${req.table} in ${drop}`,
      );
    }
    const scope: TableScope =
      scopeChunk !== null ? { chunk: scopeChunk } : req.scope === 'merged' ? 'merged' : 'all';
    const policy = family?.merge ?? 'upsert-by-key';
    // Full snapshots: the warehouse holds the newest one, not an upsert of all of them.
    if (scope === 'merged' && policy === 'latest-snapshot' && parts.length > 1) {
      for (const p of parts.splice(0, parts.length - 1)) p.unpin?.();
    }
    const h: Handle = {
      id: `t${this.nextHandle++}`,
      drop,
      table: tableName,
      scope,
      encoding,
      requestedKey: req.key && req.key.length ? req.key : undefined,
      parts,
      unreadable,
      columns: [],
      withChunk: scope === 'all' || scope === 'merged',
      key: null,
      policy,
      familyKey: family?.keyOf ? (cols: string[]) => family.keyOf!(tableName!, cols) : null,
      merged: null,
      merging: null,
      views: new Map(),
      viewsDone: new Map(),
      kinds: new Map(),
      sessionDir: null,
      control: new AbortController(),
      closed: false,
      lastTotal: -1,
      lastComplete: false,
      background: [],
    };
    this.handles.set(h.id, h);
    try {
      // Headers decoded in the chosen encoding: the first part's from its first read; the
      // others (many-chunk scopes) read just their header.
      if (parts.length && !parts[0].columnsExact) {
        this.startBuild(h, parts[0], true);
        await this.waitFirst(parts[0]);
      }
      await Promise.all(
        parts.slice(1).map(async (p) => {
          if (p.columnsExact) return;
          const r = await readHeader(p.source, this.limits).catch(() => null);
          if (r) {
            p.columns = r.header;
            p.headerFields = r.header.length;
            p.columnsExact = true;
          }
        }),
      );
      h.columns = unionColumns(parts.map((p) => p.columns));
      if (scope === 'merged') h.key = this.keyGuess(h);
      // Start reading the first part now (its first page is what the user sees first).
      if (parts.length && !parts[0].meta) this.startBuild(h, parts[0], true);
      if (this.eager) {
        // The merged view (or, for the others, the analysis stores) gets ready meanwhile.
        const bg = scope === 'merged' ? this.ensureMerged(h) : this.ensureAnalysis(h);
        h.background.push(bg.catch(() => undefined));
      }
    } catch (e) {
      await this.closeTable(h.id);
      throw e;
    }
    return this.info(h);
  }

  private keyGuess(h: Handle): KeyInfo {
    if (h.requestedKey) {
      const missing = h.requestedKey.filter((k) => !h.columns.includes(k));
      if (missing.length)
        throw new EngineError(
          'bad-request',
          `no column ${missing.map((m) => JSON.stringify(m)).join(', ')} in ${h.table}`,
        );
      return {
        columns: h.requestedKey,
        source: 'user',
        candidates: choosableKeys(h.columns),
        duplicatesWithinChunk: null,
        emptyKeys: null,
        replaced: null,
      };
    }
    const fromFamily = h.policy === 'upsert-by-key' ? h.familyKey?.(h.columns) : null;
    const named = fromFamily?.length ? { column: fromFamily[0], source: 'known' as const } : h.policy === 'upsert-by-key' ? namedKey(h.table, h.columns) : null;
    return {
      columns: fromFamily?.length ? fromFamily : named ? [named.column] : [],
      source: named ? named.source : 'none',
      candidates: choosableKeys(h.columns),
      duplicatesWithinChunk: null,
      emptyKeys: null,
      replaced: null,
    };
  }

  private handle(id: string): Handle {
    const h = this.handles.get(id);
    if (!h || h.closed) throw new EngineError('not-found', `no open table ${id}`);
    return h;
  }

  // -------------------------------------------------------------------------------------------
  // First reads

  private startBuild(h: Handle, p: Part, urgent = false): Promise<EntryMeta> {
    if (p.meta) return Promise.resolve(p.meta);
    if (p.building) return p.building;
    const started = now();
    if (urgent && !p.first && !this.runner.inline) {
      // The first page from this thread: a worker takes a moment to start, a peek at the
      // first MiB does not.
      void peekRows(p.source, this.firstRows, this.limits).then(
        (first) => {
          if (p.first || p.meta) return;
          p.first = first;
          p.headerFields = first.header.length;
          if (!p.columnsExact) {
            p.columns = first.header;
            p.columnsExact = true;
          }
          this.wake(p);
        },
        () => undefined, // the build reports the error
      );
    }
    p.building = this.runner
      .run(
        {
          cacheDir: this.cache.dir,
          cacheMaxBytes: this.cache.maxBytes,
          maxMemberBytes: this.limits.maxMemberBytes,
          maxRatio: this.limits.maxRatio,
          key: p.key,
          source: p.source,
          firstRows: this.firstRows,
          segmentBytes: this.segmentBytes,
        },
        {
          onFirstRows: (first) => {
            p.first = first;
            p.headerFields = first.header.length;
            if (!p.columnsExact) {
              p.columns = first.header;
              p.columnsExact = true;
            }
            this.wake(p);
          },
          onProgress: (pr) => {
            if (pr.headerFields >= 0) p.headerFields = pr.headerFields;
            p.progressRows = pr.rows;
            if (!p.reader)
              p.reader = new EntryReader(
                pr.dir,
                p.source.dialect,
                p.headerFields,
                pr.rows,
                false,
                pr.segments,
                this.cache.entryDir(p.key),
              );
            else p.reader.update(pr.rows, false, p.headerFields, pr.segments);
            this.wake(p);
            this.progress(h, 'reading', this.rowsKnown(h), this.rowsExpected(h), started, { chunk: p.chunk });
            this.grown(h);
          },
          signal: undefined,
        },
        urgent,
      )
      .then(
        (meta) => {
          p.meta = meta;
          p.progressRows = meta.rows;
          p.headerFields = meta.headerFields;
          p.columns = meta.header;
          p.columnsExact = true;
          const dir = this.cache.entryDir(p.key);
          if (!p.reader) p.reader = new EntryReader(dir, p.source.dialect, meta.headerFields, meta.rows, true, meta.segments);
          else {
            p.reader.update(meta.rows, true, meta.headerFields, meta.segments);
            p.reader.moved(dir);
          }
          this.wake(p);
          this.grown(h);
          return meta;
        },
        (e: Error) => {
          p.building = null;
          p.error = e.message;
          this.wake(p);
          throw e;
        },
      );
    p.building.catch(() => undefined);
    return p.building;
  }

  private wake(p: Part): void {
    const ws = p.waiters;
    p.waiters = [];
    for (const w of ws) w();
  }

  private async waitFirst(p: Part): Promise<void> {
    while (!p.first && !p.meta) {
      if (p.error) throw new EngineError('unreadable', `${p.chunk}/${p.member}: ${p.error}`);
      await new Promise<void>((r) => p.waiters.push(r));
    }
  }

  /** Waits until rows [0, n) of the part can be read (or the build ends). */
  private async waitRows(h: Handle, p: Part, n: number): Promise<void> {
    this.startBuild(h, p, true);
    for (;;) {
      if (p.meta) return;
      if (p.error) throw new EngineError('unreadable', `${p.chunk}/${p.member}: ${p.error}`);
      if (p.first && (n <= p.first.rows.length || p.first.complete)) return;
      if (p.reader && p.reader.readable >= n) return;
      await new Promise<void>((r) => p.waiters.push(r));
    }
  }

  private async ensureAllBuilt(h: Handle, phase: TablePhase = 'reading'): Promise<void> {
    const started = now();
    let done = 0;
    await Promise.all(
      h.parts.map(async (p, i) => {
        await this.startBuild(h, p, i === 0);
        done++;
        this.progress(h, phase, done, h.parts.length, started, { chunk: p.chunk });
      }),
    );
  }

  /** Rows of a part as far as known: built count, else the scan's count (UTF-8 only), else null. */
  private partRows(h: Handle, p: Part): number | null {
    if (p.meta) return p.meta.rows;
    if (h.encoding === 'utf-8' && p.catalogRows !== null) return p.catalogRows;
    return null;
  }

  private rowsKnown(h: Handle): number {
    return h.parts.reduce((s, p) => s + (p.meta ? p.meta.rows : p.progressRows), 0);
  }

  private rowsExpected(h: Handle): number | null {
    let s = 0;
    for (const p of h.parts) {
      const r = this.partRows(h, p);
      if (r === null) return null;
      s += r;
    }
    return s;
  }

  private totals(h: Handle): { total: number; complete: boolean } {
    if (h.scope === 'merged') {
      if (h.merged) return { total: h.merged.rows, complete: true };
      return { total: 0, complete: false };
    }
    let total = 0;
    let exact = true;
    for (const p of h.parts) {
      const r = this.partRows(h, p);
      if (r === null) {
        exact = false;
        total += p.reader ? p.reader.readable : p.first ? p.first.rows.length : 0;
      } else total += r;
    }
    return { total, complete: exact && h.parts.every((p) => p.meta) };
  }

  private grown(h: Handle): void {
    const { total, complete } = this.totals(h);
    if (total === h.lastTotal && complete === h.lastComplete) return;
    h.lastTotal = total;
    h.lastComplete = complete;
    this.emit({ type: 'table-grown', handle: h.id, totalRows: total, complete });
  }

  private info(h: Handle): TableHandleInfo {
    const { total, complete } = this.totals(h);
    return {
      handle: h.id,
      table: h.table,
      scope: h.scope,
      encoding:
        h.parts.find((p) => p.meta)?.meta?.encoding ??
        h.parts.find((p) => p.first)?.first?.encoding ??
        h.encoding,
      columns: h.withChunk ? [CHUNK_COLUMN, ...h.columns] : [...h.columns],
      totalRows: total,
      complete,
      key: h.key,
      problems: {
        malformedRows: h.parts.reduce((s, p) => s + (p.meta?.malformed ?? 0), 0),
        invalidChars: h.parts.reduce((s, p) => s + (p.meta?.invalidChars ?? 0), 0),
        unreadable: [
          ...h.unreadable,
          ...h.parts.filter((p) => p.error).map((p) => ({ chunk: p.chunk, error: p.error! })),
        ],
      },
      // A chunk's table may come in several parts (a bulk request's sections): each chunk once.
      chunks: [...new Set(h.parts.map((p) => p.chunk))],
      dialect: h.parts.length ? entryDialectOf(h.parts[0].source) : null,
      layout: h.parts[0]?.source.part?.layout.kind ?? (h.parts.length ? 'dsv' : null),
    };
  }

  async tableInfo(id: string): Promise<TableHandleInfo> {
    return this.info(this.handle(id));
  }

  // -------------------------------------------------------------------------------------------
  // Rows

  /** Part index and local row of a natural position; all parts before it must have known row counts. */
  private async locate(h: Handle, pos: number): Promise<{ part: number; row: number } | null> {
    let base = 0;
    for (let i = 0; i < h.parts.length; i++) {
      const p = h.parts[i];
      let r = this.partRows(h, p);
      if (r === null) {
        await this.startBuild(h, p, true);
        r = p.meta!.rows;
      }
      if (pos < base + r) return { part: i, row: pos - base };
      base += r;
    }
    return null;
  }

  private bases(h: Handle): number[] {
    const out: number[] = [];
    let b = 0;
    for (const p of h.parts) {
      out.push(b);
      b += p.meta!.rows;
    }
    return out;
  }

  private shape(h: Handle, p: Part, r: ReadRow): string[] {
    if (!h.withChunk) return r.cells;
    const map = columnMap(p.columns, h.columns);
    const out = new Array<string>(h.columns.length + 1);
    out[0] = p.chunk;
    for (let j = 0; j < map.length; j++) out[j + 1] = map[j] >= 0 ? (r.cells[map[j]] ?? '') : '';
    // Fields past the part's header (malformed records) are kept, after the scope's columns.
    for (let k = p.columns.length; k < r.cells.length; k++) out.push(r.cells[k]);
    return out;
  }

  private async readNatural(
    h: Handle,
    offset: number,
    limit: number,
  ): Promise<Array<{ p: Part; r: ReadRow; pos: number }>> {
    const out: Array<{ p: Part; r: ReadRow; pos: number }> = [];
    let pos = offset;
    while (out.length < limit) {
      const loc = await this.locate(h, pos);
      if (!loc) break;
      const p = h.parts[loc.part];
      const want = Math.min(limit - out.length, (this.partRows(h, p) ?? Infinity) - loc.row);
      await this.waitRows(h, p, loc.row + want);
      let rows: ReadRow[];
      if (!p.meta && p.first && loc.row + want <= p.first.rows.length)
        rows = p.first.rows.slice(loc.row, loc.row + want);
      else if (!p.meta && p.first?.complete) rows = p.first.rows.slice(loc.row, loc.row + want);
      else rows = await p.reader!.readRange(loc.row, want);
      if (rows.length === 0) break;
      for (const r of rows) out.push({ p, r, pos: pos++ });
      if (rows.length < want) break;
    }
    return out;
  }

  private async readPositions(
    h: Handle,
    positions: Float64Array,
  ): Promise<Array<{ p: Part; r: ReadRow; pos: number }>> {
    const bases = this.bases(h);
    const byPart = new Map<number, Array<{ k: number; row: number }>>();
    for (let k = 0; k < positions.length; k++) {
      const pos = positions[k];
      let lo = 0;
      let hi = bases.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (bases[mid] <= pos) lo = mid;
        else hi = mid - 1;
      }
      let list = byPart.get(lo);
      if (!list) byPart.set(lo, (list = []));
      list.push({ k, row: pos - bases[lo] });
    }
    const out = new Array<{ p: Part; r: ReadRow; pos: number }>(positions.length);
    await Promise.all(
      [...byPart].map(async ([pi, list]) => {
        const p = h.parts[pi];
        const rows = await p.reader!.readRows(list.map((x) => x.row));
        list.forEach((x, i) => (out[x.k] = { p, r: rows[i], pos: positions[x.k] }));
      }),
    );
    return out;
  }

  async getRows(id: string, req: RowsRequest): Promise<RowsPage> {
    const h = this.handle(id);
    const offset = Math.max(0, Math.floor(req.offset));
    const limit = Math.max(0, Math.min(100_000, Math.floor(req.limit)));
    const hasView = !!(req.sort || (req.filter && req.filter.length) || (req.search && req.search !== ''));
    if (req.thenBy?.length && !req.sort) throw new EngineError('bad-request', 'thenBy needs a sort');
    let got: Array<{ p: Part; r: ReadRow; pos: number }>;
    let total: number;
    let complete: boolean;
    if (!hasView && h.scope !== 'merged') {
      got = limit > 0 ? await this.readNatural(h, offset, limit) : [];
      ({ total, complete } = this.totals(h));
    } else {
      const spec: ViewSpec = hasView
        ? { sort: req.sort, thenBy: req.thenBy, filter: req.filter, search: req.search }
        : {};
      const head = spec.sort ? await this.sortedHead(h, spec, offset + limit) : null;
      if (head) {
        total = head.rows;
        got = await this.readPositions(h, head.positions.subarray(offset, offset + limit));
      } else {
        const view = await this.view(h, spec);
        total = view.rows;
        const n = Math.max(0, Math.min(limit, view.rows - offset));
        got = n > 0 ? await this.readPositions(h, await readSlice(view.file, offset, n)) : [];
      }
      complete = true;
    }
    this.grown(h);
    return {
      offset,
      rows: got.map((g) => this.shape(h, g.p, g.r)),
      rowNumbers: got.map((g) => g.pos),
      rowChunks: got.map((g) => g.p.chunk),
      records: got.map((g) => g.r.info.record),
      malformed: got.map((g) => g.r.info.malformed),
      totalRows: total,
      complete,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Analysis: views, merged, stats

  /** Every part's analysis store: its segments two at a time (each is one DuckDB thread). */
  private async ensureAnalysis(h: Handle): Promise<void> {
    await abortable(this.ensureAllBuilt(h), h.control.signal);
    const started = now();
    const tasks = h.parts.flatMap((p) => p.meta!.segments.map((_, k) => ({ p, k })));
    let done = 0;
    let next = 0;
    const signal = h.control.signal;
    const worker = async (): Promise<void> => {
      while (next < tasks.length) {
        const { p, k } = tasks[next++];
        await this.analysed(p, k, signal);
        done++;
        this.progress(h, 'analysing', done, tasks.length, started, { chunk: p.chunk });
      }
    };
    await Promise.all([worker(), worker()]);
  }

  /** One build per segment store at a time, shared by the handles that need it. */
  private readonly analysing = new Map<string, Promise<string>>();
  private analysed(p: Part, k: number, signal: AbortSignal): Promise<string> {
    const id = `${p.key}:${k}`;
    let a = this.analysing.get(id);
    if (!a) {
      const dir = this.cache.entryDir(p.key);
      const meta = p.meta!;
      // The CSV is packed once its store is built (packed-text.ts: the cache at ~0.55x the
      // CSV instead of 1.4x), in the background: the store answers first. Queued again on
      // every use, so a packing killed in an earlier run is finished (a no-op when packed).
      a = ensureParquet(dir, meta, k, { signal })
        .then((out) => {
          if (this.packText) this.packer.add(p.key, dir, meta, k);
          return out;
        })
        .finally(() => this.analysing.delete(id));
      this.analysing.set(id, a);
    }
    return a;
  }

  private scope(h: Handle): ScopeSql {
    const bases = this.bases(h);
    const parts: ScopePart[] = h.parts.map((p, i) => ({
      chunk: p.chunk,
      pieces: p.meta!.segments.map((seg, k) => ({
        parquet: path.join(this.cache.entryDir(p.key), segmentParquet(k)),
        base: bases[i] + seg.firstRow,
        info: readSegmentInfo(this.cache.entryDir(p.key), k, Math.max(1, p.meta!.headerFields)),
      })),
      columnMap: columnMap(p.columns, h.columns),
    }));
    return scopeSql(parts, h.columns.length, h.withChunk);
  }

  private async sessionDir(h: Handle): Promise<string> {
    if (!h.sessionDir) h.sessionDir = await this.cache.tempDir('v', `view-${h.id}`);
    return h.sessionDir;
  }

  private ctx(h: Handle, scope: ScopeSql): ViewContext {
    return {
      scope,
      names: h.columns,
      kinds: h.kinds,
      restrict: h.scope === 'merged' ? h.merged!.parquet : null,
    };
  }

  /** The merged view's positions (cached across runs per parts + key). */
  private async ensureMerged(h: Handle): Promise<void> {
    if (h.merged) return;
    h.merging ??= (async () => {
      await abortable(this.ensureAllBuilt(h), h.control.signal);
      const vkey = hashKey(['merged', h.parts.map((p) => p.key), h.requestedKey ?? null]);
      const dir = this.cache.viewDir(vkey);
      const metaFile = path.join(dir, 'meta.json');
      if (existsSync(metaFile)) {
        try {
          const m = JSON.parse(await fsp.readFile(metaFile, 'utf8')) as { key: KeyInfo; rows: number };
          this.cache.touch(metaFile);
          h.key = m.key;
          h.merged = {
            parquet: path.join(dir, 'merged.parquet'),
            positions: path.join(dir, 'merged.pos'),
            rows: m.rows,
          };
          this.grown(h);
          return;
        } catch {
          // rebuild
        }
      }
      await this.ensureAnalysis(h);
      const started = now();
      this.progress(h, 'merging', 0, 100, started);
      const tmp = await this.cache.tempDir('v', vkey);
      try {
        const scope = this.scope(h);
        await withConnection(
          {
            signal: h.control.signal,
            onProgress: (f) => this.progress(h, 'merging', Math.round(f * 100), 100, started),
            what: `merging ${h.table} by key`,
          },
          async (con) => {
            let key = h.key ?? this.keyGuess(h);
            if (key.source === 'none' && h.policy === 'upsert-by-key') {
              // Rule 3: the first key-like column unique within every chunk and never empty.
              const cands = keyCandidates(h.columns);
              const sqlCols = cands.map((c) => scope.cols[h.columns.indexOf(c)]);
              const u = await keyUniqueness(con, scope, sqlCols);
              const k = u.findIndex((x) => x.duplicates === 0 && x.empty === 0);
              if (k >= 0) key = { ...key, columns: [cands[k]], source: 'unique-column' };
            }
            const keySql = key.columns.map((c) => scope.cols[h.columns.indexOf(c)]);
            const r = await mergeByKey(
              con,
              scope,
              keySql,
              path.join(tmp, 'merged.parquet'),
              path.join(tmp, 'merged.pos'),
              h.parts.length,
            );
            key = {
              ...key,
              duplicatesWithinChunk: r.duplicatesWithinChunk,
              emptyKeys: r.emptyKeys,
              replaced: r.replaced,
            };
            await fsp.writeFile(path.join(tmp, 'meta.json'), JSON.stringify({ key, rows: r.rows }));
            h.key = key;
          },
        );
        await this.cache.commit(tmp, dir);
      } catch (e) {
        await fsp.rm(tmp, { recursive: true, force: true });
        throw e;
      }
      const m = JSON.parse(await fsp.readFile(metaFile, 'utf8')) as { key: KeyInfo; rows: number };
      h.key = m.key;
      h.merged = {
        parquet: path.join(dir, 'merged.parquet'),
        positions: path.join(dir, 'merged.pos'),
        rows: m.rows,
      };
      this.progress(h, 'done', 100, 100, started);
      this.grown(h);
      await this.cache.evict([vkey, ...h.parts.map((p) => p.key)]).catch(() => 0);
    })();
    try {
      await h.merging;
    } catch (e) {
      h.merging = null;
      throw e;
    }
  }

  /** The view with CHUNK_COLUMN written as the SQL chunk column. */
  private sqlView(h: Handle, spec: ViewSpec): ViewSpec {
    const c = (name: string | undefined): string | undefined =>
      h.withChunk && name === CHUNK_COLUMN ? '__chunk' : name;
    return {
      ...(spec.sort ? { sort: { ...spec.sort, column: c(spec.sort.column)! } } : {}),
      ...(spec.sort && spec.thenBy?.length
        ? { thenBy: spec.thenBy.map((k) => ({ ...k, column: c(k.column)! })) }
        : {}),
      ...(spec.filter ? { filter: spec.filter.map((f) => ({ ...f, column: c(f.column) })) } : {}),
      ...(spec.search !== undefined ? { search: spec.search } : {}),
    };
  }

  private viewKey(spec: ViewSpec): string {
    return JSON.stringify([spec.sort ?? null, spec.thenBy ?? [], spec.filter ?? [], spec.search ?? '']);
  }

  /**
   * The first `n` rows of a sorted view by a top-N query, while its full sort is not written
   * yet (which then starts in the background for the later pages); null when the full sort
   * is there or `n` is too far in for a top-N to pay.
   */
  private async sortedHead(
    h: Handle,
    spec: ViewSpec,
    n: number,
  ): Promise<{ positions: Float64Array; rows: number } | null> {
    if (n > TOP_N_MAX) return null;
    const sql = this.sqlView(h, spec);
    const vk = this.viewKey(sql);
    if (h.viewsDone.has(vk)) return null;
    if (h.scope === 'merged') await this.ensureMerged(h);
    await this.ensureAnalysis(h);
    const started = now();
    const scope = this.scope(h);
    const sortOnly = !(sql.filter && sql.filter.length) && !(sql.search && sql.search !== '');
    const known = sortOnly ? (h.scope === 'merged' ? h.merged!.rows : this.totals(h).total) : null;
    const head = await withConnection(
      { signal: h.control.signal, what: `sorting ${h.table} by ${spec.sort!.column}` },
      (con) => viewHead(con, this.ctx(h, scope), sql, n, known),
    );
    this.progress(h, 'done', 100, 100, started);
    // The whole sort for the pages further in, meanwhile.
    if (!h.views.has(vk)) h.background.push(this.view(h, spec).catch(() => undefined));
    return head;
  }

  private async view(h: Handle, spec: ViewSpec): Promise<ViewFile> {
    spec = this.sqlView(h, spec);
    if (h.scope === 'merged') await this.ensureMerged(h);
    const plain = !spec.sort && !(spec.filter && spec.filter.length) && !(spec.search && spec.search !== '');
    if (plain) {
      if (h.scope === 'merged') return { file: h.merged!.positions, rows: h.merged!.rows };
      throw new Error('internal: plain view of a non-merged scope');
    }
    const vk = this.viewKey(spec);
    let v = h.views.get(vk);
    if (!v) {
      v = (async () => {
        await this.ensureAnalysis(h);
        const started = now();
        const phase: TablePhase =
          spec.sort && !(spec.filter?.length || spec.search) ? 'sorting' : 'filtering';
        const file = path.join(await this.sessionDir(h), `view-${h.views.size}.pos`);
        const scope = this.scope(h);
        const rows = await withConnection(
          {
            signal: h.control.signal,
            onProgress: (f) => this.progress(h, phase, Math.round(f * 100), 100, started),
            what: spec.sort ? `sorting ${h.table} by ${spec.sort.column}` : `filtering ${h.table}`,
          },
          (con) => viewPositions(con, this.ctx(h, scope), spec, file),
        );
        this.progress(h, 'done', 100, 100, started);
        const done = { file, rows };
        h.viewsDone.set(vk, done);
        return done;
      })();
      h.views.set(vk, v);
      v.catch(() => h.views.delete(vk));
    }
    return v;
  }

  async columnStats(id: string, column: string, view: ViewSpec = {}): Promise<ColumnStats> {
    const h = this.handle(id);
    if (h.scope === 'merged') await this.ensureMerged(h);
    await this.ensureAnalysis(h);
    const started = now();
    const scope = this.scope(h);
    const col = column === CHUNK_COLUMN && h.withChunk ? '__chunk' : column;
    const stats = await withConnection(
      {
        signal: h.control.signal,
        onProgress: (f) => this.progress(h, 'stats', Math.round(f * 100), 100, started),
        what: `statistics of ${h.table}.${column}`,
      },
      (con) => columnStatistics(con, this.ctx(h, scope), col, this.sqlView(h, view)),
    );
    this.progress(h, 'done', 100, 100, started);
    return { ...stats, column };
  }

  async exportView(id: string, view: ViewSpec, file: string): Promise<ExportResult> {
    const h = this.handle(id);
    const target = refuseInsideDrop(file, h.drop, 'the exported view');
    const started = now();
    await abortable(this.ensureAllBuilt(h), h.control.signal);
    if (h.parts.every((p) => p.meta!.malformed === 0)) return this.exportWithDuck(h, view, target, started);
    const info = this.info(h);
    const out = createWriteStream(target);
    const write = (s: string): Promise<void> =>
      new Promise((res, rej) => {
        if (out.write(s)) res();
        else {
          out.once('drain', res);
          out.once('error', rej);
        }
      });
    let rows = 0;
    try {
      await write(info.columns.map(csvField).join(',') + '\r\n');
      const step = 5000;
      for (let offset = 0; ; offset += step) {
        h.control.signal.throwIfAborted();
        const page = await this.getRows(id, { ...view, offset, limit: step });
        if (page.rows.length === 0) break;
        await write(page.rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n');
        rows += page.rows.length;
        this.progress(h, 'exporting', rows, page.totalRows, started);
        if (page.rows.length < step) break;
      }
    } finally {
      await new Promise<void>((res) => out.end(res));
    }
    this.progress(h, 'done', rows, rows, started);
    return { file: target, rows, bytes: (await fsp.stat(target)).size };
  }

  /**
   * The export by DuckDB's CSV writer over the analysis stores (well over 1M rows/s): the
   * rows go to a file beside the target, which then follows the header. Cells are exact (a
   * typed column's text is its cell); for scopes without malformed records only.
   */
  private async exportWithDuck(h: Handle, view: ViewSpec, target: string, started: number): Promise<ExportResult> {
    const spec = this.sqlView(h, view);
    if (h.scope === 'merged') await this.ensureMerged(h);
    await this.ensureAnalysis(h);
    const body = `${target}.${process.pid}-${Math.random().toString(36).slice(2)}.part`;
    // Plain names: DuckDB writes the header too, and the file is renamed into place whole.
    const columns = this.info(h).columns;
    const plain = plainHeader(columns);
    try {
      const scope = this.scope(h);
      const rows = await withConnection(
        {
          signal: h.control.signal,
          onProgress: (f) => this.progress(h, 'exporting', Math.round(f * 100), 100, started),
          what: `exporting ${h.table}`,
        },
        (con) => exportCsv(con, this.ctx(h, scope), spec, body, plain ? columns : null),
      );
      if (plain) await fsp.rename(body, target);
      else {
        await fsp.writeFile(target, columns.map(csvField).join(',') + '\r\n');
        await pipeline(createReadStream(body, { highWaterMark: 1 << 20 }), createWriteStream(target, { flags: 'a' }));
      }
      this.progress(h, 'done', rows, rows, started);
      return { file: target, rows, bytes: (await fsp.stat(target)).size };
    } finally {
      await fsp.rm(body, { force: true }).catch(() => undefined);
    }
  }

  async cancel(id: string): Promise<void> {
    const h = this.handle(id);
    h.control.abort();
    h.control = new AbortController();
  }

  async closeTable(id: string): Promise<void> {
    const h = this.handles.get(id);
    if (!h || h.closed) return;
    h.closed = true;
    h.control.abort();
    this.handles.delete(id);
    await Promise.allSettled(h.background);
    for (const p of h.parts) {
      p.unpin?.();
      await p.reader?.close();
    }
    if (h.sessionDir) await fsp.rm(h.sessionDir, { recursive: true, force: true }).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const id of [...this.handles.keys()]) await this.closeTable(id);
    await this.packer.close();
    await this.runner.close();
  }

  /** Waits until the background packing of text has nothing left (tests, the bench). */
  async packed(): Promise<void> {
    await this.packer.settled();
  }

  /** Makes totalRows exact: reads the parts whose row count is not known yet. */
  async exactTotal(id: string): Promise<number> {
    const h = this.handle(id);
    if (h.scope === 'merged') {
      await this.ensureMerged(h);
      return h.merged!.rows;
    }
    for (const p of h.parts) if (this.partRows(h, p) === null) await this.startBuild(h, p, true);
    return this.totals(h).total;
  }

  /** Waits for every first read the handle started (CLI: leave the cache whole before exiting). */
  async settle(id: string): Promise<void> {
    const h = this.handles.get(id);
    if (!h) return;
    await Promise.allSettled(h.parts.map((p) => p.building ?? Promise.resolve()));
  }
}

/** For each scope column, the index of the same column (same name, same occurrence) in `cols`, or -1. */
export function columnMap(cols: string[], scope: string[]): number[] {
  const seen = new Map<string, number>();
  const where = new Map<string, number>();
  cols.forEach((c, i) => {
    const k = seen.get(c) ?? 0;
    seen.set(c, k + 1);
    where.set(`${k}\u0000${c}`, i);
  });
  const seen2 = new Map<string, number>();
  return scope.map((c) => {
    const k = seen2.get(c) ?? 0;
    seen2.set(c, k + 1);
    return where.get(`${k}\u0000${c}`) ?? -1;
  });
}

/** Columns of many headers, in order of first appearance (a name repeated within a header counts as many columns). */
export function unionColumns(headers: string[][]): string[] {
  const out: string[] = [];
  const have = new Map<string, number>();
  for (const h of headers) {
    const seen = new Map<string, number>();
    for (const c of h) {
      const k = (seen.get(c) ?? 0) + 1;
      seen.set(c, k);
      if ((have.get(c) ?? 0) < k) {
        have.set(c, k);
        out.push(c);
      }
    }
  }
  return out;
}

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s.startsWith(' ') || s.endsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Stops waiting (not the work) when the signal fires. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

async function readSlice(file: string, offset: number, n: number): Promise<Float64Array> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(n * 8);
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset * 8);
    const out = new Float64Array(bytesRead >> 3);
    new Uint8Array(out.buffer).set(buf.subarray(0, out.length * 8));
    return out;
  } finally {
    await fh.close();
  }
}

export { TableReadError };

/** The dialect of a DSV entry (null for JSON and other layouts). */
function entryDialectOf(src: EntrySource): Dialect | null {
  const k = src.part?.layout.kind ?? 'dsv';
  return k === 'dsv' ? src.dialect : null;
}
