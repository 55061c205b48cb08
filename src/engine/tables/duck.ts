// The DuckDB instances of the table engine (@duckdb/node-api, N-API: the same in Node and
// Electron), their memory budget, connections with progress and cancellation, and the
// translation of DuckDB's failures into errors a person can act on.
//
// Memory: the query instance gets a share of the machine's memory (an eighth, between
// 256 MiB and 2 GiB; DROP_INSPECTOR_DUCKDB_MEMORY overrides) and spills what does not fit
// to a folder inside the table cache (never the drop, never the system temp of another
// user). A sort, statistic or merge of a 10M-row table then runs within that bound; what
// still cannot (a disk full of spill files, say) fails as 'too-large' with the limit named,
// never as an internal error.
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { abortError } from '../abort';
import { EngineError } from '../model';

type DuckModule = typeof import('@duckdb/node-api');

export interface DuckConfig {
  /** Threads of the query instance (default: the cores). */
  threads?: number;
  /** Memory limit of the query instance (default: DROP_INSPECTOR_DUCKDB_MEMORY, else duckMemoryDefault()). */
  memoryLimit?: string;
  /** Memory limit of the build instance (default: a quarter of the query limit, 128 MiB to 512 MiB). */
  buildMemoryLimit?: string;
  /** Spill folder for big sorts (the table service sets <cache>/.duckdb-tmp). */
  tempDir?: string;
}

const MiB = 1024 * 1024;

/** The query instance's default memory limit, from the machine's memory. */
export function duckMemoryDefault(totalBytes: number = os.totalmem()): string {
  const mb = Math.round(Math.min(2048 * MiB, Math.max(256 * MiB, totalBytes / 8)) / MiB);
  return `${mb}MB`;
}

function limitMb(limit: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(limit);
  if (!m) return 256;
  const f = { '': 1 / MiB, k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 }[
    m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  return Number(m[1]) * f;
}

/**
 * Two DuckDB instances: 'query' (all cores) for the whole-table queries, and 'build'
 * (one thread per query) for the analysis stores. DuckDB keeps a CSV's row order across
 * threads only at a price: measured on a 3M-row, 291 MB member on 2 cores, the ordered
 * parquet build took 7.2 s and ~370 MB with 2 threads, 4.9 s and ~230 MB with one; two
 * members build side by side in the one-thread instance at nearly full speed each.
 */
export type DuckKind = 'query' | 'build';
const instances = new Map<DuckKind, Promise<DuckDBInstance>>();
let duckConfig: DuckConfig = {};

export function configureDuck(config: DuckConfig): void {
  duckConfig = { ...duckConfig, ...config };
}

/** The limits and spill folder in effect (for messages and diagnostics). */
export function duckSettings(): { query: string; build: string; tempDir: string } {
  const query = duckConfig.memoryLimit ?? process.env.DROP_INSPECTOR_DUCKDB_MEMORY ?? duckMemoryDefault();
  const build =
    duckConfig.buildMemoryLimit ?? `${Math.round(Math.min(512, Math.max(128, limitMb(query) / 4)))}MB`;
  const tempDir = duckConfig.tempDir ?? path.join(os.tmpdir(), `drop-inspector-duckdb-${process.pid}`);
  return { query, build, tempDir };
}

function loadDuck(): DuckModule {
  const require = createRequire(import.meta.url);
  return require('@duckdb/node-api') as DuckModule;
}

export async function duck(kind: DuckKind = 'query'): Promise<DuckDBInstance> {
  let i = instances.get(kind);
  if (!i) {
    i = (async () => {
      const { DuckDBInstance } = loadDuck();
      const s = duckSettings();
      const inst = await DuckDBInstance.create(':memory:', {
        threads:
          kind === 'build' ? '1' : String(duckConfig.threads ?? Math.max(1, os.availableParallelism())),
        memory_limit: kind === 'build' ? s.build : s.query,
        temp_directory: s.tempDir,
        // The build keeps the CSV's record order (file_row_number is the record's row); the
        // queries order explicitly and may use the cheaper unordered plans.
        preserve_insertion_order: kind === 'build' ? 'true' : 'false',
        // Give memory back after each task rather than keep it cached (RSS, not speed).
        allocator_flush_threshold: '16MB',
        allocator_bulk_deallocation_flush_threshold: '64MB',
      });
      if (kind === 'query') {
        // The Parquet files still read (the merged view's positions, a Parquet source's
        // object) have their footers cached: written once, in a temporary file renamed into
        // place, so a cached footer never describes another file (DuckDB also checks the
        // mtime). When the analysis stores were Parquet, this took a sort's top-N over a
        // 10M-row table's 15 stores from 125-150 ms to 55-60 ms. A setting of the parquet
        // extension, which must be loaded first.
        const con = await inst.connect();
        try {
          await con.run('LOAD parquet');
          await con.run('SET GLOBAL parquet_metadata_cache = true');
        } finally {
          con.closeSync();
        }
      }
      return inst;
    })();
    instances.set(kind, i);
    i.catch(() => instances.delete(kind));
  }
  return i;
}

/** Queries running per instance; an idle build instance is closed (its memory returned). */
const active: Record<DuckKind, number> = { query: 0, build: 0 };
let idleTimer: NodeJS.Timeout | null = null;

function buildIdle(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (active.build > 0) return;
    const i = instances.get('build');
    instances.delete('build');
    void i?.then((x) => x.closeSync()).catch(() => undefined);
  }, 2000);
  idleTimer.unref();
}

const idleWaiters: Array<() => void> = [];

/**
 * Null while no query runs on either instance, else a promise of the moment none does:
 * background work (packing text, text-packer.ts) waits for it, so that it never takes a
 * core from a sort or a store being built.
 */
export function duckBusy(): Promise<void> | null {
  if (active.query + active.build === 0) return null;
  return new Promise((resolve) => idleWaiters.push(resolve));
}

function ended(kind: DuckKind): void {
  if (--active[kind] === 0 && kind === 'build') buildIdle();
  if (active.query + active.build === 0) for (const w of idleWaiters.splice(0)) w();
}

/** Threads of the query instance. */
export const queryThreads = (): number => duckConfig.threads ?? Math.max(1, os.availableParallelism());

/** Ordered writes running on the query instance with its threads set to one (oneThread), and that setting. */
let oneThreadWrites = 0;
let oneThreadSet: Promise<unknown> | null = null;

/**
 * Runs `work` (an ordered write: a COPY under preserve_insertion_order) with the query
 * instance's threads set to one, restored when the last such write ends. DuckDB's ordered
 * CSV writer buffers and orders whole batches, which are the stores' row groups (491,520
 * rows): on 2 cores a 1M-row natural-order export took 1.0-1.4 s with two threads and
 * 0.5-0.6 s with one. The order holds at any thread count (the setting's promise): a query
 * meanwhile only runs on fewer threads. Writes that start together (an export's runs,
 * export-split.ts) each wait for the setting; each still runs on its own connection's thread.
 */
export async function oneThread<T>(con: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  const threads = queryThreads();
  if (threads === 1) return work();
  if (oneThreadWrites++ === 0) oneThreadSet = con.run('SET threads = 1');
  try {
    await oneThreadSet;
    return await work();
  } finally {
    if (--oneThreadWrites === 0) {
      oneThreadSet = null;
      await con.run(`SET threads = ${threads}`);
    }
  }
}

/** Closes the shared instances (tests, shutdown). */
export async function closeDuck(): Promise<void> {
  const all = [...instances.values()];
  instances.clear();
  attached.clear();
  for (const i of all) (await i.catch(() => null))?.closeSync();
}

// ---------------------------------------------------------------------------------------------
// Analysis stores (store.ts: a DuckDB database file per segment) attached to the query
// instance. An ATTACH is the instance's, seen by every connection of it, so each file is
// attached once (READ_ONLY: other processes may attach it too) and stays until its entry
// goes (detachUnder, before the cache deletes the folder) or the instance closes.

/** The attached stores of the query instance: file → its ATTACH (resolving once done). */
const attached = new Map<string, Promise<void>>();

/** The name a store file is attached as (fixed per path: the scope SQL names it). */
export const storeAlias = (file: string): string =>
  `s_${createHash('sha1').update(path.resolve(file)).digest('hex').slice(0, 20)}`;

/** Attaches the store `file` to the query instance (once: later calls share the first). */
export function attachStore(file: string): Promise<void> {
  const key = path.resolve(file);
  let a = attached.get(key);
  if (!a) {
    a = (async () => {
      const con = await (await duck('query')).connect();
      try {
        await con.run(`ATTACH IF NOT EXISTS ${sqlString(key)} AS ${storeAlias(key)} (READ_ONLY)`);
      } finally {
        con.closeSync();
      }
    })();
    attached.set(key, a);
    a.catch(() => attached.delete(key));
  }
  return a;
}

/**
 * Detaches every store under `dir` (an entry about to be deleted: on Windows an attached
 * file cannot be, and elsewhere its disk space would stay taken while it is open). A query
 * still reading one finishes on what it holds.
 */
export async function detachUnder(dir: string): Promise<void> {
  const prefix = path.resolve(dir) + path.sep;
  const files = [...attached.keys()].filter((f) => f.startsWith(prefix));
  if (!files.length) return;
  const inst = instances.get('query');
  for (const f of files) {
    const a = attached.get(f);
    attached.delete(f);
    if (!inst || !(await a!.then(() => true, () => false))) continue;
    const con = await (await inst).connect();
    try {
      await con.run(`DETACH DATABASE IF EXISTS ${storeAlias(f)}`);
    } finally {
      con.closeSync();
    }
  }
}

/** Files attached to the query instance now (tests, diagnostics). */
export const attachedStores = (): string[] => [...attached.keys()];

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export interface QueryControl {
  signal?: AbortSignal;
  /** 0..1 while DuckDB works (polled every 100 ms). */
  onProgress?: (fraction: number) => void;
  /** What the work is, for error messages ("sorting by START_TS"). */
  what?: string;
}

/**
 * DuckDB's resource failures as EngineError('too-large'), naming the limit and what to
 * change; other DuckDB errors keep their message. Never an "internal" error for a table
 * that is merely big.
 */
export function translateDuckError(e: unknown, kind: DuckKind, what = 'this table operation'): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  const s = duckSettings();
  if (/Out of Memory Error|failed to allocate|could not allocate/i.test(msg)) {
    return new EngineError(
      'too-large',
      `${what} needs more memory than the table engine may use (${kind === 'build' ? s.build : s.query}, spilling to ${s.tempDir}): ${firstLine(msg)}. Set DROP_INSPECTOR_DUCKDB_MEMORY (e.g. 4GB) to allow more.`,
    );
  }
  if (/No space left on device|max_temp_directory_size|temp(orary)? directory/i.test(msg)) {
    return new EngineError(
      'too-large',
      `${what} ran out of disk space for its spill files in ${s.tempDir}: ${firstLine(msg)}. Free space there or set DROP_INSPECTOR_CACHE to a larger disk.`,
    );
  }
  return e;
}

const firstLine = (m: string): string => m.split('\n')[0].slice(0, 300);

/** Runs `work` on a fresh connection, with progress polling and cancellation (interrupt). */
export async function withConnection<T>(
  ctl: QueryControl,
  work: (con: DuckDBConnection) => Promise<T>,
  kind: DuckKind = 'query',
): Promise<T> {
  ctl.signal?.throwIfAborted();
  active[kind]++;
  let con: DuckDBConnection;
  try {
    con = await (await duck(kind)).connect();
  } catch (e) {
    ended(kind);
    throw translateDuckError(e, kind, ctl.what);
  }
  const onAbort = (): void => con.interrupt();
  ctl.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = ctl.onProgress
    ? setInterval(() => {
        try {
          const p = con.progress;
          if (p.percentage >= 0) ctl.onProgress!(Math.min(1, p.percentage / 100));
        } catch {
          // no query running
        }
      }, 100)
    : null;
  try {
    if (ctl.onProgress) {
      // Session settings: DuckDB tracks query progress only with its progress bar on.
      await con.run('SET enable_progress_bar = true');
      await con.run('SET enable_progress_bar_print = false');
    }
    return await work(con);
  } catch (e) {
    if (ctl.signal?.aborted) {
      throw abortError();
    }
    throw translateDuckError(e, kind, ctl.what);
  } finally {
    if (timer) clearInterval(timer);
    ctl.signal?.removeEventListener('abort', onAbort);
    con.closeSync();
    ended(kind);
  }
}

export async function queryRows(con: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const r = await con.runAndReadAll(sql);
  return r.getRowsJS() as unknown[][];
}

/** Streams a one-column DOUBLE result into a file of Float64 LE; returns the row count. */
export async function queryToPositions(con: DuckDBConnection, sql: string, file: string): Promise<number> {
  const res = await con.stream(`SELECT CAST(p AS DOUBLE) AS p FROM (${sql}) AS q(p)`);
  const fd = openSync(file, 'w');
  let n = 0;
  try {
    for (;;) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const items = positionsOf(chunk);
      const bytes = new Uint8Array(items.buffer, items.byteOffset, chunk.rowCount * 8);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      n += chunk.rowCount;
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/** A one-column DOUBLE result in memory (small results: a top-N page). */
export async function queryPositions(con: DuckDBConnection, sql: string): Promise<Float64Array> {
  const res = await con.stream(`SELECT CAST(p AS DOUBLE) AS p FROM (${sql}) AS q(p)`);
  const parts: Float64Array[] = [];
  let n = 0;
  for (;;) {
    const chunk = await res.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    parts.push(Float64Array.from(positionsOf(chunk).subarray(0, chunk.rowCount)));
    n += chunk.rowCount;
  }
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function positionsOf(chunk: {
  rowCount: number;
  getColumnVector(i: number): unknown;
}): Float64Array {
  const v = chunk.getColumnVector(0) as { items?: Float64Array; getItem(i: number): number | null };
  const count = chunk.rowCount;
  let items = v.items;
  if (!(items instanceof Float64Array) || items.length < count) {
    items = new Float64Array(count);
    for (let i = 0; i < count; i++) items[i] = v.getItem(i) ?? -1;
  }
  return items;
}
