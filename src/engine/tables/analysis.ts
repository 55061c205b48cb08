// The whole-table queries (sort, filter, search, statistics, the merged view) over the
// analysis stores of a scope's parts (store.ts), on DuckDB (duck.ts).
//
// A scope is the UNION ALL of its parts' segment stores, each column cast to the scope's
// type: a column typed the same (BIGINT, DOUBLE, TIMESTAMP) in every store stays typed;
// any other mix is text, from each store's exact text. So every expression here goes
// through text() / empty() / num(): typed columns sort and aggregate natively, and their
// text (CAST AS VARCHAR) is the cell exactly (store.ts verified it).
//
// Query results that are row lists (a sorted or filtered view, the merged view) are
// streamed into files of Float64 positions, so paging a view is a slice read and memory
// stays flat whatever the row count; a sort's first page is a top-N query (no full sort).
import { promises as fsp } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnStats, FilterSpec, SortSpec, ViewSpec } from '../../shared/table-api';
import { EngineError } from '../model';
import { oneThread, queryRows, queryToPositions, sqlString, storeAlias } from './duck';
import { colName, storedText, type SegmentInfo, type StoreType } from './store';
import { numericOperand, pruneStats, rangeOnly, unionOf, viewBranches, viewRelation, type BranchTest } from './branch-prune';
import { splitRuns } from './export-split';

export {
  closeDuck,
  configureDuck,
  duck,
  duckMemoryDefault,
  duckSettings,
  queryRows,
  queryToPositions,
  sqlString,
  translateDuckError,
  withConnection,
  type DuckConfig,
  type QueryControl,
} from './duck';
export { analysisStats, colName, ensureStore, readSegmentInfo, type SegmentInfo } from './store';

// ---------------------------------------------------------------------------------------------
// Scope relations and views.

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

const NUMERIC_TYPES = new Set<StoreType>(['BIGINT', 'DOUBLE']);

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
const numSql = (scope: ScopeSql, c: string): string =>
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

export interface ViewContext {
  scope: ScopeSql;
  /** Scope column names (data columns, without the chunk column), for messages and kinds. */
  names: string[];
  /** Known kinds, by SQL column (filled on demand). */
  kinds: Map<string, ColumnKind>;
  /** A parquet of positions restricting the scope (the merged view), or null. */
  restrict: string | null;
}

export function columnSql(ctx: ViewContext, column: string): string {
  if (column === '__chunk') return '__chunk';
  const i = ctx.names.indexOf(column);
  if (i < 0) throw new EngineError('bad-request', `no column ${JSON.stringify(column)}`);
  return ctx.scope.cols[i];
}

const like = (v: string): string => v.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Characters a typed column's text can hold (a search for anything else cannot match it). */
const TYPED_CHARS: Partial<Record<StoreType, RegExp>> = {
  BIGINT: /^[-0-9]*$/,
  DOUBLE: /^[-+0-9.einfa]*$/i,
  TIMESTAMP: /^[-0-9: .]*$/,
};

function filterSql(ctx: ViewContext, f: FilterSpec): string {
  if (f.op === 'malformed') return '__malformed';
  const scope = ctx.scope;
  const all = [...(scope.withChunk ? ['__chunk'] : []), ...scope.cols, '__extra'];
  const targets = f.column === undefined || f.column === '' ? all : [columnSql(ctx, f.column)];
  const v = f.value ?? '';
  const cs = f.caseSensitive ?? false;
  const lit = sqlString(cs ? v : v.toLowerCase());
  const one = (c: string): string => {
    const text = c === '__extra' ? `coalesce(__extra, '')` : textSql(scope, c);
    const typedChars = TYPED_CHARS[typeOf(scope, c)];
    // A typed column never holds a letter, say: the test is decided without a cast.
    const impossible = typedChars !== undefined && v !== '' && !typedChars.test(v);
    const x = cs || typedChars ? text : `lower(${text})`;
    switch (f.op) {
      case 'contains':
        return impossible ? 'false' : `contains(${x}, ${lit})`;
      case 'not-contains':
        return impossible ? 'true' : `NOT contains(${x}, ${lit})`;
      case 'equals':
        return impossible ? 'false' : `${x} = ${lit}`;
      case 'not-equals':
        return impossible ? 'true' : `${x} <> ${lit}`;
      case 'starts-with':
        return impossible ? 'false' : `starts_with(${x}, ${lit})`;
      case 'ends-with':
        return impossible
          ? 'false'
          : `${x} LIKE ${sqlString('%' + like(cs ? v : v.toLowerCase()))} ESCAPE '\\'`;
      case 'empty':
        return c === '__extra' ? `coalesce(__extra, '') = ''` : emptySql(scope, c);
      case 'not-empty':
        return c === '__extra' ? `coalesce(__extra, '') <> ''` : `NOT ${emptySql(scope, c)}`;
      case 'regex':
        return `regexp_matches(${text}, ${sqlString(v)}${cs ? '' : `, 'i'`})`;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[f.op];
        const num = numericOperand(ctx, c, v);
        if (num !== null) return `${numSql(scope, c)} ${op} ${num}`;
        return `${text} <> '' AND ${text} ${op} ${sqlString(v)}`;
      }
      default:
        throw new EngineError('bad-request', `unknown filter ${String((f as FilterSpec).op)}`);
    }
  };
  const negative = f.op === 'not-contains' || f.op === 'not-equals' || f.op === 'empty';
  // "Any column": a negative test must hold for every column, a positive one for some.
  return targets.length === 1 ? one(targets[0]) : `(${targets.map(one).join(negative ? ' AND ' : ' OR ')})`;
}

/** Columns whose kind a view needs (sorted 'auto', compared with gt/lt...). */
export function columnsNeedingKinds(ctx: ViewContext, view: ViewSpec): string[] {
  const out = new Set<string>();
  for (const k of sortKeys(view))
    if ((k.as ?? 'auto') === 'auto' && k.column !== '__chunk') out.add(columnSql(ctx, k.column));
  for (const f of view.filter ?? []) {
    if (['gt', 'gte', 'lt', 'lte'].includes(f.op) && f.column) {
      const c = columnSql(ctx, f.column);
      if (c !== '__chunk') out.add(c);
    }
  }
  return [...out].filter((c) => !ctx.kinds.has(c));
}

export function baseSql(ctx: ViewContext, view: Pick<ViewSpec, 'filter'>, also?: BranchTest): string {
  const r = `(${viewRelation(ctx, view, also)})`;
  return ctx.restrict
    ? `(SELECT * FROM ${r} WHERE __p IN (SELECT __p FROM read_parquet(${sqlString(ctx.restrict)})))`
    : r;
}

/** The view's WHERE clause ('' for none), with `extra` conditions (each safe under AND). */
export function whereSql(ctx: ViewContext, view: ViewSpec, extra: string[] = []): string {
  const conds = (view.filter ?? []).map((f) => filterSql(ctx, f));
  if (view.search && view.search !== '') conds.push(filterSql(ctx, { op: 'contains', value: view.search }));
  conds.push(...extra);
  return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
}

/** The sort keys of a view: its sort, then its thenBy keys. */
export const sortKeys = (view: ViewSpec): SortSpec[] => (view.sort ? [view.sort, ...(view.thenBy ?? [])] : []);

export function sortKeySql(ctx: ViewContext, sort: SortSpec): string {
  const c = columnSql(ctx, sort.column);
  const dir = sort.desc ? 'DESC' : 'ASC';
  // The chunk column sorts in continuity order (names are not: keys are not zero-padded).
  if (c === '__chunk') return `__part ${dir}`;
  const type = typeOf(ctx.scope, c);
  const as = sort.as ?? 'auto';
  const asNumber = as === 'number' || (as === 'auto' && ctx.kinds.get(c)?.numeric === true);
  // Empty cells (and, as numbers, non-numbers) last.
  if (asNumber) return `${numSql(ctx.scope, c)} ${dir} NULLS LAST`;
  // A typed timestamp's text (YYYY-MM-DD hh:mm:ss[.f]) sorts as the time does.
  if (type === 'TIMESTAMP') return `${c} ${dir} NULLS LAST`;
  if (type !== 'VARCHAR') return `${storedText(type, c)} ${dir} NULLS LAST`;
  return `nullif(${c}, '') ${dir} NULLS LAST`;
}

/** ORDER BY the view's sort keys, equal keys in natural order. */
export function orderSql(ctx: ViewContext, view: ViewSpec): string {
  return `ORDER BY ${[...sortKeys(view).map((k) => sortKeySql(ctx, k)), '__p'].join(', ')}`;
}

export async function ensureKinds(con: DuckDBConnection, ctx: ViewContext, view: ViewSpec): Promise<void> {
  const need: string[] = [];
  for (const c of columnsNeedingKinds(ctx, view)) {
    // A view needs only whether a column is numeric; where the stores tell, no scan (the
    // epoch-seconds test read a typed column's min and max: ~35 ms of a 10M-row sort's first
    // page). timeChecked false: statistics still run the whole test for their kind.
    const f = ctx.scope.facts[ctx.scope.cols.indexOf(c)];
    if (f.numeric !== null)
      ctx.kinds.set(c, { kind: f.numeric ? 'number' : 'text', numeric: f.numeric, timeChecked: false });
    else need.push(c);
  }
  if (!need.length) return;
  const kinds = await columnKinds(
    con,
    ctx.scope,
    need,
    need.map((c) => ctx.names[ctx.scope.cols.indexOf(c)]),
  );
  need.forEach((c, i) => ctx.kinds.set(c, kinds[i]));
}

function viewSql(ctx: ViewContext, view: ViewSpec): string {
  return `SELECT __p FROM ${baseSql(ctx, view)} ${whereSql(ctx, view)} ${orderSql(ctx, view)}`;
}

/** The view's positions (scope natural order numbers), in view order, into `file`. */
export async function viewPositions(
  con: DuckDBConnection,
  ctx: ViewContext,
  view: ViewSpec,
  file: string,
): Promise<number> {
  await ensureKinds(con, ctx, view);
  return queryToPositions(con, viewSql(ctx, view), file);
}


/** Runs `work` on a new connection of the query instance; `run` numbers the export's runs (progress). */
export type Connect = <T>(run: number, work: (con: DuckDBConnection) => Promise<T>) => Promise<T>;

/**
 * Writes the view as CSV with DuckDB's writer: CRLF, fields quoted where RFC 4180 needs it,
 * empty cells as nothing; the header first when `header` names it. Only for scopes without
 * malformed records (their cells are not the store's columns). A natural-order view is cut
 * into up to `runs` consecutive runs (export-split.ts), each written to `fileOf(i)` at once
 * on its own connection; the files in order are the view (the header in the first). Returns
 * the rows written and the files.
 */
export async function exportCsv(
  connect: Connect,
  ctx: ViewContext,
  view: ViewSpec,
  fileOf: (run: number) => string,
  /** The header's names, written by DuckDB as the first line (plainHeader: only names it writes as they are). */
  header: string[] | null = null,
  runs = 1,
): Promise<{ rows: number; files: string[] }> {
  await connect(0, (con) => ensureKinds(con, ctx, view));
  const scope = ctx.scope;
  // BIGINT cells go to the writer as they are (it prints a BIGINT as CAST AS VARCHAR does,
  // which is the cell: store.ts verified it); DOUBLE and TIMESTAMP through storedText.
  const cell = (c: string): string => {
    const t = typeOf(scope, c);
    return t === 'VARCHAR' ? `nullif(${c}, '')` : t === 'BIGINT' ? c : storedText(t, c);
  };
  const cells = [...(scope.withChunk ? ['__chunk'] : []), ...scope.cols.map(cell)]
    .map((e, i) => `${e} AS ${header ? `"${header[i]}"` : `x${i}`}`)
    .join(', ');
  // Without a sort, the view's order is the scope's natural order, the order of its UNION
  // ALL of stores: kept by DuckDB with preserve_insertion_order (a session setting) instead
  // of an ORDER BY __p, which sorted every exported row with its cells (a 1M-row view of a
  // 10M-row table: ~1.1-2.4 s sorted, ~0.6 s in order). The merged view's restriction is a
  // join, whose order is not the scan's: it keeps the ORDER BY, and one run.
  // On one thread each (duck.ts oneThread): the ordered writer was the most of a natural export.
  const natural = sortKeys(view).length === 0 && ctx.restrict === null;
  const where = whereSql(ctx, view);
  let relations: string[];
  if (natural) {
    const branches = viewBranches(ctx, view);
    pruneStats.lastBranches = branches.length;
    // A range-filtered view's rows per store, counted, so that the runs are even.
    const passing =
      runs > 1 && branches.length > 0 && rangeOnly(ctx, view)
        ? await connect(0, (con) => countPerBranch(con, branches, where))
        : undefined;
    relations = splitRuns(branches, runs, passing).map((r) => `(${unionOf(r.map((sql) => ({ sql })), scope.none)})`);
  } else relations = [baseSql(ctx, view)];
  const copy = (i: number, con: DuckDBConnection): Promise<unknown[][]> =>
    queryRows(
      con,
      `COPY (SELECT ${cells} FROM ${relations[i]} ${where} ${natural ? '' : orderSql(ctx, view)}) TO ${sqlString(fileOf(i))} ` +
        `(FORMAT csv, HEADER ${header && i === 0 ? 'true' : 'false'}, NEW_LINE '\r\n', QUOTE '"', ESCAPE '"', DELIMITER ',')`,
    );
  const counts = await allOrFirstError(
    relations.map((_, i) =>
      connect(i, async (con) => {
        if (!natural) return copy(i, con);
        await con.run('SET preserve_insertion_order = true');
        return oneThread(con, () => copy(i, con));
      }),
    ),
  );
  return { rows: counts.reduce((n, [[c]]) => n + Number(c), 0), files: relations.map((_, i) => fileOf(i)) };
}

/** The rows of each branch that pass `where`. */
async function countPerBranch(con: DuckDBConnection, branches: Array<{ sql: string }>, where: string): Promise<number[]> {
  const sql = branches.map((b, i) => `SELECT ${i} AS b, count(*) AS n FROM (${b.sql}) ${where}`).join('\nUNION ALL\n');
  const counts = new Array<number>(branches.length).fill(0);
  for (const [b, n] of await queryRows(con, sql)) counts[Number(b)] = Number(n);
  return counts;
}

/**
 * All of them, settled: the first failure (in time: the others may fail for being cancelled
 * after it) is thrown only once none still runs, so none writes a file after the caller's
 * clean-up.
 */
async function allOrFirstError<T>(work: Array<Promise<T>>): Promise<T[]> {
  let first: { e: unknown } | null = null;
  const done = await Promise.allSettled(work.map((w) => w.catch((e: unknown) => { first ??= { e }; throw e; })));
  if (first) throw (first as { e: unknown }).e;
  return done.map((d) => (d as PromiseFulfilledResult<T>).value);
}

/**
 * The header can be DuckDB's own first line: names its CSV writer writes as they are (no
 * quoting needed, as csvField would not quote them either) and distinct as DuckDB sees
 * column names (case-blind). Then the export is one file written once, not a body copied
 * after a header (~140 MB for a 1M-row view).
 */
export function plainHeader(names: string[]): boolean {
  const seen = new Set<string>();
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) || seen.has(n.toLowerCase())) return false;
    seen.add(n.toLowerCase());
  }
  return names.length > 0;
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

// ---------------------------------------------------------------------------------------------
// Column statistics.

export async function columnStatistics(
  con: DuckDBConnection,
  ctx: ViewContext,
  column: string,
  view: ViewSpec,
  bins = 20,
): Promise<ColumnStats> {
  const scope = ctx.scope;
  const c = columnSql(ctx, column);
  if (c !== '__chunk' && !ctx.kinds.get(c)?.timeChecked)
    ctx.kinds.set(c, (await columnKinds(con, scope, [c], [column], true))[0]);
  const kind = c === '__chunk' ? { kind: 'text' as const, numeric: false } : ctx.kinds.get(c)!;
  const type = typeOf(scope, c);
  const text = textSql(scope, c);
  const nonEmpty = `NOT ${emptySql(scope, c)}`;
  const from = `${baseSql(ctx, view)} ${whereSql(ctx, { filter: view.filter, search: view.search })}`;
  const isTimeText = kind.kind === 'time' && !kind.numeric;
  const numExpr = kind.numeric
    ? numSql(scope, c)
    : type === 'TIMESTAMP'
      ? `epoch(${c})`
      : isTimeText
        ? `epoch(TRY_CAST(${text} AS TIMESTAMP))`
        : null;
  // Typed columns: min and max natively, their text exact. Text: by value for numbers and
  // times, else code-point order.
  const minMax =
    type !== 'VARCHAR'
      ? `${storedText(type, `min(${c})`)}, ${storedText(type, `max(${c})`)}`
      : numExpr
        ? `arg_min(${c}, ${numExpr}) FILTER (WHERE ${c} <> ''), arg_max(${c}, ${numExpr}) FILTER (WHERE ${c} <> '')`
        : `min(${c}) FILTER (WHERE ${c} <> ''), max(${c}) FILTER (WHERE ${c} <> '')`;
  const [head] = await queryRows(
    con,
    `SELECT count(*), count(*) FILTER (WHERE NOT (${nonEmpty})), count(DISTINCT ${c}) FILTER (WHERE ${nonEmpty}), ${minMax}${numExpr ? `, min(${numExpr}), max(${numExpr})` : ''} FROM ${from}`,
  );
  const top = (
    await queryRows(
      con,
      // Ties by count are ordered as numbers where the values are numbers (9 before 10), then as text.
      `SELECT ${type === 'VARCHAR' ? c : `coalesce(${storedText(type, c)}, '')`} AS v, count(*) AS n FROM ${from} GROUP BY ${c} ORDER BY n DESC, TRY_CAST(${type === 'VARCHAR' ? c : `coalesce(${storedText(type, c)}, '')`} AS DOUBLE) NULLS LAST, v LIMIT 10`,
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
