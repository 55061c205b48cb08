import { useApp } from '../state/context';
import { formatBytes, formatDuration, formatInt } from '../format';

const PHASE: Record<string, string> = {
  discovering: 'Finding chunks',
  scanning: 'Scanning',
  checking: 'Checking continuity',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** Scan progress with Cancel; shown while a scan runs. */
export function ScanProgressBar() {
  const scanning = useApp((s) => s.scanning);
  const progress = useApp((s) => s.progress);
  const jobId = useApp((s) => s.jobId);
  const cancel = useApp((s) => s.cancelScan);
  if (!scanning) return null;
  const p = progress;
  const byBytes = p && p.bytesTotal > 0;
  const fraction = p
    ? byBytes
      ? p.bytesDone / p.bytesTotal
      : p.chunksTotal > 0
        ? p.chunksDone / p.chunksTotal
        : 0
    : 0;
  const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
  const known = !!p && (p.chunksTotal > 0 || p.bytesTotal > 0);
  return (
    <div className="progress" data-testid="scan-progress" role="status" aria-live="polite">
      <div className="progress-text">
        <strong>{p ? (PHASE[p.phase] ?? p.phase) : 'Starting scan'}…</strong>
        {p ? (
          <>
            <span data-testid="scan-progress-chunks">
              {formatInt(p.chunksDone)} / {formatInt(p.chunksTotal)} chunks
            </span>
            {p.bytesTotal > 0 ? (
              <span>
                {formatBytes(p.bytesDone)} / {formatBytes(p.bytesTotal)}
              </span>
            ) : null}
            {p.chunksReused > 0 ? <span>{formatInt(p.chunksReused)} unchanged</span> : null}
            <span data-testid="scan-progress-eta">
              {p.etaMs === null ? 'estimating time left' : `${formatDuration(p.etaMs)} left`}
            </span>
          </>
        ) : null}
      </div>
      <div
        className={`progress-track${known ? '' : ' indeterminate'}`}
        role="progressbar"
        aria-label="Scan progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={known ? pct : undefined}
        aria-valuetext={known ? `${pct} %` : 'starting'}
      >
        <div className="progress-fill" style={{ width: known ? `${pct}%` : undefined }} />
      </div>
      <button
        type="button"
        className="btn"
        data-testid="scan-cancel"
        onClick={() => void cancel()}
        disabled={!jobId}
      >
        Cancel
      </button>
    </div>
  );
}
