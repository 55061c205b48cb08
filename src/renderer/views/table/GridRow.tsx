// One row of the grid: the row-number gutter (with the malformed mark), the pinned cells and
// the visible unpinned ones, or a light placeholder while the row is not fetched yet. A
// memoised component of its own: rows already on screen do not re-render while scrolling.
import { memo, type CSSProperties } from 'react';
import type { Column } from '@tanstack/react-table';
import type { RowEntry } from '../../state/table-types';
import { formatInt } from '../../format';
import { cellTextWithHits, formatTimeValue } from './cells';
import { ROW_HEIGHT, type ColMeta, type GridLayout } from './grid-layout';

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

export const GridRow = memo(function GridRow({
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
