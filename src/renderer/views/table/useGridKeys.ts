// The grid's keyboard and mouse: the cell cursor (arrows, Page, Home / End, Space), Enter for
// the cell inspector, Escape, Ctrl+A / Ctrl+C (the cell, or the selected rows as TSV), and
// clicks on cells and row numbers (select, extend with Shift, double-click to inspect). Apart
// from the grid's rendering: it only acts (on the store, the scroll position, the clipboard).
import { useCallback, useMemo, useRef, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import type { Column } from '@tanstack/react-table';
import type { TableHandleInfo } from '../../../shared/table-api';
import type { RowEntry, TableStore } from '../../state/table-types';
import { formatInt } from '../../format';
import { copyText, tsvLines } from './clipboard';
import { ROW_HEIGHT, type ColMeta } from './grid-layout';
import { rowWindow, virtualForRow, type ScrollGeometry } from './scroll-scale';

export function useGridKeys({
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
}: {
  store: TableStore;
  info: TableHandleInfo;
  scrollRef: RefObject<HTMLDivElement | null>;
  leftCols: Column<RowEntry, unknown>[];
  centerCols: Column<RowEntry, unknown>[];
  centerSizes: number[];
  gutter: number;
  leftWidth: number;
  geomRef: RefObject<ScrollGeometry>;
  virtRef: RefObject<number>;
  moveVirtual: (v: number) => void;
}) {
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
    [scrollRef, centerCols, centerSizes, gutter, leftWidth],
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
    [store, geomRef, virtRef, moveVirtual, ensureColumnVisible],
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
    [store, geomRef, virtRef, moveCursor, copySelection],
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

  return { onKeyDown, onBodyClick };
}
