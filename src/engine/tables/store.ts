// The analysis store of one cache entry: data[.N].duckdb per data segment, a DuckDB database
// file holding one table, t, what DuckDB queries for sort, filter, search, statistics and
// the merged view. Native storage, not Parquet: measured on 30M random BIGINTs (2 threads),
// ORDER BY x LIMIT 100 took 1164 ms from zstd Parquet and 48 ms from the attached file, a
// low-cardinality GROUP BY 436 ms and 74 ms (no page decompression per scan; zone maps).
// The query instance attaches each file READ_ONLY, once (duck.ts attachStore).
//
// Columns __r BIGINT (the record's row in the segment: row_number() in the build instance,
// one thread, insertion order preserved, so it equals the table's rowid; test/tables/
// analysis.test.ts holds it to that), c0..c{n-1} (n = the header's field count), __malformed
// BOOLEAN and __extra VARCHAR (fields past the header's count, joined with ','), in file
// order. __r, not rowid: rowid in each branch of a scope's UNION ALL cost the 10M-row
// bench table's top-N ~190 ms against ~100 ms with the stored column (load 5-6), and a
// run of row numbers is stored in no space at all (bit-packed deltas: the same file size).
// Each column is stored in its type:
// BIGINT, DOUBLE or TIMESTAMP when every non-empty cell of the segment reads back as exactly
// the same text (CAST(CAST(cell AS T) AS VARCHAR) = cell: "05", "1.50", "+3" stay text), else
// VARCHAR ('' for empty, never NULL); a typed column's empty cells are NULL. So a typed
// column's text is exact, and sorts and statistics run on DuckDB's native types. The types
// are proposed from the segment's first rows and verified over all of it; data[.N].types.json
// (written before the store is renamed into place) records them, with, for text columns,
// whether every value is a number or a time (the kinds 'auto' sorting and statistics need,
// so they cost no scan at query time).
//
// The text store comes from data.csv:
// - plain files (see indexer.ts: one line-end kind, no empty lines, quotes only around whole
//   fields, the header's field count everywhere) are read by DuckDB's own strict CSV
//   reader, which then sees exactly our cells (test/tables/analysis.test.ts holds it to
//   that, cell by cell), and the row count and cell bytes are checked;
// - any other file goes through our parser into a canonical CSV (every field quoted, LF,
//   fixed width) that DuckDB reads unambiguously.
import { closeSync, existsSync, openSync, promises as fsp, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { segmentContent, segmentFile, segmentStore, segmentRows, type EntryMeta } from './cache';
import { RFC4180, type Dialect } from '../../shared/family';
import { RecordParser } from './csv-cells';
import { queryRows, sqlString, withConnection, type QueryControl } from './duck';
import { headExprs, headsOf, writeHeads, type ColumnHeads } from './store-heads';

export const colName = (i: number): string => `c${i}`;

function readCsvOptions(n: number, maxLine: number, lf: boolean, dialect: Dialect): string {
  const cols = Array.from({ length: n }, (_, i) => `'${colName(i)}': 'VARCHAR'`).join(', ');
  // new_line: '\n' for LF files. Left to DuckDB's detection otherwise: its '\r\n' setting
  // misreads some files (none, or errors), and detection without a setting can take a CR
  // inside quotes in the first record for the line end. Both fail loudly or are caught by
  // the checks of ensureStore.
  // Buffers sized to the longest record (DuckDB's default 32 MiB, twice for two builds at
  // once, overflows the build instance's memory limit).
  // The entry's dialect: its delimiter, and its quote doubled inside quotes, or none ('').
  const q = sqlString(dialect.quote ?? '');
  return `columns={${cols}}, delim=${sqlString(dialect.delimiter)}, quote=${q}, escape=${q}, auto_detect=false, strict_mode=true${lf ? `, new_line='\\n'` : ''}, max_line_size=${maxLine}, buffer_size=${Math.max(8 * 1024 * 1024, maxLine * 2)}`;
}

/** How the analysis stores of this process were built (tests, diagnostics). */
export const analysisStats = { duckdbCsv: 0, canonical: 0, plainRejected: 0 };

/** Builds the analysis store of segment k of the entry if missing; returns its path. */
export async function ensureStore(
  entryDir: string,
  meta: EntryMeta,
  k: number,
  ctl: QueryControl = {},
): Promise<string> {
  const out = path.join(entryDir, segmentStore(k));
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const n = Math.max(1, meta.headerFields);
  const rows = segmentRows(meta, k);
  const src = path.join(entryDir, segmentFile(k));
  // The canonical form of a record is at most about twice its size (quotes doubled).
  const maxLine = Math.max(1024 * 1024, 2 * meta.maxRecordBytes + 64 * (meta.maxFields + 2));
  const infoFile = path.join(entryDir, segmentInfoFile(k));
  try {
    await withConnection(
      { ...ctl, what: ctl.what ?? 'building the analysis store' },
      async (con) => {
        if (rows === 0 || meta.headerFields === 0) {
          const empty = Array.from({ length: n }, (_, i) => `NULL::VARCHAR AS ${colName(i)}`).join(', ');
          await writeStore(con, tmp, `SELECT CAST(0 AS BIGINT) AS __r, ${empty}, false AS __malformed, NULL::VARCHAR AS __extra WHERE false`, async () => undefined);
          await writeHeads(out, new Map(), n);
          await writeInfo(infoFile, textInfo(n, false));
          return;
        }
        if (meta.plain) {
          try {
            const csv = `read_csv(${sqlString(src)}, header=${k === 0 && meta.source.dialect.header}, ${readCsvOptions(n, maxLine, meta.lineEnding === 'lf', meta.source.dialect)})`;
            const got = await writeTyped(con, csv, false, n, tmp);
            if (got.rows === rows && got.content === segmentContent(meta, k)) {
              analysisStats.duckdbCsv++;
              await writeHeads(out, got.heads, n);
              await writeInfo(infoFile, got.info);
              return;
            }
          } catch (e) {
            if (ctl.signal?.aborted) throw e;
            // fall through to the canonical path
          }
          analysisStats.plainRejected++;
          await removeStoreFile(tmp);
        }
        const canon = `${tmp}.csv`;
        try {
          await writeCanonical(src, canon, meta, k === 0, ctl.signal);
          const csv = `read_csv(${sqlString(canon)}, header=false, ${readCsvOptions(n, maxLine, true, RFC4180 /* the canonical form */).replace(
            /columns=\{([^}]*)\}/,
            (_m, c: string) => `columns={${c}, '__malformed': 'VARCHAR', '__extra': 'VARCHAR'}`,
          )})`;
          const got = await writeTyped(con, csv, true, n, tmp);
          if (got.rows !== rows)
            throw new Error(`the analysis store of ${src} holds ${got.rows} rows, the segment ${rows}`);
          analysisStats.canonical++;
          await writeHeads(out, got.heads, n);
          await writeInfo(infoFile, got.info);
        } finally {
          await fsp.rm(canon, { force: true });
        }
      },
      'build',
    );
    await fsp.rename(tmp, out);
  } catch (e) {
    await removeStoreFile(tmp).catch(() => undefined);
    throw e;
  }
  return out;
}

/** Store files are written with these settings (STORAGE_VERSION: see writeStore). */
const STORE_OPTIONS = `STORAGE_VERSION 'v1.3.0', ROW_GROUP_SIZE ${4 * 122_880}`;

/**
 * Writes `select` as table t of a new database file `file`, then runs `check` on it (as
 * `<alias>.t`) before the file is closed. Storage version 1.3 (DuckDB's default stays the
 * oldest it can write, 1.0) compresses text with DICT_FSST and row groups of 4 x 122,880
 * rows: on a 64 MiB segment of the bench table the store was 13.4 MB with 122,880-row groups,
 * 12.6 MB with 4x (zstd Parquet: 12.6 MB; storage 1.0: 15.2 MB), and the cache must stay
 * under 0.7x the CSV. A segment of ~700k rows still has its row groups, and a scope many
 * segments, for the threads.
 */
async function writeStore<T>(
  con: DuckDBConnection,
  file: string,
  select: string,
  check: (table: string) => Promise<T>,
): Promise<T> {
  await removeStoreFile(file);
  const alias = `b_${Math.random().toString(36).slice(2)}`;
  await con.run(`ATTACH ${sqlString(file)} AS ${alias} (${STORE_OPTIONS})`);
  let done = false;
  try {
    await con.run(`CREATE TABLE ${alias}.t AS ${select}`);
    const r = await check(`${alias}.t`);
    done = true;
    return r;
  } finally {
    // Checkpoints the file (nothing left in a .wal) and closes it. After a failure (an
    // interrupt, say) the file is removed anyway: that failure is the one to report.
    await con.run(`DETACH ${alias}`).catch((e: unknown) => {
      if (done) throw e;
    });
  }
}

/** A store file and the write-ahead log DuckDB may keep beside it. */
async function removeStoreFile(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
  await fsp.rm(`${file}.wal`, { force: true });
}

async function writeInfo(file: string, info: SegmentInfo): Promise<void> {
  infoCache.delete(file);
  await fsp.writeFile(file, JSON.stringify(info));
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
// Types of a segment's columns.

export type StoreType = 'BIGINT' | 'DOUBLE' | 'TIMESTAMP' | 'VARCHAR';

/** data[.N].types.json: how segment k's columns are stored and what their values are. */
export interface SegmentInfo {
  types: StoreType[];
  /** Non-empty cells per column. */
  nonEmpty: number[];
  /** Every non-empty cell is a finite number (true for BIGINT/DOUBLE); null = not known (scan). */
  numeric: Array<boolean | null>;
  /** Every non-empty cell reads as a timestamp (true for TIMESTAMP); null = not known (scan). */
  time: Array<boolean | null>;
  /**
   * A typed column's least and greatest value as text (CAST AS VARCHAR), null for text
   * columns and all-empty ones; absent in stores built before it was recorded. top-n.ts
   * picks the store to bound a first page from by them.
   */
  min?: Array<string | null>;
  max?: Array<string | null>;
}

export const segmentInfoFile = (k: number): string => (k === 0 ? 'data.types.json' : `data.${k}.types.json`);

const infoCache = new Map<string, SegmentInfo>();

/** The types of segment k's store (built: ensureStore returned). */
export function readSegmentInfo(entryDir: string, k: number, n: number): SegmentInfo {
  const file = path.join(entryDir, segmentInfoFile(k));
  let info = infoCache.get(file);
  if (!info) {
    try {
      info = JSON.parse(readFileSync(file, 'utf8')) as SegmentInfo;
    } catch {
      // No record (cannot happen for a store this version built): text, kinds unknown.
      info = {
        types: new Array<StoreType>(n).fill('VARCHAR'),
        nonEmpty: new Array<number>(n).fill(1),
        numeric: new Array<boolean | null>(n).fill(null),
        time: new Array<boolean | null>(n).fill(null),
      };
    }
    if (infoCache.size > 4096) infoCache.clear();
    infoCache.set(file, info);
  }
  return info;
}

const SAMPLE_ROWS = 20_000;

/**
 * The text of a stored value: DuckDB's own, except that a DOUBLE holding a whole number
 * below 1e15 reads as an integer ("12", not "12.0"), so a column of "12" and "12.5" is one
 * DOUBLE column. Verification (exact) and every reader of the store use this one formula.
 */
export function storedText(type: StoreType, x: string): string {
  if (type === 'VARCHAR') return x;
  if (type === 'DOUBLE')
    return `CASE WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e15 THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR) ELSE CAST(${x} AS VARCHAR) END`;
  return `CAST(${x} AS VARCHAR)`;
}

const exact = (c: string, t: StoreType): string =>
  t === 'DOUBLE'
    ? `(isfinite(TRY_CAST(${c} AS DOUBLE)) AND ${storedText('DOUBLE', `TRY_CAST(${c} AS DOUBLE)`)} = ${c})`
    : `(${storedText(t, `TRY_CAST(${c} AS ${t})`)} = ${c})`;
const isNumber = (c: string): string => `isfinite(coalesce(TRY_CAST(${c} AS DOUBLE), 'nan'::DOUBLE))`;
const isTime = (c: string): string => `(TRY_CAST(${c} AS TIMESTAMP) IS NOT NULL)`;

function textInfo(n: number, known: boolean | null): SegmentInfo {
  return {
    types: new Array<StoreType>(n).fill('VARCHAR'),
    nonEmpty: new Array<number>(n).fill(known === null ? 1 : 0),
    numeric: new Array<boolean | null>(n).fill(known === null ? null : false),
    time: new Array<boolean | null>(n).fill(known === null ? null : false),
  };
}

interface Plan {
  type: StoreType;
  /** A text column the sample did not prove non-numeric / non-time: counted over all rows. */
  checkNumber: boolean;
  checkTime: boolean;
}

/** Each column's type as the first rows suggest it (verified by writeTyped). */
async function proposeTypes(con: DuckDBConnection, source: string, n: number): Promise<Plan[]> {
  const cols = Array.from({ length: n }, (_, i) => colName(i));
  const per = 6;
  const [s] = await queryRows(
    con,
    `SELECT ${cols
      .map(
        (c) =>
          `count(*) FILTER (WHERE ${c} <> ''), count(*) FILTER (WHERE ${c} <> '' AND ${exact(c, 'BIGINT')}), count(*) FILTER (WHERE ${c} <> '' AND ${exact(c, 'DOUBLE')}), count(*) FILTER (WHERE ${c} <> '' AND ${exact(c, 'TIMESTAMP')}), count(*) FILTER (WHERE ${c} <> '' AND ${isNumber(c)}), count(*) FILTER (WHERE ${c} <> '' AND ${isTime(c)})`,
      )
      .join(', ')} FROM (SELECT * FROM ${source} LIMIT ${SAMPLE_ROWS})`,
  );
  return cols.map((_, i) => {
    const [ne, int, dbl, ts, num, time] = s.slice(i * per, i * per + per).map(Number);
    if (ne > 0 && int === ne) return { type: 'BIGINT', checkNumber: false, checkTime: false };
    if (ne > 0 && dbl === ne) return { type: 'DOUBLE', checkNumber: false, checkTime: false };
    if (ne > 0 && ts === ne) return { type: 'TIMESTAMP', checkNumber: false, checkTime: false };
    return { type: 'VARCHAR', checkNumber: num === ne, checkTime: time === ne };
  });
}

/**
 * One pass from the CSV to the typed store: proposed types from the first rows; each typed
 * column carries a flag column x<i> set where a cell does not read back exactly (NULL
 * elsewhere: nothing to store). A check of the written store counts rows, cell bytes and
 * flags; a column flagged anywhere is written again as text (rare: "05" after 20,000 "5"s).
 */
async function writeTyped(
  con: DuckDBConnection,
  source: string,
  canonical: boolean,
  n: number,
  file: string,
): Promise<{ rows: number; content: number; info: SegmentInfo; heads: Map<number, ColumnHeads> }> {
  const plans = await proposeTypes(con, source, n);
  const cols = Array.from({ length: n }, (_, i) => colName(i));
  const extra = canonical
    ? `__malformed = '1' AS __malformed, nullif(__extra, '') AS __extra`
    : `false AS __malformed, NULL::VARCHAR AS __extra`;
  for (let attempt = 0; ; attempt++) {
    const select = plans
      .map((p, i) => {
        const c = cols[i];
        if (p.type === 'VARCHAR') return `coalesce(${c}, '') AS ${c}`;
        return `TRY_CAST(nullif(${c}, '') AS ${p.type}) AS ${c}, CASE WHEN ${c} <> '' AND NOT coalesce(${exact(c, p.type)}, false) THEN true END AS x${i}`;
      })
      .join(', ');
    const exprs = ['count(*)'];
    const text = (i: number): string =>
      plans[i].type === 'VARCHAR' ? cols[i] : `coalesce(${storedText(plans[i].type, cols[i])}, '')`;
    exprs.push(`coalesce(sum(${cols.map((_, i) => `strlen(${text(i)})`).join(' + ')}), 0)`);
    const at = plans.map((p, i) => {
      const c = cols[i];
      const slot = { ne: exprs.length, flags: -1, num: -1, time: -1, lo: -1, heads: -1 };
      exprs.push(p.type === 'VARCHAR' ? `count(*) FILTER (WHERE ${c} <> '')` : `count(${c})`);
      if (p.type !== 'VARCHAR') {
        slot.flags = exprs.length;
        exprs.push(`count(x${i})`);
        slot.lo = exprs.length;
        exprs.push(`CAST(min(${c}) AS VARCHAR)`, `CAST(max(${c}) AS VARCHAR)`);
        slot.heads = exprs.length;
        exprs.push(...headExprs(c));
      }
      if (p.type === 'VARCHAR' && p.checkNumber) {
        slot.num = exprs.length;
        exprs.push(`count(*) FILTER (WHERE ${c} <> '' AND NOT ${isNumber(c)})`);
      }
      if (p.type === 'VARCHAR' && p.checkTime) {
        slot.time = exprs.length;
        exprs.push(`count(*) FILTER (WHERE ${c} <> '' AND NOT ${isTime(c)})`);
      }
      return slot;
    });
    // The check reads the written store (what the queries will read), before it is closed.
    // row_number() OVER (): DuckDB's streaming window, in the scan's (the file's) order.
    const [r] = await writeStore(con, file, `SELECT row_number() OVER () - 1 AS __r, ${select}, ${extra} FROM ${source}`, (t) =>
      queryRows(con, `SELECT ${exprs.join(', ')} FROM ${t}`),
    );
    const flagged = plans.filter((p, i) => p.type !== 'VARCHAR' && Number(r[at[i].flags]) > 0);
    if (flagged.length) {
      if (attempt > 0) throw new Error('a typed column of the analysis store does not read back exactly');
      for (const p of flagged) Object.assign(p, { type: 'VARCHAR', checkNumber: true, checkTime: true });
      continue;
    }
    const info: Required<SegmentInfo> = { types: [], nonEmpty: [], numeric: [], time: [], min: [], max: [] };
    const heads = new Map<number, ColumnHeads>();
    plans.forEach((p, i) => {
      const h = at[i].heads < 0 ? null : headsOf(r.slice(at[i].heads, at[i].heads + 4));
      if (h) heads.set(i, h);
      const ne = Number(r[at[i].ne]);
      info.types.push(p.type);
      info.nonEmpty.push(ne);
      const bound = (v: unknown): string | null => (at[i].lo < 0 || v === null || v === undefined ? null : String(v));
      info.min.push(bound(r[at[i].lo]));
      info.max.push(bound(r[at[i].lo + 1]));
      if (p.type !== 'VARCHAR') {
        info.numeric.push(p.type !== 'TIMESTAMP');
        info.time.push(p.type === 'TIMESTAMP');
      } else {
        info.numeric.push(ne > 0 && p.checkNumber && Number(r[at[i].num]) === 0);
        info.time.push(ne > 0 && p.checkTime && Number(r[at[i].time]) === 0);
      }
    });
    return { rows: Number(r[0]), content: Number(r[1]), info, heads };
  }
}
