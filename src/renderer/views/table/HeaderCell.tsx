// A column's header cell in the grid: its name (click to sort, drag to move), its kind, the
// pin mark, its menu button and the resize handle. A memoised component of its own so the
// header does not re-render while rows scroll by.
import { memo, type CSSProperties, type DragEvent } from 'react';
import type { Header } from '@tanstack/react-table';
import type { RowEntry } from '../../state/table-types';
import { KIND_LABEL, KIND_TITLE, PinIcon, type ColumnKind } from './cells';
import type { ColMeta } from './grid-layout';

export interface DragHandlers {
  onDragStart(e: DragEvent<HTMLElement>, id: string): void;
  onDragOver(e: DragEvent<HTMLElement>, id: string): void;
  onDrop(e: DragEvent<HTMLElement>, id: string): void;
  onDragEnd(): void;
}

export const HeaderCell = memo(function HeaderCell({
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
