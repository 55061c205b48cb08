// A scope's relation over its parts' analysis stores (store.ts), and what a column holds.
// A scope is the UNION ALL of its parts' segment stores, each column cast to the scope's
// type: a column typed the same (BIGINT, DOUBLE, TIMESTAMP) in every store stays typed; any
// other mix is text, from each store's exact text. So every expression over a scope goes
// through textSql / emptySql / numSql: typed columns sort and aggregate natively, and their
// text (CAST AS VARCHAR) is the cell exactly (store.ts verified it). columnKinds tells,
// once per column, whether its text is all numbers or times (sorts and filters by value).
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString, storeAlias } from './duck';
import { colName, storedText, type SegmentInfo, type StoreType } from './store-schema';
import { unionOf } from './branch-prune';


/** One chunk's part of a scope: its entry's stores and how its columns map to the scope's. */
export interface ScopePart {
  chunk: string;
  /**
   * The entry's segment stores (database files attached to the query instance: duck.ts
   * attachStore), with the position of each one's first row in the scope's natural order.
   */
  pieces: Array<{ store: string; base: number; rows: number; info: SegmentInfo }>;
  /** For each scope column (without the chunk column): the entry column index, or -1. */
  columnMap: number[];
}

export interface ColumnFacts {
  type: StoreType;
  nonEmpty: number;
  /** Every non-empty value is a finite number; null: not known without a scan. */
  numeric: boolean | null;
  /** Every non-empty value reads as a timestamp; null: not known without a scan. */
  time: boolean | null;
}

export interface ScopeSql {
  /** SELECT __p, __part (ordinal), __chunk (name), u0..u{k-1}, __malformed, __extra (UNION ALL of the parts). */
  relation: string;
  /** SQL column names of the scope's data columns (u0..). */
  cols: string[];
  /** Type and value facts of each data column (by index of cols). */
  facts: ColumnFacts[];
  /** The scope has a chunk column (all / merged). */
  withChunk: boolean;
  /**
   * The relation's branches, one per segment store: its SELECT, and per data column (by
   * index of cols) its non-empty cells and, where the store recorded them and the column
   * keeps its store type in the scope, its least and greatest value as text. top-n.ts
   * bounds a first page from one of them.
   */
  branches: Array<{
    sql: string;
    nonEmpty: number[];
    min: Array<string | null>;
    max: Array<string | null>;
    /** The store's file (its heads beside it: store-heads.ts), and its first row's position (__p of __r 0). */
    store: string;
    base: number;
    /** The store's rows. */
    rows: number;
    /** Per data column, the store's column where it keeps the scope's type (else -1). */
    typed: number[];
  }>;
  /** The relation with the scope's columns and no rows (no branch, or none a view can use). */
  none: string;
}

export const NUMERIC_TYPES = new Set<StoreType>(['BIGINT', 'DOUBLE']);

function both(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

export function scopeSql(parts: ScopePart[], columnCount: number, withChunk: boolean): ScopeSql {
  const cols = Array.from({ length: columnCount }, (_, i) => `u${i}`);
  // The scope's type of each column: the stores' common type, else text.
  const facts: ColumnFacts[] = cols.map((_, j) => {
    let type: StoreType | null = null;
    let nonEmpty = 0;
    let numeric: boolean | null = true;
    let time: boolean | null = true;
    for (const p of parts) {
      const m = p.columnMap[j];
      if (m < 0) continue;
      for (const x of p.pieces) {
        const t = x.info.types[m] ?? 'VARCHAR';
        type = type === null || type === t ? t : 'VARCHAR';
        const ne = x.info.nonEmpty[m] ?? 0;
        nonEmpty += ne;
        if (ne === 0) continue;
        numeric = both(numeric, NUMERIC_TYPES.has(t) ? true : t === 'VARCHAR' ? x.info.numeric[m] : false);
        time = both(time, t === 'TIMESTAMP' ? true : t === 'VARCHAR' ? x.info.time[m] : false);
      }
    }
    if (nonEmpty === 0) {
      numeric = false;
      time = false;
    }
    return { type: type ?? 'VARCHAR', nonEmpty, numeric, time };
  });
  const branches = parts.flatMap((p, part) =>
    p.pieces.map((x) => {
      const mapped = cols
        .map((u, j) => {
          const m = p.columnMap[j];
          const t = facts[j].type;
          if (m < 0) return t === 'VARCHAR' ? `'' AS ${u}` : `NULL::${t} AS ${u}`;
          const own = x.info.types[m] ?? 'VARCHAR';
          if (t === 'VARCHAR' && own !== 'VARCHAR')
            return `coalesce(${storedText(own, colName(m))}, '') AS ${u}`;
          return `${colName(m)} AS ${u}`;
        })
        .join(', ');
      // __r: the record's row in the segment (store.ts).
      const sql = `SELECT __r + ${x.base} AS __p, ${part} AS __part, ${sqlString(p.chunk)} AS __chunk${mapped ? ', ' + mapped : ''}, __malformed, __extra FROM ${storeAlias(x.store)}.t`;
      const nonEmpty = cols.map((_, j) => (p.columnMap[j] < 0 ? 0 : (x.info.nonEmpty[p.columnMap[j]] ?? 0)));
      const typed = cols.map((_, j) => {
        const m = p.columnMap[j];
        return m < 0 || facts[j].type !== (x.info.types[m] ?? 'VARCHAR') ? -1 : m;
      });
      const ends = (of: Array<string | null> | undefined): Array<string | null> => typed.map((m) => (m < 0 ? null : (of?.[m] ?? null)));
      return { sql, nonEmpty, min: ends(x.info.min), max: ends(x.info.max), store: x.store, base: x.base, rows: x.rows, typed };
    }),
  );
  const empty = `SELECT CAST(0 AS BIGINT) AS __p, 0 AS __part, '' AS __chunk${cols
    .map((u, j) => (facts[j].type === 'VARCHAR' ? `, '' AS ${u}` : `, NULL::${facts[j].type} AS ${u}`))
    .join('')}, false AS __malformed, NULL::VARCHAR AS __extra WHERE false`;
  return { relation: unionOf(branches, empty), cols, facts, withChunk, branches, none: empty };
}

/** The scope's type of an SQL column (the chunk column and __extra are text). */
export function typeOf(scope: ScopeSql, c: string): StoreType {
  const i = scope.cols.indexOf(c);
  return i < 0 ? 'VARCHAR' : scope.facts[i].type;
}

/** The cell's exact text ('' for empty). */
export const textSql = (scope: ScopeSql, c: string): string =>
  typeOf(scope, c) === 'VARCHAR' ? c : `coalesce(${storedText(typeOf(scope, c), c)}, '')`;
/** The cell is empty. */
export const emptySql = (scope: ScopeSql, c: string): string =>
  typeOf(scope, c) === 'VARCHAR' ? `(${c} = '')` : `(${c} IS NULL)`;
/** The cell as a number (NULL for empty and non-numbers). */
export const numSql = (scope: ScopeSql, c: string): string =>
  NUMERIC_TYPES.has(typeOf(scope, c)) ? c : `TRY_CAST(${textSql(scope, c)} AS DOUBLE)`;

export interface ColumnKind {
  kind: 'number' | 'time' | 'text';
  /** Every non-empty value is a finite number. */
  numeric: boolean;
  /** Text columns were tested for timestamps (else 'text' may be 'time'). */
  timeChecked: boolean;
}

/** Unix seconds in a column named like a time (START_TS, GMT_START_TIME, CREATED...; Info Mart's *_DATE_TIME_KEY holds the UTC seconds of its interval). */
const EPOCH_NAME = /(_TS|_TIME|^CREATED|^DELETED|^LASTCHANGE|_DATE|_DATE_TIME_KEY)$/i;

/**
 * The kinds of some columns: from the stores' facts where they tell (no scan), else from a
 * scan (numbers, and with `time` timestamps); the epoch-seconds test reads min and max.
 */
export async function columnKinds(
  con: DuckDBConnection,
  scope: ScopeSql,
  cols: string[],
  names: string[],
  time = false,
): Promise<ColumnKind[]> {
  if (cols.length === 0) return [];
  const exprs: string[] = [];
  const slots = cols.map((c, i) => {
    const f = scope.facts[scope.cols.indexOf(c)];
    const at = { ne: -1, notNum: -1, notTime: -1, lo: -1 };
    const t = textSql(scope, c);
    const nonEmpty = `NOT ${emptySql(scope, c)}`;
    if (f.numeric === null || (time && f.time === null)) {
      at.ne = exprs.length;
      exprs.push(`count(*) FILTER (WHERE ${nonEmpty})`);
    }
    if (f.numeric === null) {
      at.notNum = exprs.length;
      exprs.push(
        `count(*) FILTER (WHERE ${nonEmpty} AND NOT isfinite(coalesce(TRY_CAST(${t} AS DOUBLE), 'nan'::DOUBLE)))`,
      );
    }
    if (time && f.time === null) {
      at.notTime = exprs.length;
      exprs.push(`count(*) FILTER (WHERE ${nonEmpty} AND TRY_CAST(${t} AS TIMESTAMP) IS NULL)`);
    }
    if (f.numeric !== false && EPOCH_NAME.test(names[i] ?? '')) {
      at.lo = exprs.length;
      exprs.push(`min(${numSql(scope, c)}), max(${numSql(scope, c)})`);
      exprs.push('');
    }
    return { f, at };
  });
  const list = exprs.filter((e) => e !== '');
  const row = list.length
    ? (await queryRows(con, `SELECT ${list.join(', ')} FROM (${scope.relation})`))[0]
    : [];
  return slots.map(({ f, at }) => {
    const nonEmpty = at.ne >= 0 ? Number(row[at.ne]) : f.nonEmpty;
    const numeric = f.numeric ?? (nonEmpty > 0 && Number(row[at.notNum]) === 0);
    const isTimeText = time ? (f.time ?? (nonEmpty > 0 && Number(row[at.notTime]) === 0)) : (f.time ?? false);
    const lo = at.lo >= 0 ? (row[at.lo] as number | bigint | null) : null;
    const hi = at.lo >= 0 ? (row[at.lo + 1] as number | bigint | null) : null;
    const epoch = numeric && lo !== null && hi !== null && Number(lo) >= 1e8 && Number(hi) <= 4.2e9;
    const isTime = (nonEmpty > 0 && isTimeText && !numeric) || epoch;
    return {
      kind: isTime ? 'time' : numeric ? 'number' : 'text',
      numeric,
      timeChecked: time || f.time !== null,
    };
  });
}
