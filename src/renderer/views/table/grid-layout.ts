// The grid's layout as values: row and header heights, a column's meta, the columns laid out
// for one render (GridLayout), the gutter's width and the user's column order. Shared by the
// grid, its header cells, its rows and its hooks, so kept apart from all of them.
import type { Column } from '@tanstack/react-table';
import type { ColumnPrefs, RowEntry } from '../../state/table-types';
import type { ColumnKind } from './cells';

export const ROW_HEIGHT = 24;
export const HEADER_HEIGHT = 46;

/** What each column definition carries: its index in info.columns and its name. */
export interface ColMeta {
  index: number;
  name: string;
}

export function gutterWidth(total: number): number {
  return 22 + Math.max(3, String(total).length) * 8;
}

/** The prefs' column order with the columns it does not know put at their natural place. */
export function effectiveOrder(ids: string[], order: string[]): string[] {
  if (!order.length) return ids;
  const known = order.filter((id) => ids.includes(id));
  ids.forEach((id, i) => {
    if (!known.includes(id)) known.splice(Math.min(i, known.length), 0, id);
  });
  return known;
}

export const NO_PREFS: ColumnPrefs = { order: [], sizing: {}, hidden: {}, pinned: [] };

export interface GridLayout {
  gutter: number;
  left: Column<RowEntry, unknown>[];
  leftWidth: number;
  /** Visible unpinned columns (virtualized): [column, left offset, width]. */
  center: Array<{ column: Column<RowEntry, unknown>; start: number; size: number }>;
  totalWidth: number;
  kinds: ColumnKind[];
  timeCols: boolean[];
}
