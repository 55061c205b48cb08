// The grid's column model: kinds and default widths from the view's first page, the user's
// layout (order, sizes, hidden, pinned; kept per table in the store's prefs) as the state of a
// @tanstack/react-table instance, and the unpinned columns virtualized horizontally. What the
// grid, its rows and its header cells need to lay out columns comes out as one GridLayout.
import { useCallback, useLayoutEffect, useMemo, type RefObject } from 'react';
import {
  functionalUpdate,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type ColumnOrderState,
  type ColumnPinningState,
  type ColumnSizingState,
  type Updater,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TableHandleInfo } from '../../../shared/table-api';
import { BLOCK_ROWS } from '../../state/table-row-cache';
import type { ColumnPrefs, RowEntry, TableStore } from '../../state/table-types';
import { columnIds } from '../../state/table-view-spec';
import { observeRectWithFallback } from '../../components/virtual';
import { useTables } from './context';
import { defaultWidth, inferKind, TIME_NAME, type ColumnKind } from './cells';
import { effectiveOrder, gutterWidth, NO_PREFS, type ColMeta, type GridLayout } from './grid-layout';

const EMPTY_ROWS: RowEntry[] = [];

export function useGridColumns({
  store,
  info,
  total,
  ready,
  scrollRef,
}: {
  store: TableStore;
  info: TableHandleInfo;
  /** Rows in the view (the gutter is as wide as the largest row number). */
  total: number;
  ready: boolean;
  scrollRef: RefObject<HTMLDivElement | null>;
}) {
  const statsData = useTables((s) => s.stats?.data ?? null);
  const prefsKey = info.table.toLowerCase();
  const prefs = useTables((s) => s.prefs[prefsKey]) ?? NO_PREFS;

  const ids = useMemo(() => columnIds(info.columns), [info.columns]);

  // Kinds and default widths from the first page of the view (read once it is there).
  const sampleKey = ready ? `${info.handle}` : '';
  const sample = useMemo(() => {
    const rows: RowEntry[] = [];
    if (!sampleKey) return rows;
    for (let i = 0; i < BLOCK_ROWS; i++) {
      const r = store.getState().getRow(i);
      if (!r) break;
      rows.push(r);
    }
    return rows;
  }, [sampleKey, store]);
  const kinds = useMemo<ColumnKind[]>(() => {
    return info.columns.map((name, i) => {
      // Statistics know the whole column; a *_TS / *_DATE_TIME_KEY of numbers stays a time.
      if (statsData && statsData.column === name)
        return statsData.kind === 'number' && TIME_NAME.test(name) ? 'time' : statsData.kind;
      return inferKind(
        name,
        sample.map((r) => r.cells[i]),
      );
    });
  }, [info.columns, sample, statsData]);
  const timeCols = useMemo(() => kinds.map((k) => k === 'time'), [kinds]);
  const widths = useMemo(
    () =>
      info.columns.map((name, i) =>
        defaultWidth(
          name,
          sample.map((r) => r.cells[i]),
          kinds[i],
        ),
      ),
    // Widths are settled once per table and sample (not on every stats result).
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [info.columns, sample],
  );

  const columns = useMemo<ColumnDef<RowEntry>[]>(
    () =>
      info.columns.map((name, i) => ({
        id: ids[i],
        header: name,
        accessorFn: (r: RowEntry) => r.cells[i],
        size: widths[i],
        minSize: 40,
        maxSize: 2400,
        meta: { index: i, name } satisfies ColMeta,
      })),
    [info.columns, ids, widths],
  );

  const setPrefs = useCallback(
    (change: (p: ColumnPrefs) => ColumnPrefs) => {
      const cur = store.getState().prefs[prefsKey] ?? NO_PREFS;
      store.getState().setPrefs(prefsKey, change(cur));
    },
    [store, prefsKey],
  );

  const order = useMemo(() => effectiveOrder(ids, prefs.order), [ids, prefs.order]);
  const visibility = useMemo<VisibilityState>(() => {
    const v: VisibilityState = {};
    for (const id of ids) if (prefs.hidden[id]) v[id] = false;
    return v;
  }, [ids, prefs.hidden]);
  const pinning = useMemo<ColumnPinningState>(
    () => ({ left: prefs.pinned.filter((id) => ids.includes(id)), right: [] }),
    [ids, prefs.pinned],
  );

  const table = useReactTable<RowEntry>({
    data: EMPTY_ROWS,
    columns,
    getCoreRowModel: getCoreRowModel(),
    state: {
      columnOrder: order,
      columnSizing: prefs.sizing,
      columnVisibility: visibility,
      columnPinning: pinning,
    },
    onColumnOrderChange: (u: Updater<ColumnOrderState>) =>
      setPrefs((p) => ({ ...p, order: functionalUpdate(u, order) })),
    onColumnSizingChange: (u: Updater<ColumnSizingState>) =>
      setPrefs((p) => ({ ...p, sizing: functionalUpdate(u, p.sizing) })),
    onColumnVisibilityChange: (u: Updater<VisibilityState>) =>
      setPrefs((p) => {
        const next = functionalUpdate(u, visibility);
        const hidden: Record<string, boolean> = {};
        for (const [id, on] of Object.entries(next)) if (on === false) hidden[id] = true;
        return { ...p, hidden };
      }),
    onColumnPinningChange: (u: Updater<ColumnPinningState>) =>
      setPrefs((p) => ({ ...p, pinned: functionalUpdate(u, pinning).left ?? [] })),
    columnResizeMode: 'onChange',
    enableColumnResizing: true,
    enableColumnPinning: true,
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
  });

  const leftCols = table.getLeftVisibleLeafColumns();
  const centerCols = table.getCenterVisibleLeafColumns();
  const leftHeaders = table.getLeftHeaderGroups()[0]?.headers ?? [];
  const centerHeaders = table.getCenterHeaderGroups()[0]?.headers ?? [];
  const gutter = gutterWidth(total);
  const leftWidth = leftCols.reduce((s, c) => s + c.getSize(), 0);
  const centerSizes = centerCols.map((c) => c.getSize());
  const sizeSig = centerSizes.join(',');

  const colVirt = useVirtualizer({
    horizontal: true,
    count: centerCols.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => centerSizes[i] ?? 100,
    paddingStart: gutter + leftWidth,
    overscan: 2,
    observeElementRect: observeRectWithFallback,
    getItemKey: (i) => centerCols[i]?.id ?? i,
  });
  useLayoutEffect(() => {
    colVirt.measure();
  }, [colVirt, sizeSig, gutter, leftWidth]);
  const colItems = colVirt.getVirtualItems();
  const totalWidth = gutter + leftWidth + centerSizes.reduce((s, n) => s + n, 0);

  const leftSig = leftCols.map((c) => c.id).join();
  const centerSig = centerCols.map((c) => c.id).join();
  const layout = useMemo<GridLayout>(
    () => ({
      gutter,
      left: leftCols,
      leftWidth,
      center: colItems
        .map((it) => ({ column: centerCols[it.index], start: it.start, size: it.size }))
        .filter((c) => c.column),
      totalWidth,
      kinds,
      timeCols,
    }),
    // leftCols / centerCols are new arrays on every render; their content is in the signatures.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [gutter, leftWidth, totalWidth, kinds, timeCols, colItems, leftSig, sizeSig, centerSig],
  );

  return {
    ids,
    kinds,
    table,
    leftCols,
    centerCols,
    leftHeaders,
    centerHeaders,
    gutter,
    leftWidth,
    centerSizes,
    layout,
  };
}
