// The branches of a scope that can hold a row of a view. A range filter on a typed number
// column (an id below X, an amount from Y) rules out every store whose recorded least or
// greatest value lies beyond it, so the query names only the stores that can answer; so
// does a sort's first-page bound (boundTest, for top-n.ts).
//
// Why not leave it to DuckDB's zone maps: they skip the rows, but each branch of the UNION
// ALL still costs a pipeline, and an ordered write pays for every one of them. A 1M-row
// export of a 10M-row table kept in 15 stores took 720-850 ms over all 15 branches and
// 450-620 ms over the 2 that hold its rows (DuckDB on its own imported table: 370-570 ms).
//
// The decision is the one filterSql makes (numericOperand): a comparison is numeric only
// when the column's kind is known numeric and the value is a finite number; otherwise it
// compares text, and nothing is pruned. Empty cells (NULL in a typed store) never pass a comparison.
import type { FilterSpec, ViewSpec } from '../../shared/table-api';
import type { ViewContext } from './analysis';
import type { ScopeSql } from './scope-sql';
import type { StoreType } from './store-schema';
import { utcSecondsOf } from '../../shared/times';

type Branch = ScopeSql['branches'][number];

/** The branches the last pruned relation kept (tests: that a filter ruled stores out). */
export const pruneStats = { lastBranches: -1 };

/** Whether a branch can hold a row that passes some condition (false: leave it out). */
export type BranchTest = (b: Branch) => boolean;

/**
 * The scope's branches that may hold rows of the view (all of them when nothing rules one
 * out), and pass `also` where given (a sort's first-page bound, top-n.ts).
 */
export function viewBranches(ctx: ViewContext, view: Pick<ViewSpec, 'filter'>, also?: BranchTest): Branch[] {
  const tests = (view.filter ?? []).map((f) => rangeTest(ctx, f)).filter((t) => t !== null);
  if (also) tests.push(also);
  if (tests.length === 0) return ctx.scope.branches;
  return ctx.scope.branches.filter((b) => tests.every((t) => t(b)));
}

/** The scope's relation over the view's branches (the scope's empty relation when none is left). */
export function viewRelation(ctx: ViewContext, view: Pick<ViewSpec, 'filter'>, also?: BranchTest): string {
  const branches = viewBranches(ctx, view, also);
  pruneStats.lastBranches = branches.length;
  return branches === ctx.scope.branches ? ctx.scope.relation : unionOf(branches, ctx.scope.none);
}

/** The UNION ALL of branches, or `none` (a relation with the same columns and no rows). */
export function unionOf(branches: Array<{ sql: string }>, none: string): string {
  return branches.length ? branches.map((b) => b.sql).join('\nUNION ALL\n') : none;
}

/**
 * The number a gt/gte/lt/lte filter on SQL column `c` compares with, or null when it compares
 * text: the column's kind must be known numeric and the value a finite number, or, for a
 * time column of Unix seconds, a date or time in UTC as the grid shows them (2016-07-13,
 * 2016-07-13 08:00, an ISO time with its offset): "START_TS > 2016-07-13" compared text and
 * matched nothing. filterSql and the pruning take the same decision from here.
 */
export function numericOperand(ctx: ViewContext, c: string, v: string): number | null {
  const kind = ctx.kinds.get(c);
  if (!kind?.numeric || v.trim() === '') return null;
  const num = Number(v);
  if (Number.isFinite(num)) return num;
  return kind.kind === 'time' ? utcSecondsOf(v.trim()) : null;
}

/**
 * The view is only range filters on typed number columns (no search): counting its rows per
 * store is cheap (zone maps), as export-split.ts does to cut an export into even runs.
 */
export function rangeOnly(ctx: ViewContext, view: Pick<ViewSpec, 'filter' | 'search'>): boolean {
  const filters = view.filter ?? [];
  return !view.search && filters.length > 0 && filters.every((f) => rangeTest(ctx, f) !== null);
}

/** For a numeric range filter on a typed number column: whether a branch can pass it; else null. */
function rangeTest(ctx: ViewContext, f: FilterSpec): BranchTest | null {
  if (f.op !== 'gt' && f.op !== 'gte' && f.op !== 'lt' && f.op !== 'lte') return null;
  if (!f.column || f.column === '__chunk') return null;
  const j = ctx.names.indexOf(f.column);
  if (j < 0) return null;
  const c = ctx.scope.cols[j];
  const type = ctx.scope.facts[j].type;
  const num = numericOperand(ctx, c, f.value ?? '');
  if (num === null || (type !== 'BIGINT' && type !== 'DOUBLE')) return null;
  const op = f.op;
  return (b) => {
    if (b.nonEmpty[j] === 0) return false; // every cell NULL: no comparison holds
    const lo = exactNumber(b.min[j]);
    const hi = exactNumber(b.max[j]);
    if (lo === null || hi === null) return true; // not recorded: keep the branch
    if (op === 'lt') return lo < num;
    if (op === 'lte') return lo <= num;
    if (op === 'gt') return hi > num;
    return hi >= num;
  };
}

/**
 * A recorded end as a number, where the double is the value itself: DuckDB prints a DOUBLE
 * as its shortest round trip, and a BIGINT within 2^53 converts exactly; a greater BIGINT
 * could round across the filter's value, so its branch is kept.
 */
function exactNumber(text: string | null): number | null {
  if (text === null) return null;
  const x = Number(text);
  if (!Number.isFinite(x)) return null;
  if (/^-?\d+$/.test(text) && !Number.isSafeInteger(x)) return null;
  return x;
}

/**
 * For a sort's first-page bound `key <= v` (`>= v` descending) on typed column j: whether a
 * branch can hold a key within it, from its recorded least (greatest) key; null when `v`'s
 * text does not order exactly (then nothing is ruled out).
 */
export function boundTest(j: number, type: StoreType, desc: boolean, v: string): BranchTest | null {
  if (orderedText(type, v) === null) return null;
  return (b) => {
    if (b.nonEmpty[j] === 0) return false; // every key NULL: none is within the bound
    const end = orderedText(type, desc ? b.max[j] : b.min[j]);
    if (end === null) return true; // not recorded or not comparable: keep
    const d = compareText(type, end, v);
    return desc ? d >= 0 : d <= 0;
  };
}

/** Orders two values of a typed column by their text (CAST AS VARCHAR). */
export function compareText(type: StoreType, a: string, b: string): number {
  if (type === 'BIGINT') return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (type === 'DOUBLE') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0; // TIMESTAMP text: fixed-width fields, most significant first
}

/**
 * A typed value's text where compareText orders it exactly, else null: a BIGINT's digits,
 * a finite DOUBLE (DuckDB prints its shortest round trip), a TIMESTAMP of a four-digit year
 * (a BC or five-digit year's text does not order as its time).
 */
function orderedText(type: StoreType, t: string | null): string | null {
  if (t === null) return null;
  if (type === 'BIGINT') return /^-?\d+$/.test(t) ? t : null;
  if (type === 'DOUBLE') return Number.isFinite(Number(t)) && t.trim() !== '' ? t : null;
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(t) ? t : null;
}
