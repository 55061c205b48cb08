// The analysis store of one cache entry: data[.N].parquet per data segment, what DuckDB
// queries for sort, filter, search, statistics and the merged view.
//
// Columns c0..c{n-1} (n = the header's field count), __malformed BOOLEAN and __extra VARCHAR
// (fields past the header's count, joined with ','), in file order; parquet's
// file_row_number is the record's row in the segment. Each column is stored in its type:
// BIGINT, DOUBLE or TIMESTAMP when every non-empty cell of the segment reads back as exactly
// the same text (CAST(CAST(cell AS T) AS VARCHAR) = cell: "05", "1.50", "+3" stay text), else
// VARCHAR ('' for empty, never NULL); a typed column's empty cells are NULL. So a typed
// column's text is exact, and sorts and statistics run on DuckDB's native types. The types
// are proposed from the segment's first rows and verified over all of it; data[.N].types.json
// (written before the parquet is renamed into place) records them, with, for text columns,
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
import { segmentContent, segmentFile, segmentParquet, segmentRows, type EntryMeta } from './cache';
import { RecordParser } from './csv-cells';
import { queryRows, sqlString, withConnection, type QueryControl } from './duck';

export const colName = (i: number): string => `c${i}`;

function readCsvOptions(n: number, maxLine: number, lf: boolean): string {
  const cols = Array.from({ length: n }, (_, i) => `'${colName(i)}': 'VARCHAR'`).join(', ');
  // new_line: '\n' for LF files. Left to DuckDB's detection otherwise: its '\r\n' setting
  // misreads some files (none, or errors), and detection without a setting can take a CR
  // inside quotes in the first record for the line end. Both fail loudly or are caught by
  // the checks of ensureParquet.
  // Buffers sized to the longest record (DuckDB's default 32 MiB, twice for two builds at
  // once, overflows the build instance's memory limit).
  return `columns={${cols}}, delim=',', quote='"', escape='"', auto_detect=false, strict_mode=true${lf ? `, new_line='\\n'` : ''}, max_line_size=${maxLine}, buffer_size=${Math.max(8 * 1024 * 1024, maxLine * 2)}`;
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
  const typed = `${tmp}.typed`;
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
      { ...ctl, what: ctl.what ?? 'building the analysis store' },
      async (con) => {
        if (rows === 0 || meta.headerFields === 0) {
          const empty = Array.from({ length: n }, (_, i) => `NULL::VARCHAR AS ${colName(i)}`).join(', ');
          await con.run(
            `COPY (SELECT ${empty}, false AS __malformed, NULL::VARCHAR AS __extra WHERE false) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION uncompressed)`,
          );
          return;
        }
        if (meta.plain) {
          try {
            await con.run(
              `COPY (SELECT ${select}, false AS __malformed, NULL::VARCHAR AS __extra FROM read_csv(${sqlString(src)}, header=${k === 0}, ${readCsvOptions(n, maxLine, meta.lineEnding === 'lf')})) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION uncompressed)`,
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
            ).replace(
              /columns=\{([^}]*)\}/,
              (_m, c: string) => `columns={${c}, '__malformed': 'VARCHAR', '__extra': 'VARCHAR'}`,
            )})) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION uncompressed)`,
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
    // The typed store, from the text one (a parquet scan, not a second CSV parse).
    await withConnection(
      { ...ctl, what: ctl.what ?? 'building the analysis store' },
      async (con) => {
        const info = await inferTypes(con, tmp, n);
        const exprs = info.types
          .map((t, i) => (t === 'VARCHAR' ? colName(i) : `CAST(nullif(${colName(i)}, '') AS ${t}) AS ${colName(i)}`))
          .join(', ');
        await con.run(
          `COPY (SELECT ${exprs}, __malformed, __extra FROM read_parquet(${sqlString(tmp)})) TO ${sqlString(typed)} (FORMAT parquet, COMPRESSION zstd)`,
        );
        await fsp.writeFile(path.join(entryDir, segmentInfoFile(k)), JSON.stringify(info));
      },
      'build',
    );
    await fsp.rename(typed, out);
  } catch (e) {
    await fsp.rm(typed, { force: true }).catch(() => undefined);
    throw e;
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
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
    { headerFields: withHeader ? undefined : meta.headerFields, raw: true },
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
}

export const segmentInfoFile = (k: number): string => (k === 0 ? 'data.types.json' : `data.${k}.types.json`);

const infoCache = new Map<string, SegmentInfo>();

/** The types of segment k's store (built: ensureParquet returned). */
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
const exact = (c: string, t: StoreType): string =>
  t === 'DOUBLE'
    ? `(isfinite(TRY_CAST(${c} AS DOUBLE)) AND CAST(TRY_CAST(${c} AS DOUBLE) AS VARCHAR) = ${c})`
    : `(CAST(TRY_CAST(${c} AS ${t}) AS VARCHAR) = ${c})`;
const isNumber = (c: string): string => `isfinite(coalesce(TRY_CAST(${c} AS DOUBLE), 'nan'::DOUBLE))`;
const isTime = (c: string): string => `(TRY_CAST(${c} AS TIMESTAMP) IS NOT NULL)`;

/**
 * Proposes each column's type from the first rows, then verifies it over every row (one
 * cast per cell; a text column refuted by the sample costs only its empty count).
 */
async function inferTypes(con: DuckDBConnection, textStore: string, n: number): Promise<SegmentInfo> {
  const src = `read_parquet(${sqlString(textStore)})`;
  const cols = Array.from({ length: n }, (_, i) => colName(i));
  const per = 6;
  const [s] = await queryRows(
    con,
    `SELECT ${cols
      .map(
        (c) =>
          `count(*) FILTER (WHERE ${c} <> ''), count(*) FILTER (WHERE ${c} <> '' AND ${exact(c, 'BIGINT')}), count(*) FILTER (WHERE ${c} <> '' AND ${exact(c, 'DOUBLE')}), count(*) FILTER (WHERE ${c} <> '' AND ${exact(c, 'TIMESTAMP')}), count(*) FILTER (WHERE ${c} <> '' AND ${isNumber(c)}), count(*) FILTER (WHERE ${c} <> '' AND ${isTime(c)})`,
      )
      .join(', ')} FROM (SELECT * FROM ${src} LIMIT ${SAMPLE_ROWS})`,
  );
  type Plan = { type: StoreType; checkNumber: boolean; checkTime: boolean };
  const plans: Plan[] = cols.map((_, i) => {
    const [ne, int, dbl, ts, num, time] = s.slice(i * per, i * per + per).map(Number);
    if (ne > 0 && int === ne) return { type: 'BIGINT', checkNumber: false, checkTime: false };
    if (ne > 0 && dbl === ne) return { type: 'DOUBLE', checkNumber: false, checkTime: false };
    if (ne > 0 && ts === ne) return { type: 'TIMESTAMP', checkNumber: false, checkTime: false };
    return { type: 'VARCHAR', checkNumber: num === ne, checkTime: time === ne };
  });
  // The full pass: non-empty count and the failures of each claim still standing.
  const exprs: string[] = [];
  const slots = plans.map((p, i) => {
    const c = cols[i];
    const at = { ne: exprs.length, typed: -1, num: -1, time: -1 };
    exprs.push(`count(*) FILTER (WHERE ${c} <> '')`);
    if (p.type !== 'VARCHAR') {
      at.typed = exprs.length;
      exprs.push(`count(*) FILTER (WHERE ${c} <> '' AND NOT coalesce(${exact(c, p.type)}, false))`);
    }
    if (p.checkNumber) {
      at.num = exprs.length;
      exprs.push(`count(*) FILTER (WHERE ${c} <> '' AND NOT ${isNumber(c)})`);
    }
    if (p.checkTime) {
      at.time = exprs.length;
      exprs.push(`count(*) FILTER (WHERE ${c} <> '' AND NOT ${isTime(c)})`);
    }
    return at;
  });
  const [f] = await queryRows(con, `SELECT ${exprs.join(', ')} FROM ${src}`);
  const info: SegmentInfo = { types: [], nonEmpty: [], numeric: [], time: [] };
  plans.forEach((p, i) => {
    const at = slots[i];
    const ne = Number(f[at.ne]);
    info.nonEmpty.push(ne);
    if (p.type !== 'VARCHAR' && Number(f[at.typed]) === 0) {
      info.types.push(p.type);
      info.numeric.push(p.type !== 'TIMESTAMP');
      info.time.push(p.type === 'TIMESTAMP');
      return;
    }
    info.types.push('VARCHAR');
    if (p.type !== 'VARCHAR') {
      // The sample's claim failed further on: what the values are is left to a scan.
      info.numeric.push(null);
      info.time.push(null);
      return;
    }
    info.numeric.push(ne === 0 ? false : p.checkNumber ? Number(f[at.num]) === 0 : false);
    info.time.push(ne === 0 ? false : p.checkTime ? Number(f[at.time]) === 0 : false);
  });
  return info;
}
