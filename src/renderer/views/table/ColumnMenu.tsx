// A column's menu: sort, filter, statistics, pin, hide, move, width.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { Table } from '@tanstack/react-table';
import type { TableHandleInfo } from '../../../shared/table-api';
import type { RowEntry } from '../../state/table-types';
import { useTableStore } from './context';
import type { ColumnKind } from './cells';
import { copyText } from './clipboard';

interface Props {
  id: string;
  x: number;
  y: number;
  table: Table<RowEntry>;
  info: TableHandleInfo;
  kinds: ColumnKind[];
  onClose(): void;
  onMove(id: string, dir: -1 | 1): void;
}

export function ColumnMenu({ id, x, y, table, kinds, onClose, onMove }: Props) {
  const store = useTableStore();
  const ref = useRef<HTMLDivElement | null>(null);
  const column = table.getColumn(id);

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const onDown = (e: MouseEvent): void => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  if (!column) return null;
  const meta = column.columnDef.meta as { index: number; name: string };
  const name = meta.name;
  const kind = kinds[meta.index];
  const s = store.getState();
  const pinned = column.getIsPinned();
  const visible = table.getVisibleLeafColumns().map((c) => c.id);
  const pos = visible.indexOf(id);

  const act = (fn: () => void) => () => {
    fn();
    onClose();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(i + 1) % items.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i - 1 + items.length) % items.length]?.focus();
    }
  };

  return (
    <div
      className="tg-menu"
      ref={ref}
      role="menu"
      aria-label={`Column ${name}`}
      style={{ left: x, top: y }}
      onKeyDown={onKeyDown}
      data-testid="column-menu"
    >
      <div className="tg-menu-title mono">{name}</div>
      <button type="button" role="menuitem" onClick={act(() => void s.setSort({ column: name }))}>
        Sort ascending
      </button>
      <button type="button" role="menuitem" onClick={act(() => void s.setSort({ column: name, desc: true }))}>
        Sort descending
      </button>
      {kind !== 'text' ? (
        <button
          type="button"
          role="menuitem"
          onClick={act(() => void s.setSort({ column: name, as: 'text' }))}
        >
          Sort as text (code points)
        </button>
      ) : null}
      <button type="button" role="menuitem" disabled={!s.view.sort} onClick={act(() => void s.setSort(null))}>
        Clear the sort
      </button>
      <hr />
      <button type="button" role="menuitem" data-testid="menu-filter" onClick={act(() => s.editFilter(name))}>
        Filter…
      </button>
      <button
        type="button"
        role="menuitem"
        onClick={act(() => void s.addFilter({ column: name, op: 'empty' }))}
      >
        Only empty cells
      </button>
      <button
        type="button"
        role="menuitem"
        onClick={act(() => void s.addFilter({ column: name, op: 'not-empty' }))}
      >
        Only non-empty cells
      </button>
      <button
        type="button"
        role="menuitem"
        data-testid="menu-stats"
        onClick={act(() => void s.loadStats(name))}
      >
        Statistics
      </button>
      <hr />
      <button
        type="button"
        role="menuitem"
        data-testid="menu-pin"
        onClick={act(() => column.pin(pinned ? false : 'left'))}
      >
        {pinned ? 'Unpin' : 'Pin to the left'}
      </button>
      <button
        type="button"
        role="menuitem"
        data-testid="menu-hide"
        onClick={act(() => column.toggleVisibility(false))}
        disabled={visible.length <= 1}
      >
        Hide
      </button>
      <button type="button" role="menuitem" onClick={act(() => onMove(id, -1))} disabled={pos <= 0}>
        Move left
      </button>
      <button
        type="button"
        role="menuitem"
        onClick={act(() => onMove(id, 1))}
        disabled={pos < 0 || pos >= visible.length - 1}
      >
        Move right
      </button>
      <button type="button" role="menuitem" onClick={act(() => column.resetSize())}>
        Reset the width
      </button>
      <button type="button" role="menuitem" onClick={act(() => void copyText(name))}>
        Copy the name
      </button>
    </div>
  );
}
