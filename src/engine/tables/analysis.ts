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
import { oneThread, queryRows, queryToPositions, sqlString } from './duck';
import { storedText, type StoreType } from './store';
import { numericOperand, pruneStats, rangeOnly, unionOf, viewBranches, viewRelation, type BranchTest } from './branch-prune';
import { splitRuns } from './export-split';
import { columnKinds, emptySql, numSql, textSql, typeOf, type ColumnKind, type ScopeSql } from './scope-sql';

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
// The scope's relation and column kinds live in scope-sql.ts; re-exported for this module's callers.
export { columnKinds, emptySql, scopeSql, textSql, typeOf, type ColumnFacts, type ColumnKind, type ScopePart, type ScopeSql } from './scope-sql';

// ---------------------------------------------------------------------------------------------
// Views.

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
