// One line of progress for a table operation: what, how far, how long.
import type { TablePhase, TableProgress } from '../../../shared/table-api';
import { formatDuration, formatInt } from '../../format';

export const PHASE_LABELS: Record<TablePhase, string> = {
  reading: 'Reading the table',
  analysing: 'Preparing the analysis',
  merging: 'Merging the chunks by key',
  sorting: 'Sorting',
  filtering: 'Filtering',
  stats: 'Computing statistics',
  exporting: 'Exporting',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** A fraction 0..1 when the progress tells one, else null. */
export function progressFraction(p: TableProgress | null): number | null {
  if (!p || p.total === null || p.total <= 0) return null;
  return Math.max(0, Math.min(1, p.done / p.total));
}

export function ProgressLine({ progress, label }: { progress: TableProgress | null; label: string }) {
  const f = progressFraction(progress);
  const what = progress ? PHASE_LABELS[progress.phase] : label;
  const detail = progress
    ? progress.phase === 'reading' && progress.total !== null
      ? `${formatInt(progress.done)} of ${formatInt(progress.total)}`
      : f !== null
        ? `${Math.round(f * 100)} %`
        : ''
    : '';
  return (
    <div className="tp-line" data-testid="progress-line" data-phase={progress?.phase ?? ''}>
      <span className="tp-what">
        {what}
        {progress?.chunk ? <span className="muted small mono"> {progress.chunk}</span> : null}
      </span>
      <span
        className={`progress-track tp-track${f === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label={what}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={f === null ? undefined : Math.round(f * 100)}
      >
        <span className="progress-fill" style={f === null ? undefined : { width: `${f * 100}%` }} />
      </span>
      <span className="tp-detail small muted">
        {detail}
        {progress && progress.elapsedMs >= 1000 ? ` · ${formatDuration(progress.elapsedMs)}` : ''}
      </span>
    </div>
  );
}
