// The view queries (filter, search, sort keys, a view's positions) over the analysis stores
// of a scope's parts (store.ts), on DuckDB (duck.ts): what the other whole-table queries
// build on, each in its own file: export-copy.ts (export by DuckDB's CSV writer),
// merge-by-key.ts (the merged view), column-stats.ts (statistics), top-n.ts (a sort's first
// page).
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
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FilterSpec, SortSpec, ViewSpec } from '../../shared/table-api';
import { EngineError } from '../model';
import { queryToPositions, sqlString } from './duck';
import { storedText, type StoreType } from './store-schema';
import { numericOperand, viewRelation, type BranchTest } from './branch-prune';
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
export { analysisStats, ensureStore } from './store';
export { colName, readSegmentInfo, type SegmentInfo } from './store-schema';
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
        // A column of numbers compared with what is not one: its text compared, it matched
        // nothing, silently ("START_TS > yesterday" is a typo to say, not an empty table).
        const kind = targets.length === 1 ? ctx.kinds.get(c) : undefined;
        if (kind?.numeric)
          throw new EngineError(
            'bad-request',
            `${f.column} holds ${kind.kind === 'time' ? 'times as Unix seconds' : 'numbers'}: compare it with a number${kind.kind === 'time' ? ' or a UTC date or time (2016-07-13, 2016-07-13 08:00)' : ''}, not "${v}"`,
          );
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
  if (need.length) {
    const kinds = await columnKinds(
      con,
      ctx.scope,
      need,
      need.map((c) => ctx.names[ctx.scope.cols.indexOf(c)]),
    );
    need.forEach((c, i) => ctx.kinds.set(c, kinds[i]));
  }
  // A number column compared with what is not a number (a date, as a time column of Unix
  // seconds may be compared): whether it holds times, which the shortcut above leaves untold.
  for (const f of view.filter ?? []) {
    if (!['gt', 'gte', 'lt', 'lte'].includes(f.op) || !f.column || f.column === '__chunk') continue;
    const c = columnSql(ctx, f.column);
    const k = ctx.kinds.get(c);
    if (k?.numeric && !k.timeChecked && !Number.isFinite(Number(f.value ?? '')))
      ctx.kinds.set(c, (await columnKinds(con, ctx.scope, [c], [f.column], true))[0]);
  }
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
