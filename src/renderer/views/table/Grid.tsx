// The virtual grid: only the rows and columns on screen are in the DOM.
// - Rows: fixed height, a window of rows positioned in a layer that stays in the viewport;
//   the scroll range is scaled when the table is taller than a browser lays out (see
//   scroll-scale.ts), so the last row of 10,000,000 is reachable.
// - Columns: @tanstack/react-table holds the column model (order, sizes, visibility,
//   pinning, resizing); @tanstack/react-virtual virtualizes the unpinned ones horizontally.
//   The row-number gutter and pinned columns stay at the left (position: sticky).
// - Keys: arrows / Page / Home / End move the cell cursor (Ctrl+Home / Ctrl+End: first / last
//   row), Enter opens the cell inspector, Ctrl+C copies the cell (or the selected rows).
//
// This file wires the grid's hooks together and renders it: the column model is in
// useGridColumns.ts, vertical scrolling in useGridScroll.ts, keys and clicks in useGridKeys.ts,
// header actions in useHeaderActions.ts; rows and header cells are GridRow.tsx and HeaderCell.tsx.
import { useEffect, useLayoutEffect, useRef, type ReactElement } from 'react';
import type { TableHandleInfo } from '../../../shared/table-api';
import type { TableStore } from '../../state/table-types';
import { formatInt } from '../../format';
import { useTableStore, useTables } from './context';
import { isScaled, physicalHeight } from './scroll-scale';
import { ColumnMenu } from './ColumnMenu';
import { GridRow } from './GridRow';
import { HeaderCell } from './HeaderCell';
import { HEADER_HEIGHT, ROW_HEIGHT, type ColMeta } from './grid-layout';
import { useGridColumns } from './useGridColumns';
import { useGridKeys } from './useGridKeys';
import { useGridScroll } from './useGridScroll';
import { useHeaderActions } from './useHeaderActions';

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

  const scrollRef = useRef<HTMLDivElement | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);

  const {
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
  } = useGridColumns({ store, info, total, ready, scrollRef });

  // -- vertical geometry --------------------------------------------------------------------
  const { geom, geomRef, virtRef, viewportH, moveVirtual, onScroll, win } = useGridScroll(scrollRef, total);

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
  const { onKeyDown, onBodyClick } = useGridKeys({
    store,
    info,
    scrollRef,
    leftCols,
    centerCols,
    centerSizes,
    gutter,
    leftWidth,
    geomRef,
    virtRef,
    moveVirtual,
  });

  // -- header actions -----------------------------------------------------------------------
  const { menu, setMenu, dragOver, onSortClick, openMenu, moveColumn, dragProps } = useHeaderActions({
    store,
    table,
    ids,
    rootRef,
  });

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
