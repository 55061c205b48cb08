// Writing a segment's analysis store file: the DuckDB database settings (storage version,
// row groups) and the one pass from a CSV to typed columns, each verified to read back as
// exactly its text. Apart from store.ts, which decides what CSV is read (DuckDB's reader on
// a plain segment, else the canonical form), since this is how any such CSV becomes a store.
import { promises as fsp } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from './duck';
import { headExprs, headsOf, type ColumnHeads } from './store-heads';
import { colName, storedText, type SegmentInfo, type StoreType } from './store-schema';

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
export async function writeStore<T>(
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
export async function removeStoreFile(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
  await fsp.rm(`${file}.wal`, { force: true });
}

const SAMPLE_ROWS = 20_000;

const exact = (c: string, t: StoreType): string =>
  t === 'DOUBLE'
    ? `(isfinite(TRY_CAST(${c} AS DOUBLE)) AND ${storedText('DOUBLE', `TRY_CAST(${c} AS DOUBLE)`)} = ${c})`
    : `(${storedText(t, `TRY_CAST(${c} AS ${t})`)} = ${c})`;
const isNumber = (c: string): string => `isfinite(coalesce(TRY_CAST(${c} AS DOUBLE), 'nan'::DOUBLE))`;
const isTime = (c: string): string => `(TRY_CAST(${c} AS TIMESTAMP) IS NOT NULL)`;

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
export async function writeTyped(
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
