// The virtual grid: only the rows and columns on screen are in the DOM.
// - Rows: fixed height, a window of rows positioned in a layer that stays in the viewport;
//   the scroll range is scaled when the table is taller than a browser lays out (see
//   scroll-scale.ts), so the last row of 10,000,000 is reachable.
// - Columns: @tanstack/react-table holds the column model (order, sizes, visibility,
//   pinning, resizing); @tanstack/react-virtual virtualizes the unpinned ones horizontally.
//   The row-number gutter and pinned columns stay at the left (position: sticky).
// - Keys: arrows / Page / Home / End move the cell cursor (Ctrl+Home / Ctrl+End: first / last
//   row), Enter opens the cell inspector, Ctrl+C copies the cell (or the selected rows).
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type DragEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactElement,
} from 'react';
import {
  functionalUpdate,
  getCoreRowModel,
  useReactTable,
  type Column,
  type ColumnDef,
  type ColumnOrderState,
  type ColumnPinningState,
  type ColumnSizingState,
  type Header,
  type Updater,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TableHandleInfo } from '../../../shared/table-api';
import {
  BLOCK_ROWS,
  columnIds,
  type ColumnPrefs,
  type RowEntry,
  type TableStore,
} from '../../state/table-store';
import { observeRectWithFallback } from '../../components/virtual';
import { formatInt } from '../../format';
import { useTableStore, useTables } from './context';
import {
  PinIcon,
  cellTextWithHits,
  defaultWidth,
  formatTimeValue,
  inferKind,
  KIND_LABEL,
  KIND_TITLE,
  TIME_NAME,
  type ColumnKind,
} from './cells';
import { copyText, tsvLines } from './clipboard';
import {
  clampVirtual,
  OVERSCAN_ROWS,
  isScaled,
  physicalHeight,
  rowWindow,
  toPhysical,
  toVirtual,
  virtualForRow,
  wheelPixels,
  type ScrollGeometry,
} from './scroll-scale';
import { ColumnMenu } from './ColumnMenu';

export const ROW_HEIGHT = 24;
export const HEADER_HEIGHT = 46;
const FALLBACK_VIEWPORT = 600;
/**
 * Rows are placed relative to an anchor that moves every ANCHOR_ROWS rows, so scrolling
 * changes one transform, not every row's position (rows already on screen do not re-render).
 */
const ANCHOR_ROWS = 512;
/**
 * Row components are keyed by slot (row index modulo ROW_SLOTS, more than a window can hold):
 * a row entering the window takes over the DOM of one that left instead of creating it anew,
 * which keeps a fast scrollbar drag (every row new every frame) cheap.
 */
const ROW_SLOTS = 256;

/** Frame-time probe for benchmarks: the grid's render+commit durations (ms), newest last. */
declare global {
  interface Window {
    __tableGridFrames?: number[];
  }
}

interface ColMeta {
  index: number;
  name: string;
}

const EMPTY_ROWS: RowEntry[] = [];

function gutterWidth(total: number): number {
  return 22 + Math.max(3, String(total).length) * 8;
}

/** The prefs' column order with the columns it does not know put at their natural place. */
function effectiveOrder(ids: string[], order: string[]): string[] {
  if (!order.length) return ids;
  const known = order.filter((id) => ids.includes(id));
  ids.forEach((id, i) => {
    if (!known.includes(id)) known.splice(Math.min(i, known.length), 0, id);
  });
  return known;
}

const NO_PREFS: ColumnPrefs = { order: [], sizing: {}, hidden: {}, pinned: [] };

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

export function Grid() {
  const store = useTableStore();
  const info = useTables((s) => s.info);
  if (!info) return null;
  return <GridInner key={info.handle} store={store} info={info} />;
}

function GridInner({ store, info }: { store: TableStore; info: TableHandleInfo }) {
  const total = useTables((s) => s.viewTotal);
  const ready = useTables((s) => s.ready);
  const rowsVersion = useTables((s) => s.rowsVersion);
  const view = useTables((s) => s.view);
  const showDates = useTables((s) => s.showDates);
  const cursor = useTables((s) => s.cursor);
  const rowSelection = useTables((s) => s.rowSelection);
  const scrollRequest = useTables((s) => s.scrollRequest);
  const statsData = useTables((s) => s.stats?.data ?? null);
  const prefsKey = info.table.toLowerCase();
  const prefs = useTables((s) => s.prefs[prefsKey]) ?? NO_PREFS;

  const scrollRef = useRef<HTMLDivElement | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const [viewportH, setViewportH] = useState(FALLBACK_VIEWPORT);
  const [virt, setVirt] = useState(0);
  const virtRef = useRef(0);
  const lastTopRef = useRef(0);
  const expectedTopRef = useRef<number | null>(null);
  const [menu, setMenu] = useState<{ id: string; x: number; y: number } | null>(null);
  const [dragOver, setDragOver] = useState<{ id: string; after: boolean } | null>(null);

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

  // -- vertical geometry --------------------------------------------------------------------
  const geom: ScrollGeometry = useMemo(
    () => ({ rows: total, rowHeight: ROW_HEIGHT, viewport: viewportH }),
    [total, viewportH],
  );
  const geomRef = useRef(geom);
  geomRef.current = geom;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = (): void => {
      const h = el.clientHeight - HEADER_HEIGHT;
      setViewportH(h > 0 ? h : FALLBACK_VIEWPORT);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  /** Moves to a virtual position and puts the scrollbar where it maps to. */
  const moveVirtual = useCallback((v: number) => {
    const g = geomRef.current;
    const next = clampVirtual(g, v);
    virtRef.current = next;
    setVirt(next);
    const el = scrollRef.current;
    if (!el) return;
    const top = toPhysical(g, next);
    if (Math.abs(el.scrollTop - top) >= 0.5) {
      expectedTopRef.current = top;
      el.scrollTop = top;
    }
  }, []);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    if (Math.abs(top - lastTopRef.current) < 0.5) return; // horizontal only
    lastTopRef.current = top;
    const expected = expectedTopRef.current;
    expectedTopRef.current = null;
    if (expected !== null && Math.abs(top - expected) <= 1.5) return; // our own move
    const v = toVirtual(geomRef.current, top);
    virtRef.current = v;
    setVirt(v);
  }, []);

  // Wheel over a scaled range: move the virtual position by the wheel's pixels (exact rows),
  // not by the scaled scrollbar's.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      const g = geomRef.current;
      if (!isScaled(g) || e.ctrlKey) return;
      const dy = wheelPixels(e.deltaY, e.deltaMode, ROW_HEIGHT, g.viewport);
      if (dy === 0) return;
      e.preventDefault();
      if (e.shiftKey && !e.deltaX) {
        // Shift+wheel scrolls sideways.
        el.scrollLeft += dy;
        return;
      }
      if (e.deltaX) el.scrollLeft += e.deltaMode === 1 ? e.deltaX * 16 : e.deltaX;
      moveVirtual(virtRef.current + dy);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [moveVirtual]);

  // The row count or the viewport changed: keep the same rows on screen.
  useLayoutEffect(() => {
    moveVirtual(virtRef.current);
  }, [geom, moveVirtual]);

  // Jumps asked by the store (new view: top; go to row N: centred).
  useLayoutEffect(() => {
    if (!scrollRequest) return;
    const g = geomRef.current;
    const align = scrollRequest.row === 0 ? 'start' : 'center';
    moveVirtual(virtualForRow(g, scrollRequest.row, align, virtRef.current));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scrollRequest?.seq]);

  const win = rowWindow(geom, virt, OVERSCAN_ROWS);

  // Ask for the rows on screen (the store debounces during fast scrolls).
  useEffect(() => {
    if (ready && win.last >= win.first) store.getState().requestRows(win.first, win.last);
  }, [store, ready, win.first, win.last, view, total, rowsVersion]);

  // Frame probe (benchmarks): time from render to commit of each grid update.
  const renderStart = typeof performance !== 'undefined' ? performance.now() : 0;
  useLayoutEffect(() => {
    if (typeof window === 'undefined' || !window.__tableGridFrames) return;
    window.__tableGridFrames.push(performance.now() - renderStart);
    if (window.__tableGridFrames.length > 5000) window.__tableGridFrames.splice(0, 1000);
  });

  // -- cursor, keys, copy -------------------------------------------------------------------
  const visualCols = useMemo(
    () => [...leftCols, ...centerCols].map((c) => (c.columnDef.meta as ColMeta).index),
    [leftCols, centerCols],
  );
  const visualRef = useRef(visualCols);
  visualRef.current = visualCols;

  const ensureColumnVisible = useCallback(
    (col: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const idx = centerCols.findIndex((c) => (c.columnDef.meta as ColMeta).index === col);
      if (idx < 0) return; // pinned: always visible
      let start = gutter + leftWidth;
      for (let i = 0; i < idx; i++) start += centerSizes[i];
      const end = start + centerSizes[idx];
      const viewLeft = el.scrollLeft + gutter + leftWidth;
      const viewRight = el.scrollLeft + (el.clientWidth || 1000);
      if (start < viewLeft) el.scrollLeft = start - gutter - leftWidth;
      else if (end > viewRight) el.scrollLeft = end - (el.clientWidth || 1000);
    },
    [centerCols, centerSizes, gutter, leftWidth],
  );

  const moveCursor = useCallback(
    (row: number, col: number) => {
      const g = geomRef.current;
      if (g.rows <= 0) return;
      const r = Math.max(0, Math.min(g.rows - 1, row));
      store.getState().setCursor({ row: r, col });
      moveVirtual(virtualForRow(g, r, 'nearest', virtRef.current));
      ensureColumnVisible(col);
    },
    [store, moveVirtual, ensureColumnVisible],
  );

  const copySelection = useCallback(async () => {
    const s = store.getState();
    if (s.rowSelection) {
      const from = Math.min(s.rowSelection.anchor, s.rowSelection.focus);
      const to = Math.max(s.rowSelection.anchor, s.rowSelection.focus);
      const count = Math.min(to - from + 1, 10_000);
      try {
        const rows = await s.fetchRows(from, count);
        const ok = await copyText(tsvLines(rows.map((r) => r.cells)));
        store.setState({
          notice: ok
            ? `Copied ${formatInt(rows.length)} row${rows.length === 1 ? '' : 's'} (tab-separated)${count < to - from + 1 ? ' — the first 10,000' : ''}.`
            : 'The clipboard refused the copy.',
        });
      } catch (e) {
        s.showError(e, 'Copying rows');
      }
      return;
    }
    if (s.cursor) {
      const r = s.getRow(s.cursor.row);
      if (!r) return;
      const ok = await copyText(r.cells[s.cursor.col] ?? '');
      store.setState({
        notice: ok
          ? `Copied the cell (row ${formatInt(s.cursor.row + 1)}, ${info.columns[s.cursor.col] ?? 'extra field'}).`
          : 'The clipboard refused the copy.',
      });
    }
  }, [store, info.columns]);

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const s = store.getState();
      const g = geomRef.current;
      const cols = visualRef.current;
      const cur = s.cursor ?? { row: rowWindow(g, virtRef.current, 0).firstVisible, col: cols[0] ?? 0 };
      const vi = Math.max(0, cols.indexOf(cur.col));
      const page = Math.max(1, Math.floor(g.viewport / ROW_HEIGHT) - 1);
      const mod = e.ctrlKey || e.metaKey;
      let handled = true;
      switch (e.key) {
        case 'ArrowDown':
          moveCursor(cur.row + (s.cursor ? 1 : 0), cur.col);
          break;
        case 'ArrowUp':
          moveCursor(cur.row - (s.cursor ? 1 : 0), cur.col);
          break;
        case 'PageDown':
          moveCursor(cur.row + page, cur.col);
          break;
        case ' ':
          // Space pages like the browser would, but by rows (the scroll range may be scaled).
          moveCursor(cur.row + (e.shiftKey ? -page : page), cur.col);
          break;
        case 'PageUp':
          moveCursor(cur.row - page, cur.col);
          break;
        case 'ArrowRight':
          moveCursor(cur.row, cols[Math.min(cols.length - 1, vi + 1)] ?? cur.col);
          break;
        case 'ArrowLeft':
          moveCursor(cur.row, cols[Math.max(0, vi - 1)] ?? cur.col);
          break;
        case 'Home':
          if (mod) moveCursor(0, cur.col);
          else moveCursor(cur.row, cols[0] ?? 0);
          break;
        case 'End':
          if (mod) moveCursor(g.rows - 1, cur.col);
          else moveCursor(cur.row, cols[cols.length - 1] ?? 0);
          break;
        case 'Enter':
          if (s.cursor) s.setPanel('cell');
          else handled = false;
          break;
        case 'Escape':
          if (s.rowSelection) s.selectRows(-1);
          else if (s.panel) s.setPanel(null);
          else handled = false;
          break;
        default:
          if (mod && (e.key === 'c' || e.key === 'C')) {
            void copySelection();
          } else if (mod && (e.key === 'a' || e.key === 'A')) {
            s.selectRows(0, Math.max(0, g.rows - 1));
          } else handled = false;
      }
      if (handled) e.preventDefault();
    },
    [store, moveCursor, copySelection],
  );

  const onBodyClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const t = e.target as HTMLElement;
      const rowEl = t.closest<HTMLElement>('[data-row]');
      if (!rowEl) return;
      const row = Number(rowEl.dataset.row);
      const s = store.getState();
      if (t.closest('[data-gutter]')) {
        if (e.shiftKey && s.rowSelection) s.selectRows(s.rowSelection.anchor, row);
        else s.selectRows(row);
        s.setCursor({ row, col: s.cursor?.col ?? visualRef.current[0] ?? 0 });
        return;
      }
      const cellEl = t.closest<HTMLElement>('[data-col]');
      if (!cellEl) return;
      const col = Number(cellEl.dataset.col);
      if (e.shiftKey && s.cursor) s.selectRows(s.cursor.row, row);
      else if (s.rowSelection) s.selectRows(-1);
      s.setCursor({ row, col });
      if (e.detail >= 2) s.setPanel('cell');
    },
    [store],
  );

  // -- header actions -----------------------------------------------------------------------
  const onSortClick = useCallback(
    (name: string) => {
      const s = store.getState();
      const cur = (s.busy?.kind === 'view' ? s.busy.view : s.view).sort;
      if (!cur || cur.column !== name) void s.setSort({ column: name });
      else if (!cur.desc) void s.setSort({ column: name, desc: true });
      else void s.setSort(null);
    },
    [store],
  );

  const openMenu = useCallback((id: string, button: HTMLElement) => {
    const root = rootRef.current;
    if (!root) return;
    const a = root.getBoundingClientRect();
    const b = button.getBoundingClientRect();
    setMenu({ id, x: Math.max(0, Math.min(b.left - a.left, a.width - 240)), y: b.bottom - a.top });
  }, []);

  const moveColumn = useCallback(
    (id: string, target: string, after: boolean) => {
      if (id === target) return;
      const cur = table.getState().columnOrder.length ? [...table.getState().columnOrder] : [...ids];
      const from = cur.indexOf(id);
      if (from < 0) return;
      cur.splice(from, 1);
      let to = cur.indexOf(target);
      if (to < 0) return;
      if (after) to++;
      cur.splice(to, 0, id);
      table.setColumnOrder(cur);
    },
    [table, ids],
  );

  const dragProps = useMemo(
    () => ({
      onDragStart(e: DragEvent<HTMLElement>, id: string) {
        e.dataTransfer.setData('application/x-di-column', id);
        e.dataTransfer.effectAllowed = 'move';
      },
      onDragOver(e: DragEvent<HTMLElement>, id: string) {
        if (!e.dataTransfer.types.includes('application/x-di-column')) return;
        e.preventDefault();
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
        const after = e.clientX > r.left + r.width / 2;
        setDragOver((d) => (d && d.id === id && d.after === after ? d : { id, after }));
      },
      onDrop(e: DragEvent<HTMLElement>, id: string) {
        const from = e.dataTransfer.getData('application/x-di-column');
        setDragOver(null);
        if (!from) return;
        e.preventDefault();
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
        moveColumn(from, id, e.clientX > r.left + r.width / 2);
      },
      onDragEnd() {
        setDragOver(null);
      },
    }),
    [moveColumn],
  );

  // -- render -------------------------------------------------------------------------------
  const getRow = store.getState().getRow;
  const rows: ReactElement[] = [];
  const selFrom = rowSelection ? Math.min(rowSelection.anchor, rowSelection.focus) : -1;
  const selTo = rowSelection ? Math.max(rowSelection.anchor, rowSelection.focus) : -2;
  const baseRow = win.first - (win.first % ANCHOR_ROWS);
  for (let i = win.first; i <= win.last; i++) {
    rows.push(
      <GridRow
        key={i % ROW_SLOTS}
        index={i}
        top={(i - baseRow) * ROW_HEIGHT}
        entry={ready ? getRow(i) : undefined}
        layout={layout}
        ncols={info.columns.length}
        cursorCol={cursor && cursor.row === i ? cursor.col : -1}
        selected={i >= selFrom && i <= selTo}
        showDates={showDates}
        search={view.search}
      />,
    );
  }
  const physical = physicalHeight(geom);
  const sort = view.sort;

  return (
    <div
      className="tg"
      ref={rootRef}
      data-testid="table-grid"
      data-total={total}
      data-scaled={isScaled(geom) ? 'true' : 'false'}
    >
      <div
        className="tg-scroll"
        ref={scrollRef}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        tabIndex={0}
        role="grid"
        aria-label={`${info.table}: ${formatInt(total)} rows`}
        aria-rowcount={total + 1}
        aria-colcount={info.columns.length + 1}
        aria-busy={!ready}
        data-testid="table-scroll"
        data-first-visible={win.firstVisible}
        data-last-visible={win.lastVisible}
      >
        <div className="tg-content" style={{ width: layout.totalWidth, height: HEADER_HEIGHT + physical }}>
          <div
            className="tg-header"
            role="row"
            aria-rowindex={1}
            style={{ width: layout.totalWidth, height: HEADER_HEIGHT }}
          >
            <div className="tg-pinned" style={{ width: layout.gutter + layout.leftWidth }}>
              <div
                className="tg-gutter tg-th tg-corner"
                style={{ width: layout.gutter }}
                role="columnheader"
                title="Row in this view"
              >
                #
              </div>
              {leftHeaders.map((h) => (
                <HeaderCell
                  key={h.id}
                  header={h}
                  left={null}
                  width={h.getSize()}
                  kind={kinds[(h.column.columnDef.meta as ColMeta).index]}
                  sort={sort}
                  pinned
                  dragOver={dragOver}
                  onSort={onSortClick}
                  onMenu={openMenu}
                  drag={dragProps}
                />
              ))}
            </div>
            {layout.center.map((c) => {
              const h = centerHeaders.find((x) => x.column.id === c.column.id);
              if (!h) return null;
              return (
                <HeaderCell
                  key={h.id}
                  header={h}
                  left={c.start}
                  width={c.size}
                  kind={kinds[(h.column.columnDef.meta as ColMeta).index]}
                  sort={sort}
                  pinned={false}
                  dragOver={dragOver}
                  onSort={onSortClick}
                  onMenu={openMenu}
                  drag={dragProps}
                />
              );
            })}
          </div>
          <div
            className="tg-body"
            style={{ width: layout.totalWidth, height: viewportH, top: HEADER_HEIGHT }}
            onClick={onBodyClick}
            role="rowgroup"
          >
            <div
              className="tg-rows"
              style={{ transform: `translateY(${baseRow * ROW_HEIGHT - win.offset}px)` }}
            >
              {rows}
            </div>
          </div>
        </div>
      </div>
      {menu ? (
        <ColumnMenu
          id={menu.id}
          x={menu.x}
          y={menu.y}
          table={table}
          info={info}
          kinds={kinds}
          onClose={() => {
            setMenu(null);
            scrollRef.current?.focus();
          }}
          onMove={(id, dir) => {
            const cols = table.getVisibleLeafColumns().map((c) => c.id);
            const i = cols.indexOf(id);
            const j = i + dir;
            if (i < 0 || j < 0 || j >= cols.length) return;
            moveColumn(id, cols[j], dir > 0);
          }}
        />
      ) : null}
    </div>
  );
}

interface DragHandlers {
  onDragStart(e: DragEvent<HTMLElement>, id: string): void;
  onDragOver(e: DragEvent<HTMLElement>, id: string): void;
  onDrop(e: DragEvent<HTMLElement>, id: string): void;
  onDragEnd(): void;
}

const HeaderCell = memo(function HeaderCell({
  header,
  left,
  width,
  kind,
  sort,
  pinned,
  dragOver,
  onSort,
  onMenu,
  drag,
}: {
  header: Header<RowEntry, unknown>;
  /** Absolute left offset (unpinned columns), or null (pinned: in flow). */
  left: number | null;
  width: number;
  kind: ColumnKind | undefined;
  sort: { column: string; desc?: boolean } | undefined;
  pinned: boolean;
  dragOver: { id: string; after: boolean } | null;
  onSort(name: string): void;
  onMenu(id: string, button: HTMLElement): void;
  drag: DragHandlers;
}) {
  const meta = header.column.columnDef.meta as ColMeta;
  const name = meta.name;
  const style: CSSProperties = left === null ? { width } : { position: 'absolute', left, width, top: 0 };
  const sorted = sort && sort.column === name ? (sort.desc ? 'descending' : 'ascending') : undefined;
  const k = kind ?? 'text';
  const over =
    dragOver && dragOver.id === header.column.id ? (dragOver.after ? ' drop-after' : ' drop-before') : '';
  return (
    <div
      className={`tg-th${pinned ? ' is-pinned' : ''}${sorted ? ' is-sorted' : ''}${over}`}
      style={style}
      role="columnheader"
      aria-sort={sorted ?? 'none'}
      data-testid={`th-${name}`}
      data-column={name}
      onDragOver={(e) => drag.onDragOver(e, header.column.id)}
      onDrop={(e) => drag.onDrop(e, header.column.id)}
    >
      <button
        type="button"
        className="tg-th-name"
        draggable
        onDragStart={(e) => drag.onDragStart(e, header.column.id)}
        onDragEnd={drag.onDragEnd}
        onClick={() => onSort(name)}
        title={`${name} — click to sort (ascending, descending, none); drag to move`}
        data-testid={`sort-${name}`}
      >
        <span className="tg-th-label">{name}</span>
        {sorted ? (
          <span className="tg-sort" aria-hidden="true">
            {sorted === 'ascending' ? '▲' : '▼'}
          </span>
        ) : null}
      </button>
      <div className="tg-th-sub">
        <span className={`tg-type tg-type-${k}`} title={KIND_TITLE[k]}>
          {KIND_LABEL[k]}
        </span>
        {pinned ? (
          <span className="tg-pin-mark" title="Pinned">
            <PinIcon />
          </span>
        ) : null}
      </div>
      <button
        type="button"
        className="tg-th-menu"
        aria-label={`Column ${name}: menu`}
        aria-haspopup="menu"
        data-testid={`menu-${name}`}
        onClick={(e) => onMenu(header.column.id, e.currentTarget)}
      >
        ⋮
      </button>
      <div
        className={`tg-resizer${header.column.getIsResizing() ? ' is-resizing' : ''}`}
        onMouseDown={header.getResizeHandler()}
        onTouchStart={header.getResizeHandler()}
        onDoubleClick={() => header.column.resetSize()}
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize ${name}`}
        data-testid={`resize-${name}`}
      />
    </div>
  );
});

function cellClass(base: string, value: string | undefined, isCursor: boolean): string {
  let c = base;
  if (value === undefined) c += ' tg-missing';
  else if (value === '') c += ' tg-empty';
  if (isCursor) c += ' is-cursor';
  return c;
}

function renderValue(value: string | undefined, time: boolean, showDates: boolean, search?: string) {
  if (value === undefined || value === '') return null;
  if (time && showDates) {
    const d = formatTimeValue(value);
    if (d !== null) return d;
  }
  return cellTextWithHits(value, search);
}

const GridRow = memo(function GridRow({
  index,
  top,
  entry,
  layout,
  ncols,
  cursorCol,
  selected,
  showDates,
  search,
}: {
  /** The view's search text: its hits are marked in the cells. */
  search?: string;
  index: number;
  top: number;
  entry: RowEntry | undefined;
  layout: GridLayout;
  ncols: number;
  cursorCol: number;
  selected: boolean;
  showDates: boolean;
}) {
  const cls = `tg-row${index % 2 ? ' tg-odd' : ''}${entry?.malformed ? ' is-malformed' : ''}${selected ? ' is-selected' : ''}${entry ? '' : ' is-loading'}`;
  const cell = (column: Column<RowEntry, unknown>, style: CSSProperties, pinned: boolean) => {
    const ci = (column.columnDef.meta as ColMeta).index;
    const value = entry ? entry.cells[ci] : undefined;
    const kind = layout.kinds[ci];
    const missing = entry !== undefined && value === undefined;
    // The whole value as a tooltip where the cell cuts it (wider than the column, or several lines).
    const width = typeof style.width === 'number' ? style.width : 100;
    const title =
      value !== undefined && value.length > 0 && (value.length * 7.6 + 12 > width || /[\r\n]/.test(value))
        ? value.slice(0, 2000)
        : undefined;
    return (
      <div
        key={column.id}
        className={`${cellClass('tg-td', entry ? value : '', cursorCol === ci)}${missing ? ' tg-missing' : ''}${pinned ? ' is-pinned' : ''}${kind === 'number' || (kind === 'time' && !showDates) ? ' tg-num' : ''}`}
        style={style}
        role="gridcell"
        data-col={ci}
        title={missing ? 'No field here: the record is malformed' : title}
      >
        {entry ? renderValue(value, layout.timeCols[ci], showDates, search) : null}
      </div>
    );
  };
  const extra = entry && entry.cells.length > ncols ? entry.cells.length - ncols : 0;
  if (!entry) {
    // Not fetched yet (a fast scroll goes by): a light placeholder, the row number only.
    return (
      <div
        className={cls}
        role="row"
        aria-rowindex={index + 2}
        aria-busy="true"
        data-row={index}
        data-testid={`row-${index}`}
        style={{ top, width: layout.totalWidth, height: ROW_HEIGHT }}
      >
        <div className="tg-pinned" style={{ width: layout.gutter + layout.leftWidth }}>
          <div className="tg-gutter" style={{ width: layout.gutter }} role="rowheader" data-gutter="1">
            {index + 1}
          </div>
        </div>
        <div className="tg-placeholder" />
      </div>
    );
  }
  return (
    <div
      className={cls}
      role="row"
      aria-rowindex={index + 2}
      data-row={index}
      data-testid={`row-${index}`}
      style={{ top, width: layout.totalWidth, height: ROW_HEIGHT }}
    >
      <div className="tg-pinned" style={{ width: layout.gutter + layout.leftWidth }}>
        <div
          className="tg-gutter"
          style={{ width: layout.gutter }}
          role="rowheader"
          data-gutter="1"
          title={
            entry
              ? `Row ${formatInt(index + 1)} of this view · record ${formatInt(entry.record)} of ${entry.chunk}${entry.malformed ? ' · MALFORMED record' : ''}`
              : `Row ${formatInt(index + 1)} (loading)`
          }
        >
          {entry?.malformed ? (
            <span
              className="tg-malformed-mark"
              aria-label="malformed record"
              title={`Malformed record: its number of fields differs from the header's, or it ends inside quotes${extra ? `; ${extra} field${extra === 1 ? '' : 's'} past the last column (see the cell inspector)` : ''}`}
            >
              ⚠
            </span>
          ) : null}
          {index + 1}
        </div>
        {layout.left.map((c) => cell(c, { width: c.getSize() }, true))}
      </div>
      {layout.center.map((c) =>
        cell(c.column, { position: 'absolute', left: c.start, width: c.size, top: 0 }, false),
      )}
    </div>
  );
});
