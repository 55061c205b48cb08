import { indexReport } from '../state/derive';
import { useApp } from '../state/context';
import { formatUtc } from '../format';
import { StatusIcon } from './Icons';

/** "Whole" or "N problems: X errors, Y warnings", readable at a glance. */
export function Verdict({ large }: { large?: boolean }) {
  const report = useApp((s) => s.report);
  // "So far" only while chunks are being read: a re-scan that finds nothing changed
  // (bytesTotal 0) confirms a report that was already complete.
  const scanning = useApp((s) => s.scanning && (s.progress === null || (s.progress.bytesTotal > 0 && s.progress.chunksDone < s.progress.chunksTotal)));
  const rechecking = useApp((s) => s.rechecking);
  const stillScanning = useApp((s) => s.scanning);
  if (!report) return null;
  const v = indexReport(report).verdict;
  // One time format in the app: "2026-11-24 22:00:00 UTC".
  const scannedAt = `${formatUtc(Date.parse(report.scannedAt) / 1000)} UTC`;
  const kind = v.worst ?? 'ok';
  return (
    <div
      className={`verdict verdict-${kind}${large ? ' verdict-large' : ''}`}
      data-testid={large ? 'verdict-large' : 'verdict'}
      data-problems={v.problems}
    >
      <StatusIcon kind={kind} size={large ? 26 : 16} />
      <span className="verdict-text">{v.text}</span>
      {rechecking ? (
        <span
          className="verdict-partial"
          data-testid="verdict-rechecking"
          title={`As catalogued by the scan of ${scannedAt}; chunks changed or deleted since may still show`}
        >
          {stillScanning
            ? large
              ? `(as of the last scan, ${scannedAt} — re-checking against the drop)`
              : 're-checking'
            : large
              ? `(as of the last scan, ${scannedAt} — not re-checked: the scan stopped)`
              : 'not re-checked'}
        </span>
      ) : scanning ? (
        large ? (
          <span className="verdict-partial">(so far — scan running)</span>
        ) : (
          <span className="verdict-partial" title="The scan is still running">
            so far
          </span>
        )
      ) : null}
    </div>
  );
}
