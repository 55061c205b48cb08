// The merged view's queries: per key, the record of the latest chunk (mergeByKey, its
// winners' positions written for DuckDB and for paging), and how unique each candidate key
// column is (keyUniqueness). Apart from analysis.ts because they run over the scope's
// relation alone, not a view; merged-view.ts decides the key and caches the result.
import { promises as fsp } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, queryToPositions, sqlString } from './duck';
import { emptySql, type ScopeSql } from './scope-sql';

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
  const emptyKey = keyCols.map((k) => emptySql(scope, k)).join(' AND ');
  const [[totalRaw, emptyRaw]] = await queryRows(
    con,
    keyCols.length
      ? `SELECT count(*), count(*) FILTER (WHERE ${emptyKey}) FROM ${rel}`
      : `SELECT count(*), 0 FROM ${rel}`,
  );
  const total = Number(totalRaw);
  const emptyKeys = Number(emptyRaw);
  let winners: string;
  if (keyCols.length === 0) winners = `SELECT __p FROM ${rel}`;
  else
    winners = `SELECT max(__p) AS __p FROM ${rel} WHERE NOT (${emptyKey}) GROUP BY ${keyCols.join(', ')} UNION ALL SELECT __p FROM ${rel} WHERE ${emptyKey}`;
  // One grouping of every record (the memory peak of the merge); the winners' positions, ascending.
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
    (c) => `count(*) - count(DISTINCT (__part, ${c})), count(*) FILTER (WHERE ${emptySql(scope, c)})`,
  );
  const row = (await queryRows(con, `SELECT ${parts.join(', ')} FROM (${scope.relation})`))[0];
  return cols.map((_, i) => ({ duplicates: Number(row[i * 2]), empty: Number(row[i * 2 + 1]) }));
}
