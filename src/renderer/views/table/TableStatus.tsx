// What the grid's area says about the table's state, around the rows: the overlay while a table
// opens or a view is computed (progress, Cancel), the empty view (no rows, no match), and the
// status line (rows in the view, the view in words, first-rows time, reading, notices).
import { useEffect, useState } from 'react';
import { formatInt } from '../../format';
import { describeView } from '../../state/table-view-spec';
import { useTables } from './context';
import { ProgressLine } from './ProgressLine';

export function Overlay() {
  const busy = useTables((s) => s.busy);
  const progress = useTables((s) => s.progress);
  const ready = useTables((s) => s.ready);
  const cancel = useTables((s) => s.cancel);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!busy) return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [busy]);
  if (!busy) return null;
  const label = busy.kind === 'open' ? 'Opening the table' : describeView(busy.view);
  const p = progress && progress.phase !== 'done' && progress.phase !== 'cancelled' ? progress : null;
  return (
    <div
      className={`tg-overlay${ready ? ' over-rows' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="table-busy"
      data-kind={busy.kind}
    >
      <div className="tg-overlay-card">
        <strong>{label}…</strong>
        <ProgressLine progress={p} label={label} />
        <div className="btn-group">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void cancel()}
            data-testid="table-cancel"
          >
            Cancel
          </button>
          {ready ? (
            <span className="small muted">The previous view stays until the new one is ready.</span>
          ) : null}
        </div>
      </div>
    </div>
  );
}

export function Status() {
  const info = useTables((s) => s.info);
  const total = useTables((s) => s.viewTotal);
  const complete = useTables((s) => s.viewComplete);
  const view = useTables((s) => s.view);
  const firstRowsMs = useTables((s) => s.firstRowsMs);
  const progress = useTables((s) => s.progress);
  const busy = useTables((s) => s.busy);
  const notice = useTables((s) => s.notice);
  const dismissNotice = useTables((s) => s.dismissNotice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(dismissNotice, 6000);
    return () => clearTimeout(t);
  }, [notice, dismissNotice]);
  if (!info) return null;
  const reading = !busy && !info.complete && progress && progress.phase === 'reading' ? progress : null;
  const filtered = !!(view.filter?.length || view.search);
  return (
    <footer className="ts-status small" data-testid="table-status">
      <span data-testid="table-count" data-total={total}>
        {formatInt(total)}
        {complete ? '' : '+'} row{total === 1 ? '' : 's'}
        {filtered ? ` of ${formatInt(info.totalRows)}${info.complete ? '' : '+'}` : ''}
        {!complete && !filtered ? ' so far' : ''}
      </span>
      <span className="muted">{describeView(view, true)}</span>
      <span className="muted">
        {info.chunks.length} chunk{info.chunks.length === 1 ? '' : 's'} · {info.encoding}
      </span>
      {firstRowsMs !== null ? (
        <span className="muted" data-testid="first-rows-ms" data-ms={firstRowsMs}>
          first rows in {formatInt(firstRowsMs)} ms
        </span>
      ) : null}
      {reading ? <ProgressLine progress={reading} label="Reading" /> : null}
      {notice ? (
        <span className="ts-notice" role="status" data-testid="table-notice">
          {notice}
        </span>
      ) : null}
    </footer>
  );
}

export function EmptyView() {
  const total = useTables((s) => s.viewTotal);
  const complete = useTables((s) => s.viewComplete);
  const view = useTables((s) => s.view);
  const clearView = useTables((s) => s.clearView);
  if (total > 0 || !complete) return null;
  const filtered = !!(view.filter?.length || view.search);
  return (
    <div className="tg-empty-state" data-testid="table-empty">
      <p>{filtered ? 'No row matches.' : 'The table has no rows.'}</p>
      {filtered ? (
        <button type="button" className="btn" onClick={() => void clearView()}>
          Clear the filters
        </button>
      ) : null}
    </div>
  );
}
