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
//
// This file decides which CSV a segment's store is built from and checks the result; the
// column names, types and their record are store-schema.ts, the typed write store-write.ts,
// the canonical CSV store-canonical.ts.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { segmentContent, segmentFile, segmentStore, segmentRows, type EntryMeta } from './cache';
import { RFC4180, type Dialect } from '../../shared/family';
import { sqlString, withConnection, type QueryControl } from './duck';
import { writeHeads } from './store-heads';
import { writeCanonical } from './store-canonical';
import { colName, segmentInfoFile, writeInfo, type SegmentInfo, type StoreType } from './store-schema';
import { removeStoreFile, writeStore, writeTyped } from './store-write';

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

function textInfo(n: number, known: boolean | null): SegmentInfo {
  return {
    types: new Array<StoreType>(n).fill('VARCHAR'),
    nonEmpty: new Array<number>(n).fill(known === null ? 1 : 0),
    numeric: new Array<boolean | null>(n).fill(known === null ? null : false),
    time: new Array<boolean | null>(n).fill(known === null ? null : false),
  };
}
