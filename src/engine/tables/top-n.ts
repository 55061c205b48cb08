// A sorted view's first page: a top-N query over the scope (no full sort), bounded first
// from one of its segment stores when the sort key is a typed column.
//
// Why the bound: a scope is a UNION ALL of segment stores (a 30M-row table is 44 of them),
// and DuckDB's top-N over the union keeps a heap fed by every branch's rows, while over a
// single table it is 2-3× faster. Measured on the 30M-row bench table's stores (2 threads,
// load ~1.5): ORDER BY a BIGINT LIMIT 100 over the union 67-97 ms; with the bound from one
// store (2-3 ms to find) the same query 43-56 ms. The bound is exact, not a guess: if one
// store alone holds n rows of the view whose key is at most v, the view's n-th key is at
// most v, so every row of the first n has key <= v (ties included, and no empty key: at
// least n non-empty keys come first). A store with fewer such rows gives no bound.
// Text keys are bounded the same way, in the order ORDER BY gives them (binary): unbounded,
// the text sort's first page took 2.2-2.4× DuckDB's time on its own single table (10M/30M
// bench tables); bounded, 0.5-1×.
// A typed bound also leaves out of the query every store whose recorded least key (greatest,
// descending) is beyond it: those stores cannot hold a row of the first page, and each
// branch of the UNION ALL costs a pipeline even when its zone maps skip every row (as for
// the range filters of branch-prune.ts). Text bounds prune nothing: the stores record no
// text ends. Measured on 24 chunks of 200,000 rows (one store each, 5 runs each way): a first
// page by START_TS descending 31-43 ms over 24 stores, 20-34 ms over the 1 kept; by id
// descending 48-73 vs 44-59 ms. Ascending START_TS keeps all 24 (updated rows keep their old
// start in every chunk), and a single chunk's stores overlap: the bench table gains nothing.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SortSpec, ViewSpec } from '../../shared/table-api';
import {
  baseSql,
  columnSql,
  ensureKinds,
  orderSql,
  sortKeys,
  sortKeySql,
  typeOf,
  whereSql,
  type ScopeSql,
  type ViewContext,
} from './analysis';
import { queryPositions, queryRows, sqlString } from './duck';
import { boundTest, compareText, pruneStats, viewBranches, type BranchTest } from './branch-prune';
import type { StoreType } from './store-schema';
import { HEAD_ROWS, mergeHeads, readHeads, type HeadSource } from './store-heads';

/** How many first pages were bounded in this process (tests, diagnostics). */
export const topNStats = { bounded: 0, lastBranch: -1, lastKept: -1, fromHeads: 0 };

/** Types whose sort key is the column itself (sortKeySql), and whose text casts back exactly. */
const BOUNDABLE = new Set<StoreType>(['BIGINT', 'DOUBLE', 'TIMESTAMP']);

/**
 * The sort key a bound can be put on, or null: a typed column itself, or a text column in
 * its text order (nullif(c, ''): empty cells last). Text as numbers ('auto' on numeric
 * text) sorts on an expression per row, and is not bounded.
 */
function boundKey(ctx: ViewContext, key: SortSpec, c: string, type: StoreType, dir: string): 'typed' | 'text' | null {
  if (c === '__chunk') return null;
  const sql = sortKeySql(ctx, key);
  if (BOUNDABLE.has(type)) return sql === `${c} ${dir} NULLS LAST` ? 'typed' : null;
  if (type === 'VARCHAR') return sql === `nullif(${c}, '') ${dir} NULLS LAST` ? 'text' : null;
  return null;
}

/**
 * The condition `key <= v` (`>=` descending) that every row of the view's first `n` meets,
 * from the store with the most non-empty keys, and for a typed key the test a store must
 * pass to hold such a row; null when no bound applies or pays: one store, a restricted scope
 * (the merged view), a key that is neither a typed column nor text in text order, a store
 * with fewer than `n` rows of the view, a non-finite DOUBLE bound.
 */
export async function topNBound(
  con: DuckDBConnection,
  ctx: ViewContext,
  view: ViewSpec,
  n: number,
): Promise<{ where: string; keeps?: BranchTest } | null> {
  const key = sortKeys(view)[0];
  const { scope } = ctx;
  if (!key || n < 1 || ctx.restrict !== null || scope.branches.length < 2) return null;
  const c = columnSql(ctx, key.column);
  const type = typeOf(scope, c);
  const dir = key.desc ? 'DESC' : 'ASC';
  const kind = boundKey(ctx, key, c, type, dir);
  if (!kind) return null;
  const j = scope.cols.indexOf(c);
  const best = boundingBranch(viewBranches(ctx, view), j, type, key.desc === true, n);
  if (!best) return null;
  // A text column's empty cells are '' (never NULL) and sort last, as NULLs do.
  const present = kind === 'text' ? `${c} <> ''` : `${c} IS NOT NULL`;
  const rows = await queryRows(
    con,
    `SELECT CAST(${c} AS VARCHAR) FROM (${best.sql}) ${whereSql(ctx, view, [present])} ORDER BY ${c} ${dir} LIMIT 1 OFFSET ${n - 1}`,
  );
  if (rows.length === 0) return null;
  const v = String(rows[0][0]);
  if (type === 'DOUBLE' && !Number.isFinite(Number(v))) return null;
  topNStats.bounded++;
  topNStats.lastBranch = scope.branches.indexOf(best);
  const op = key.desc ? '>=' : '<=';
  // Text: the same comparison ORDER BY makes (DuckDB's binary collation); v is not empty, so
  // descending excludes the empty cells by itself, ascending must say so.
  if (kind === 'text') return { where: `${present} AND ${c} ${op} ${sqlString(v)}` };
  // A constant the planner folds, so each store's scan can use its zone maps.
  const where = `${c} ${op} CAST(${sqlString(v)} AS ${type})`;
  return { where, keeps: boundTest(j, type, key.desc === true, v) ?? undefined };
}

/**
 * The branch to take the bound from: among those with at least `n` non-empty keys, the one
 * whose least key (greatest, descending) comes first, where the stores recorded them, so a
 * sorted column (ids, times of a log) bounds from the store its first page lies in; else the
 * one with the most keys. null when no branch holds `n` keys.
 */
function boundingBranch(
  branches: ScopeSql['branches'],
  j: number,
  type: StoreType,
  desc: boolean,
  n: number,
): ScopeSql['branches'][number] | null {
  let best: ScopeSql['branches'][number] | null = null;
  const end = (b: ScopeSql['branches'][number]): string | null => (desc ? b.max[j] : b.min[j]);
  for (const b of branches) {
    if (b.nonEmpty[j] < n) continue;
    if (!best) best = b;
    else {
      const x = end(b);
      const y = end(best);
      if (x !== null && y !== null) {
        const d = compareText(type, x, y) * (desc ? -1 : 1);
        if (d < 0 || (d === 0 && b.nonEmpty[j] > best.nonEmpty[j])) best = b;
      } else if (x !== null || (y === null && b.nonEmpty[j] > best.nonEmpty[j])) best = b;
    }
  }
  return best;
}

/** The first `n` positions of the view (a top-N query: no full sort) and the view's row count. */
export async function viewHead(
  con: DuckDBConnection,
  ctx: ViewContext,
  view: ViewSpec,
  n: number,
  knownRows: number | null,
): Promise<{ positions: Float64Array; rows: number }> {
  await ensureKinds(con, ctx, view);
  const limit = Math.max(0, Math.floor(n));
  const merged = headsFirstPage(ctx, view, limit);
  if (merged) {
    topNStats.fromHeads++;
    return { positions: merged, rows: knownRows ?? (await viewCount(con, ctx, view)) };
  }
  const bound = await topNBound(con, ctx, view, limit);
  const from = baseSql(ctx, view, bound?.keeps);
  if (bound?.keeps) topNStats.lastKept = pruneStats.lastBranches;
  const positions = await queryPositions(
    con,
    `SELECT __p FROM ${from} ${whereSql(ctx, view, bound ? [bound.where] : [])} ${orderSql(ctx, view)} LIMIT ${limit}`,
  );
  return { positions, rows: knownRows ?? (await viewCount(con, ctx, view)) };
}

async function viewCount(con: DuckDBConnection, ctx: ViewContext, view: ViewSpec): Promise<number> {
  const [[r]] = await queryRows(con, `SELECT count(*) FROM ${baseSql(ctx, view)} ${whereSql(ctx, view)}`);
  return Number(r);
}

/**
 * The first `n` positions of a view sorted by one typed column and nothing else (no filter,
 * search or restricted scope), merged from the heads its stores recorded (store-heads.ts):
 * no query at all. null where that does not apply or the heads cannot tell (then the query).
 */
function headsFirstPage(ctx: ViewContext, view: ViewSpec, n: number): Float64Array | null {
  const keys = sortKeys(view);
  if (keys.length !== 1 || n < 1 || n > HEAD_ROWS || ctx.restrict !== null) return null;
  if ((view.filter && view.filter.length) || (view.search && view.search !== '')) return null;
  const [key] = keys;
  const c = columnSql(ctx, key.column);
  const type = typeOf(ctx.scope, c);
  const desc = key.desc === true;
  if (boundKey(ctx, key, c, type, desc ? 'DESC' : 'ASC') !== 'typed') return null;
  const j = ctx.scope.cols.indexOf(c);
  const sources: HeadSource[] = [];
  for (const b of ctx.scope.branches) {
    if (b.nonEmpty[j] === 0) continue;
    const heads = b.typed[j] < 0 ? null : readHeads(b.store, b.typed[j]);
    if (!heads) return null;
    sources.push({ head: desc ? heads.desc : heads.asc, base: b.base, nonEmpty: b.nonEmpty[j] });
  }
  return mergeHeads(sources, type, desc, n);
}
