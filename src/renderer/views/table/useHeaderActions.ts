// The grid's column header actions: sort on a click (ascending, descending, none), the column
// menu's placement, and moving a column (drag and drop between headers, or the menu's move).
// The column order is the table model's, saved in the store's prefs like the rest of the layout.
import { useCallback, useMemo, useState, type DragEvent, type RefObject } from 'react';
import type { Table } from '@tanstack/react-table';
import type { RowEntry, TableStore } from '../../state/table-types';

export function useHeaderActions({
  store,
  table,
  ids,
  rootRef,
}: {
  store: TableStore;
  table: Table<RowEntry>;
  /** Every column's id, in natural order. */
  ids: string[];
  rootRef: RefObject<HTMLDivElement | null>;
}) {
  const [menu, setMenu] = useState<{ id: string; x: number; y: number } | null>(null);
  const [dragOver, setDragOver] = useState<{ id: string; after: boolean } | null>(null);

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

  const openMenu = useCallback(
    (id: string, button: HTMLElement) => {
      const root = rootRef.current;
      if (!root) return;
      const a = root.getBoundingClientRect();
      const b = button.getBoundingClientRect();
      setMenu({ id, x: Math.max(0, Math.min(b.left - a.left, a.width - 240)), y: b.bottom - a.top });
    },
    [rootRef],
  );

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

  return { menu, setMenu, dragOver, onSortClick, openMenu, moveColumn, dragProps };
}
