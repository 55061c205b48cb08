// The Columns popover: which columns show and which are pinned left, saved per table; it
// closes on a click outside it or on Escape.
import { useEffect, useRef } from 'react';
import type { ColumnPrefs } from '../../state/table-types';
import { columnIds } from '../../state/table-view-spec';
import { useTableStore, useTables } from './context';
import { PinIcon } from './cells';

export function ColumnsPopover({ onClose }: { onClose(): void }) {
  const store = useTableStore();
  const info = useTables((s) => s.info);
  const key = info?.table.toLowerCase() ?? '';
  const prefs = useTables((s) => s.prefs[key]);
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const onDown = (e: MouseEvent): void => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);
  if (!info) return null;
  const ids = columnIds(info.columns);
  const p: ColumnPrefs = prefs ?? { order: [], sizing: {}, hidden: {}, pinned: [] };
  const update = (next: Partial<ColumnPrefs>) => store.getState().setPrefs(key, { ...p, ...next });
  const shown = ids.filter((id) => !p.hidden[id]).length;
  return (
    <div
      className="vb-popover"
      ref={ref}
      role="dialog"
      aria-label="Columns"
      data-testid="columns-popover"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <div className="vb-pop-head">
        <strong>Columns</strong>
        <span className="muted small">
          {shown} of {ids.length} shown
        </span>
      </div>
      <ul className="vb-col-list">
        {ids.map((id, i) => (
          <li key={id}>
            <label className="toggle">
              <input
                type="checkbox"
                checked={!p.hidden[id]}
                disabled={!p.hidden[id] && shown <= 1}
                onChange={(e) => {
                  const hidden = { ...p.hidden };
                  if (e.target.checked) delete hidden[id];
                  else hidden[id] = true;
                  update({ hidden });
                }}
                data-testid={`col-visible-${info.columns[i]}`}
              />
              <span className="mono">{info.columns[i]}</span>
            </label>
            <button
              type="button"
              className={`btn btn-small btn-quiet vb-pin${p.pinned.includes(id) ? ' is-on' : ''}`}
              aria-pressed={p.pinned.includes(id)}
              title={p.pinned.includes(id) ? 'Unpin' : 'Pin to the left'}
              onClick={() =>
                update({
                  pinned: p.pinned.includes(id) ? p.pinned.filter((x) => x !== id) : [...p.pinned, id],
                })
              }
            >
              <PinIcon />
            </button>
          </li>
        ))}
      </ul>
      <div className="btn-group">
        <button type="button" className="btn btn-small" onClick={() => update({ hidden: {} })}>
          Show all
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => store.getState().setPrefs(key, null)}
          data-testid="columns-reset"
        >
          Reset layout
        </button>
      </div>
    </div>
  );
}
