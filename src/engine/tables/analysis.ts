// The analysis store and the whole-table queries (sort, filter, search, statistics, the
// merged view), on DuckDB (@duckdb/node-api, N-API: the same in Node and Electron).
//
// Per cache entry, data.parquet holds the member's records as DuckDB sees them: columns
// c0..c{n-1} VARCHAR (n = the header's field count; '' for empty, never NULL), __malformed
// BOOLEAN and __extra VARCHAR (fields past the header's count, joined with ','), in file
// order; parquet's file_row_number is the record's row in the entry. It is built from
// data.csv:
// - plain files (see indexer.ts: one line-end kind, no empty lines, quotes only around whole
//   fields, the header's field count everywhere) are read by DuckDB's own strict CSV
//   reader, which then sees exactly our cells (test/tables/analysis.test.ts holds it to
//   that, cell by cell), and the row count is checked;
// - any other file goes through our parser into a canonical CSV (every field quoted, LF,
//   fixed width) that DuckDB reads unambiguously.
// Query results that are row lists (a sorted or filtered view, the merged view) are
// streamed into files of Float64 positions, so paging a view is a slice read and memory
// stays flat whatever the row count.
import { closeSync, existsSync, openSync, promises as fsp, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { RFC4180, type Dialect } from '../../shared/family';
import type { ColumnStats, FilterSpec, SortSpec, ViewSpec } from '../../shared/table-api';
import { segmentContent, segmentFile, segmentParquet, segmentRows, type EntryMeta } from './cache';
import { RecordParser } from './csv-cells';

type DuckModule = typeof import('@duckdb/node-api');

export interface DuckConfig {
  /** Threads of the query instance (default: the cores). */
  threads?: number;
  /** Memory limit of the query instance (default: DROP_INSPECTOR_DUCKDB_MEMORY or 192MB). */
  memoryLimit?: string;
  /** Memory limit of the build instance (default 128MB). */
  buildMemoryLimit?: string;
  /** Spill folder for big sorts (default: <cache>/.duckdb-tmp). */
  tempDir?: string;
}

/**
 * Two DuckDB instances: 'query' (all cores) for the whole-table queries, and 'build'
 * (one thread per query) for the analysis stores. DuckDB keeps a CSV's row order across
 * threads only at a price: measured on a 3M-row, 291 MB member on 2 cores, the ordered
 * parquet build took 7.2 s and ~370 MB with 2 threads, 4.9 s and ~230 MB with one; two
 * members build side by side in the one-thread instance at nearly full speed each.
 */
type DuckKind = 'query' | 'build';
const instances = new Map<DuckKind, Promise<DuckDBInstance>>();
let duckConfig: DuckConfig = {};

export function configureDuck(config: DuckConfig): void {
  duckConfig = { ...duckConfig, ...config };
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
      const tempDir = duckConfig.tempDir ?? path.join(os.tmpdir(), `drop-inspector-duckdb-${process.pid}`);
      return DuckDBInstance.create(':memory:', {
        threads:
          kind === 'build' ? '1' : String(duckConfig.threads ?? Math.max(1, os.availableParallelism())),
        memory_limit:
          kind === 'build'
            ? (duckConfig.buildMemoryLimit ?? '128MB')
            : (duckConfig.memoryLimit ?? process.env.DROP_INSPECTOR_DUCKDB_MEMORY ?? '192MB'),
        temp_directory: tempDir,
        preserve_insertion_order: 'true',
        // Give memory back after each task rather than keep it cached (RSS, not speed).
        allocator_flush_threshold: '16MB',
        allocator_bulk_deallocation_flush_threshold: '64MB',
      });
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

/** Closes the shared instances (tests, shutdown). */
export async function closeDuck(): Promise<void> {
  const all = [...instances.values()];
  instances.clear();
  for (const i of all) (await i.catch(() => null))?.closeSync();
}

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export interface QueryControl {
  signal?: AbortSignal;
  /** 0..1 while DuckDB works (polled every 100 ms). */
  onProgress?: (fraction: number) => void;
}

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
    active[kind]--;
    throw e;
  }
  if (ctl.onProgress) {
    // Session settings: DuckDB tracks query progress only with its progress bar on.
    await con.run('SET enable_progress_bar = true');
    await con.run('SET enable_progress_bar_print = false');
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
    return await work(con);
  } catch (e) {
    if (ctl.signal?.aborted) {
      const err = new Error('cancelled');
      err.name = 'AbortError';
      throw err;
    }
    throw e;
  } finally {
    if (timer) clearInterval(timer);
    ctl.signal?.removeEventListener('abort', onAbort);
    con.closeSync();
    if (--active[kind] === 0 && kind === 'build') buildIdle();
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
      const v = chunk.getColumnVector(0) as unknown as {
        items?: Float64Array;
        getItem(i: number): number | null;
      };
      const count = chunk.rowCount;
      let items = v.items;
      if (!(items instanceof Float64Array) || items.length < count) {
        items = new Float64Array(count);
        for (let i = 0; i < count; i++) items[i] = v.getItem(i) ?? -1;
      }
      const bytes = new Uint8Array(items.buffer, items.byteOffset, count * 8);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      n += count;
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// The analysis store of one entry.

export const colName = (i: number): string => `c${i}`;

function readCsvOptions(n: number, maxLine: number, lf: boolean, dialect: Dialect): string {
  const cols = Array.from({ length: n }, (_, i) => `'${colName(i)}': 'VARCHAR'`).join(', ');
  // new_line: '\n' for LF files. Left to DuckDB's detection otherwise: its '\r\n' setting
  // misreads some files (none, or errors), and detection without a setting can take a CR
  // inside quotes in the first record for the line end. Both fail loudly or are caught by
  // the checks of ensureParquet.
  // Buffers sized to the longest record (DuckDB's default 32 MiB, twice for two builds at
  // once, overflows the build instance's memory limit).
  // The entry's dialect: its delimiter, and its quote doubled inside quotes, or none ('').
  const q = sqlString(dialect.quote ?? '');
  return `columns={${cols}}, delim=${sqlString(dialect.delimiter)}, quote=${q}, escape=${q}, auto_detect=false, strict_mode=true${lf ? `, new_line='\\n'` : ''}, max_line_size=${maxLine}, buffer_size=${Math.max(8 * 1024 * 1024, maxLine * 2)}`;
}

/** How the analysis stores of this process were built (tests, diagnostics). */
export const analysisStats = { duckdbCsv: 0, canonical: 0, plainRejected: 0 };

/** Builds the analysis store of segment k of the entry if missing; returns its path. */
export async function ensureParquet(
  entryDir: string,
  meta: EntryMeta,
  k: number,
  ctl: QueryControl = {},
): Promise<string> {
  const out = path.join(entryDir, segmentParquet(k));
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const n = Math.max(1, meta.headerFields);
  const rows = segmentRows(meta, k);
  const src = path.join(entryDir, segmentFile(k));
  const select = Array.from({ length: n }, (_, i) => `coalesce(${colName(i)}, '') AS ${colName(i)}`).join(
    ', ',
  );
  // The canonical form of a record is at most about twice its size (quotes doubled).
  const maxLine = Math.max(1024 * 1024, 2 * meta.maxRecordBytes + 64 * (meta.maxFields + 2));
  const lengths = Array.from({ length: n }, (_, i) => `strlen(${colName(i)})`).join(' + ');
  /** Rows and cell bytes of the store written: what DuckDB read must be what we read. */
  const check = async (con: DuckDBConnection): Promise<{ rows: number; content: number }> => {
    const [r] = await queryRows(
      con,
      `SELECT count(*), coalesce(sum(${lengths}), 0) FROM read_parquet(${sqlString(tmp)})`,
    );
    return { rows: Number(r[0]), content: Number(r[1]) };
  };
  try {
    await withConnection(
      ctl,
      async (con) => {
        if (rows === 0 || meta.headerFields === 0) {
          const empty = Array.from({ length: n }, (_, i) => `NULL::VARCHAR AS ${colName(i)}`).join(', ');
          await con.run(
            `COPY (SELECT ${empty}, false AS __malformed, NULL::VARCHAR AS __extra WHERE false) TO ${sqlString(tmp)} (FORMAT parquet)`,
          );
          return;
        }
        if (meta.plain) {
          try {
            await con.run(
              `COPY (SELECT ${select}, false AS __malformed, NULL::VARCHAR AS __extra FROM read_csv(${sqlString(src)}, header=${k === 0 && meta.source.dialect.header}, ${readCsvOptions(n, maxLine, meta.lineEnding === 'lf', meta.source.dialect)})) TO ${sqlString(tmp)} (FORMAT parquet)`,
            );
            const got = await check(con);
            if (got.rows === rows && got.content === segmentContent(meta, k)) {
              analysisStats.duckdbCsv++;
              return;
            }
          } catch (e) {
            if (ctl.signal?.aborted) throw e;
            // fall through to the canonical path
          }
          analysisStats.plainRejected++;
          await fsp.rm(tmp, { force: true });
        }
        const canon = `${tmp}.csv`;
        try {
          await writeCanonical(src, canon, meta, k === 0, ctl.signal);
          await con.run(
            `COPY (SELECT ${select}, __malformed = '1' AS __malformed, nullif(__extra, '') AS __extra FROM read_csv(${sqlString(canon)}, header=false, ${readCsvOptions(
              n,
              maxLine,
              true,
              RFC4180, // the canonical form
            ).replace(
              /columns=\{([^}]*)\}/,
              (_m, c: string) => `columns={${c}, '__malformed': 'VARCHAR', '__extra': 'VARCHAR'}`,
            )})) TO ${sqlString(tmp)} (FORMAT parquet)`,
          );
          const got = (await check(con)).rows;
          if (got !== rows)
            throw new Error(`the analysis store of ${src} holds ${got} rows, the segment ${rows}`);
          analysisStats.canonical++;
        } finally {
          await fsp.rm(canon, { force: true });
        }
      },
      'build',
    );
    await fsp.rename(tmp, out);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  return out;
}

const QUOTE = 0x22;

/** data.csv → every record as n quoted fields + "0"/"1" (malformed) + the extra fields, LF-terminated. */
async function writeCanonical(
  src: string,
  dst: string,
  meta: EntryMeta,
  withHeader: boolean,
  signal?: AbortSignal,
): Promise<void> {
  const n = Math.max(1, meta.headerFields);
  const fd = openSync(dst, 'w');
  let out = Buffer.allocUnsafe(4 * 1024 * 1024);
  let o = 0;
  const flush = (): void => {
    let off = 0;
    while (off < o) off += writeSync(fd, out, off, o - off);
    o = 0;
  };
  const room = (k: number): void => {
    if (o + k <= out.length) return;
    flush();
    if (k > out.length) out = Buffer.allocUnsafe(k * 2);
  };
  const field = (b: Uint8Array, s: number, e: number): void => {
    room((e - s) * 2 + 3);
    out[o++] = QUOTE;
    for (let i = s; i < e; i++) {
      const c = b[i];
      out[o++] = c;
      if (c === QUOTE) out[o++] = QUOTE;
    }
    out[o++] = QUOTE;
  };
  const parser = new RecordParser(
    null,
    { headerFields: withHeader ? undefined : meta.headerFields, raw: true, dialect: meta.source.dialect },
    (bytes, ends, fields, info) => {
      let s = 0;
      for (let k = 0; k < n; k++) {
        if (k > 0) {
          room(1);
          out[o++] = 0x2c;
        }
        if (k < fields) {
          field(bytes, s, ends[k]);
          s = ends[k];
        } else field(bytes, 0, 0);
      }
      room(8);
      out[o++] = 0x2c;
      out[o++] = QUOTE;
      out[o++] = info.malformed ? 0x31 : 0x30;
      out[o++] = QUOTE;
      out[o++] = 0x2c;
      if (fields > n) {
        // Extra fields, joined with ',' (the delimiters they had).
        const start = ends[n - 1];
        const extra = Buffer.alloc(ends[fields - 1] - start + (fields - n - 1));
        let x = 0;
        let prev = start;
        for (let k = n; k < fields; k++) {
          if (k > n) extra[x++] = 0x2c;
          extra.set(bytes.subarray(prev, ends[k]), x);
          x += ends[k] - prev;
          prev = ends[k];
        }
        field(extra, 0, x);
      } else field(bytes, 0, 0);
      room(1);
      out[o++] = 0x0a;
    },
  );
  const fh = await fsp.open(src, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      parser.push(buf.subarray(0, bytesRead));
    }
    parser.finish();
    flush();
  } finally {
    await fh.close();
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Scope relations and views.

/** One chunk's part of a scope: its entry's parquet and how its columns map to the scope's. */
export interface ScopePart {
  chunk: string;
  /** The entry's segment stores, with the position of each one's first row in the scope's natural order. */
  pieces: Array<{ parquet: string; base: number }>;
  /** For each scope column (without the chunk column): the entry column index, or -1. */
  columnMap: number[];
}

export interface ScopeSql {
  /** SELECT __p, __part (ordinal), __chunk (name), u0..u{k-1}, __malformed, __extra (UNION ALL of the parts). */
  relation: string;
  /** SQL column names of the scope's data columns (u0..). */
  cols: string[];
  /** The scope has a chunk column (all / merged). */
  withChunk: boolean;
}

export function scopeSql(parts: ScopePart[], columnCount: number, withChunk: boolean): ScopeSql {
  const cols = Array.from({ length: columnCount }, (_, i) => `u${i}`);
  const selects = parts.flatMap((p, part) => {
    const mapped = cols
      .map((u, j) => (p.columnMap[j] >= 0 ? `${colName(p.columnMap[j])} AS ${u}` : `'' AS ${u}`))
      .join(', ');
    return p.pieces.map(
      (x) =>
        `SELECT CAST(file_row_number AS BIGINT) + ${x.base} AS __p, ${part} AS __part, ${sqlString(p.chunk)} AS __chunk${mapped ? ', ' + mapped : ''}, __malformed, __extra FROM read_parquet(${sqlString(x.parquet)}, file_row_number=true)`,
    );
  });
  const empty = `SELECT CAST(0 AS BIGINT) AS __p, 0 AS __part, '' AS __chunk${cols.map((u) => `, '' AS ${u}`).join('')}, false AS __malformed, NULL::VARCHAR AS __extra WHERE false`;
  return { relation: selects.length ? selects.join('\nUNION ALL\n') : empty, cols, withChunk };
}

export interface ColumnKind {
  kind: 'number' | 'time' | 'text';
  /** Every non-empty value is a finite number. */
  numeric: boolean;
  /** Text columns were tested for timestamps (else 'text' may be 'time'). */
  timeChecked: boolean;
}

const NUM = (c: string): string => `TRY_CAST(${c} AS DOUBLE)`;

/**
 * Numeric detection for some columns of a relation (one scan); with `time`, also whether
 * the values are timestamps (a dearer test, for statistics only).
 */
export async function columnKinds(
  con: DuckDBConnection,
  relation: string,
  cols: string[],
  names: string[],
  time = false,
): Promise<ColumnKind[]> {
  if (cols.length === 0) return [];
  const per = time ? 5 : 4;
  const parts = cols.map(
    (c) =>
      `count(*) FILTER (WHERE ${c} <> ''), count(*) FILTER (WHERE ${c} <> '' AND NOT isfinite(coalesce(${NUM(c)}, 'nan'::DOUBLE))), min(${NUM(c)}), max(${NUM(c)})` +
      (time ? `, count(*) FILTER (WHERE ${c} <> '' AND TRY_CAST(${c} AS TIMESTAMP) IS NULL)` : ''),
  );
  const row = (await queryRows(con, `SELECT ${parts.join(', ')} FROM (${relation})`))[0];
  return cols.map((_, i) => {
    const nonEmpty = Number(row[i * per]);
    const notNum = Number(row[i * per + 1]);
    const lo = row[i * per + 2] as number | null;
    const hi = row[i * per + 3] as number | null;
    const notTime = time ? Number(row[i * per + 4]) : nonEmpty;
    const numeric = nonEmpty > 0 && notNum === 0;
    // Unix seconds in a column named like a time (START_TS, GMT_START_TIME, CREATED...; Info
    // Mart's *_DATE_TIME_KEY holds the UTC seconds of its interval).
    const epochName = /(_TS|_TIME|^CREATED|^DELETED|^LASTCHANGE|_DATE|_DATE_TIME_KEY)$/i.test(names[i] ?? '');
    const epoch = numeric && epochName && lo !== null && hi !== null && lo >= 1e8 && hi <= 4.2e9;
    const isTime = (nonEmpty > 0 && notTime === 0 && !numeric) || epoch;
    return { kind: isTime ? 'time' : numeric ? 'number' : 'text', numeric, timeChecked: time };
  });
}

export interface ViewContext {
  scope: ScopeSql;
  /** Scope column names (data columns, without the chunk column), for messages and kinds. */
  names: string[];
  /** Known kinds, by SQL column (filled on demand). */
  kinds: Map<string, ColumnKind>;
  /** A parquet of positions restricting the scope (the merged view), or null. */
  restrict: string | null;
}

function columnSql(ctx: ViewContext, column: string): string {
  if (column === '__chunk') return '__chunk';
  const i = ctx.names.indexOf(column);
  if (i < 0) throw new RangeError(`no column ${JSON.stringify(column)}`);
  return ctx.scope.cols[i];
}

const like = (v: string): string => v.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterSql(ctx: ViewContext, f: FilterSpec): string {
  if (f.op === 'malformed') return '__malformed';
  const all = [...(ctx.scope.withChunk ? ['__chunk'] : []), ...ctx.scope.cols, "coalesce(__extra, '')"];
  const targets = f.column === undefined || f.column === '' ? all : [columnSql(ctx, f.column)];
  const v = f.value ?? '';
  const cs = f.caseSensitive ?? false;
  const lit = sqlString(cs ? v : v.toLowerCase());
  const one = (c: string): string => {
    const x = cs ? c : `lower(${c})`;
    switch (f.op) {
      case 'contains':
        return `contains(${x}, ${lit})`;
      case 'not-contains':
        return `NOT contains(${x}, ${lit})`;
      case 'equals':
        return `${x} = ${lit}`;
      case 'not-equals':
        return `${x} <> ${lit}`;
      case 'starts-with':
        return `starts_with(${x}, ${lit})`;
      case 'ends-with':
        return `${x} LIKE ${sqlString('%' + like(cs ? v : v.toLowerCase()))} ESCAPE '\\'`;
      case 'empty':
        return `${c} = ''`;
      case 'not-empty':
        return `${c} <> ''`;
      case 'regex':
        return `regexp_matches(${c}, ${sqlString(v)}${cs ? '' : `, 'i'`})`;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[f.op];
        const k = ctx.kinds.get(c);
        const num = Number(v);
        if (k?.numeric && v.trim() !== '' && Number.isFinite(num)) return `${NUM(c)} ${op} ${num}`;
        return `${c} <> '' AND ${c} ${op} ${sqlString(v)}`;
      }
      default:
        throw new RangeError(`unknown filter ${String((f as FilterSpec).op)}`);
    }
  };
  const negative = f.op === 'not-contains' || f.op === 'not-equals' || f.op === 'empty';
  // "Any column": a negative test must hold for every column, a positive one for some.
  return targets.length === 1 ? one(targets[0]) : `(${targets.map(one).join(negative ? ' AND ' : ' OR ')})`;
}

/** Columns whose kind a view needs (sorted 'auto', compared with gt/lt...). */
export function columnsNeedingKinds(ctx: ViewContext, view: ViewSpec): string[] {
  const out = new Set<string>();
  if (view.sort && (view.sort.as ?? 'auto') === 'auto' && view.sort.column !== '__chunk')
    out.add(columnSql(ctx, view.sort.column));
  for (const f of view.filter ?? []) {
    if (['gt', 'gte', 'lt', 'lte'].includes(f.op) && f.column) {
      const c = columnSql(ctx, f.column);
      if (c !== '__chunk') out.add(c);
    }
  }
  return [...out].filter((c) => !ctx.kinds.has(c));
}

export function baseSql(ctx: ViewContext): string {
  const r = `(${ctx.scope.relation})`;
  return ctx.restrict
    ? `(SELECT * FROM ${r} WHERE __p IN (SELECT __p FROM read_parquet(${sqlString(ctx.restrict)})))`
    : r;
}

export function whereSql(ctx: ViewContext, view: ViewSpec): string {
  const conds = (view.filter ?? []).map((f) => filterSql(ctx, f));
  if (view.search && view.search !== '') conds.push(filterSql(ctx, { op: 'contains', value: view.search }));
  return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
}

export function orderSql(ctx: ViewContext, sort: SortSpec | undefined): string {
  if (!sort) return 'ORDER BY __p';
  const c = columnSql(ctx, sort.column);
  const dir = sort.desc ? 'DESC' : 'ASC';
  // The chunk column sorts in continuity order (names are not: keys are not zero-padded).
  if (c === '__chunk') return `ORDER BY __part ${dir}, __p`;
  const asNumber =
    sort.as === 'number' || ((sort.as ?? 'auto') === 'auto' && ctx.kinds.get(c)?.numeric === true);
  // Empty cells (and, as numbers, non-numbers) last; equal keys in natural order.
  if (asNumber) return `ORDER BY ${NUM(c)} ${dir} NULLS LAST, __p`;
  return `ORDER BY nullif(${c}, '') ${dir} NULLS LAST, __p`;
}

/** The view's positions (scope natural order numbers), in view order, into `file`. */
export async function viewPositions(
  con: DuckDBConnection,
  ctx: ViewContext,
  view: ViewSpec,
  file: string,
): Promise<number> {
  const need = columnsNeedingKinds(ctx, view);
  if (need.length) {
    const kinds = await columnKinds(
      con,
      ctx.scope.relation,
      need,
      need.map((c) => ctx.names[ctx.scope.cols.indexOf(c)]),
    );
    need.forEach((c, i) => ctx.kinds.set(c, kinds[i]));
  }
  const sql = `SELECT __p FROM ${baseSql(ctx)} ${whereSql(ctx, view)} ${orderSql(ctx, view.sort)}`;
  return queryToPositions(con, sql, file);
}

// ---------------------------------------------------------------------------------------------
// Merged view.

export interface MergeResult {
  rows: number;
  emptyKeys: number;
  duplicatesWithinChunk: number;
  replaced: number;
}

/**
 * Per key, the record with the greatest position (the latest chunk in continuity order, and
 * within it the later record); records with an all-empty key are each kept. Writes the
 * winners' positions, ascending, to `parquetOut` (for DuckDB) and `positionsOut` (paging).
 */
export async function mergeByKey(
  con: DuckDBConnection,
  scope: ScopeSql,
  keyCols: string[],
  parquetOut: string,
  positionsOut: string,
  parts: number,
): Promise<MergeResult> {
  const rel = `(${scope.relation})`;
  const [[totalRaw, emptyRaw]] = await queryRows(
    con,
    keyCols.length
      ? `SELECT count(*), count(*) FILTER (WHERE ${keyCols.map((k) => `${k} = ''`).join(' AND ')}) FROM ${rel}`
      : `SELECT count(*), 0 FROM ${rel}`,
  );
  const total = Number(totalRaw);
  const emptyKeys = Number(emptyRaw);
  let winners: string;
  if (keyCols.length === 0) winners = `SELECT __p FROM ${rel}`;
  else {
    const emptyKey = keyCols.map((k) => `${k} = ''`).join(' AND ');
    winners = `SELECT max(__p) AS __p FROM ${rel} WHERE NOT (${emptyKey}) GROUP BY ${keyCols.join(', ')} UNION ALL SELECT __p FROM ${rel} WHERE ${emptyKey}`;
  }
  // One grouping of every record (the memory peak of the merge: ~280 MB of DuckDB for 3M
  // distinct keys on 2 threads); the winners' positions, ascending.
  const tmp = `${parquetOut}.tmp`;
  await con.run(`COPY (SELECT __p FROM (${winners}) ORDER BY __p) TO ${sqlString(tmp)} (FORMAT parquet)`);
  await fsp.rename(tmp, parquetOut);
  const rows = await queryToPositions(
    con,
    `SELECT __p FROM read_parquet(${sqlString(parquetOut)})`,
    positionsOut,
  );
  // Keys repeated inside one chunk: with one chunk, what the grouping folded; with several,
  // counted chunk by chunk (small groupings, not a second one over everything).
  let duplicatesWithinChunk = 0;
  if (keyCols.length > 0) {
    if (parts <= 1) duplicatesWithinChunk = total - emptyKeys - (rows - emptyKeys);
    else {
      const keys = keyCols.length === 1 ? keyCols[0] : `(${keyCols.join(', ')})`;
      const emptyKey = keyCols.map((k) => `${k} = ''`).join(' AND ');
      for (let i = 0; i < parts; i++) {
        const [[d]] = await queryRows(
          con,
          `SELECT count(*) - count(DISTINCT ${keys}) FROM ${rel} WHERE __part = ${i} AND NOT (${emptyKey})`,
        );
        duplicatesWithinChunk += Number(d);
      }
    }
  }
  return { rows, emptyKeys, duplicatesWithinChunk, replaced: total - rows };
}

/** For each candidate column: the records minus its distinct (chunk, value) pairs, and its empty values. */
export async function keyUniqueness(
  con: DuckDBConnection,
  scope: ScopeSql,
  cols: string[],
): Promise<Array<{ duplicates: number; empty: number }>> {
  if (cols.length === 0) return [];
  const parts = cols.map(
    (c) => `count(*) - count(DISTINCT (__part, ${c})), count(*) FILTER (WHERE ${c} = '')`,
  );
  const row = (await queryRows(con, `SELECT ${parts.join(', ')} FROM (${scope.relation})`))[0];
  return cols.map((_, i) => ({ duplicates: Number(row[i * 2]), empty: Number(row[i * 2 + 1]) }));
}

// ---------------------------------------------------------------------------------------------
// Column statistics.

export async function columnStatistics(
  con: DuckDBConnection,
  ctx: ViewContext,
  column: string,
  view: ViewSpec,
  bins = 20,
): Promise<ColumnStats> {
  const c = columnSql(ctx, column);
  if (c !== '__chunk' && !ctx.kinds.get(c)?.timeChecked)
    ctx.kinds.set(c, (await columnKinds(con, ctx.scope.relation, [c], [column], true))[0]);
  const kind = c === '__chunk' ? { kind: 'text' as const, numeric: false } : ctx.kinds.get(c)!;
  const from = `${baseSql(ctx)} ${whereSql(ctx, { filter: view.filter, search: view.search })}`;
  const isTimeText = kind.kind === 'time' && !kind.numeric;
  const numExpr = kind.numeric ? NUM(c) : isTimeText ? `epoch(TRY_CAST(${c} AS TIMESTAMP))` : null;
  const minMax = numExpr
    ? `arg_min(${c}, ${numExpr}) FILTER (WHERE ${c} <> ''), arg_max(${c}, ${numExpr}) FILTER (WHERE ${c} <> '')`
    : `min(${c}) FILTER (WHERE ${c} <> ''), max(${c}) FILTER (WHERE ${c} <> '')`;
  const [head] = await queryRows(
    con,
    `SELECT count(*), count(*) FILTER (WHERE ${c} = ''), count(DISTINCT ${c}) FILTER (WHERE ${c} <> ''), ${minMax}${numExpr ? `, min(${numExpr}), max(${numExpr})` : ''} FROM ${from}`,
  );
  const top = (
    await queryRows(
      con,
      `SELECT ${c}, count(*) AS n FROM ${from} GROUP BY ${c} ORDER BY n DESC, ${c} LIMIT 10`,
    )
  ).map((r) => ({
    value: String(r[0] ?? ''),
    count: Number(r[1]),
  }));
  let histogram: ColumnStats['histogram'] = null;
  if (numExpr && head[5] !== null && head[5] !== undefined) {
    const lo = Number(head[5]);
    const hi = Number(head[6]);
    const width = hi > lo ? (hi - lo) / bins : 1;
    const counts = new Array<number>(hi > lo ? bins : 1).fill(0);
    const rows = await queryRows(
      con,
      `SELECT least(${counts.length - 1}, CAST(floor((${numExpr} - ${lo}) / ${width}) AS INTEGER)) AS b, count(*) FROM (SELECT * FROM ${from}) AS s WHERE ${numExpr} IS NOT NULL GROUP BY b`,
    );
    for (const r of rows) counts[Number(r[0])] += Number(r[1]);
    histogram = counts.map((n, i) => ({
      from: lo + i * width,
      to: i === counts.length - 1 ? hi : lo + (i + 1) * width,
      count: n,
    }));
  }
  return {
    column,
    rows: Number(head[0]),
    empty: Number(head[1]),
    distinct: Number(head[2]),
    kind: kind.kind,
    min: (head[3] as string | null) ?? null,
    max: (head[4] as string | null) ?? null,
    top,
    histogram,
  };
}
