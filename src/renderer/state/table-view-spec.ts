// Views, scopes and columns as plain values, without the store: a view as the engine wants it
// and as a cache key, a scope as a key, unique column ids, the default scope of a table, and
// a view (or a filter) in words. Pure functions, shared by the store and the views.
import type { FilterSpec, TableScope, TableSummary, ViewSpec } from '../../shared/table-api';

/** The view as the engine wants it: no empty search, no empty filter list. */
export function cleanView(view: ViewSpec): ViewSpec {
  const out: ViewSpec = {};
  if (view.sort) out.sort = view.sort;
  if (view.filter && view.filter.length) out.filter = view.filter;
  if (view.search && view.search !== '') out.search = view.search;
  return out;
}

export function viewKey(view: ViewSpec): string {
  const v = cleanView(view);
  return JSON.stringify([v.sort ?? null, v.filter ?? [], v.search ?? '']);
}

export function isPlainView(view: ViewSpec): boolean {
  const v = cleanView(view);
  return !v.sort && !v.filter && !v.search;
}

export function scopeKey(scope: TableScope): string {
  return typeof scope === 'object' ? `chunk:${scope.chunk}` : scope;
}

/** Unique ids for a header that may repeat a name: NAME, NAME#2, ... */
export function columnIds(columns: string[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = (seen.get(c) ?? 0) + 1;
    seen.set(c, n);
    return n === 1 ? c : `${c}#${n}`;
  });
}

/** The default scope for a table: its only chunk, else all chunks. */
export function defaultScope(summary: TableSummary | undefined): TableScope {
  if (summary && summary.chunks.length === 1) return { chunk: summary.chunks[0].chunk };
  return 'all';
}

/** Keeps the parts of a view that still apply to these columns. */
export function carryView(view: ViewSpec, columns: string[]): ViewSpec {
  const out: ViewSpec = {};
  if (view.sort && columns.includes(view.sort.column)) out.sort = view.sort;
  const filter = (view.filter ?? []).filter((f) => f.column === undefined || columns.includes(f.column));
  if (filter.length) out.filter = filter;
  if (view.search) out.search = view.search;
  return out;
}

const OP_LABELS: Record<FilterSpec['op'], string> = {
  contains: 'contains',
  'not-contains': 'does not contain',
  equals: '=',
  'not-equals': '≠',
  'starts-with': 'starts with',
  'ends-with': 'ends with',
  empty: 'is empty',
  'not-empty': 'is not empty',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  regex: 'matches',
  malformed: 'malformed rows',
};

export function filterLabel(f: FilterSpec): string {
  if (f.op === 'malformed') return 'Malformed rows only';
  const col = f.column ?? 'any column';
  if (f.op === 'empty' || f.op === 'not-empty') return `${col} ${OP_LABELS[f.op]}`;
  return `${col} ${OP_LABELS[f.op]} ${JSON.stringify(f.value ?? '')}${f.caseSensitive ? ' (Aa)' : ''}`;
}

/** A view in words: while it is computed ("Sorting by X"), or once shown (done: "Sorted by X"). */
export function describeView(view: ViewSpec, done = false): string {
  const parts: string[] = [];
  if (view.search) parts.push(`${done ? 'Search' : 'Searching'} ${JSON.stringify(view.search)}`);
  for (const f of view.filter ?? []) parts.push(`Filter ${filterLabel(f)}`);
  if (view.sort)
    parts.push(
      `${done ? 'Sorted' : 'Sorting'} by ${view.sort.column}${view.sort.desc ? ' (descending)' : ''}`,
    );
  return parts.join(', ') || (done ? 'natural order' : 'Reading the rows');
}

export { OP_LABELS };
