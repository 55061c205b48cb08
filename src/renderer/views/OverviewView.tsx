import { useApp } from '../state/context';
import { indexReport, kindLabel } from '../state/derive';
import { formatBytes, formatInt, formatKeyRange, formatUtc } from '../format';
import { reportAxis, timeSpanOf } from '../../shared/coverage-view';
import type { ScanReport } from '../../shared/report';
import { Verdict } from '../components/Verdict';
import { SeverityLabel } from '../components/Icons';
import { TimelineCanvas } from './timeline/TimelineCanvas';
import { ProblemList } from './ProblemList';
import { ChunkDetail } from './ChunkDetail';

/** Audit keys for Info Mart; on a time axis the span the chunks cover, and how much of it no chunk delivered. */
function coverageFact(report: ScanReport): [string, string, string] {
  if (reportAxis(report) === 'audit-key') return ['Audit keys', formatKeyRange(report.summary.hwmFrom, report.summary.hwmTo), 'keys'];
  const span = timeSpanOf(report);
  if (!span) return ['Covers', '—', 'keys'];
  const missing = span.undelivered > 0 ? ` · ${(span.undelivered / 3600).toFixed(1)} h not delivered` : '';
  return ['Covers', `${formatUtc(span.from)} → ${formatUtc(span.to)} UTC${missing}`, 'keys'];
}

/** Key facts of the drop. */
export function OverviewStats() {
  const report = useApp((s) => s.report);
  if (!report) return null;
  const s = report.summary;
  const idx = indexReport(report);
  const tables = s.tables ?? idx.tableNames.length;
  const facts: [string, string, string][] = [
    ['Family', report.format, 'family'],
    ['Chunks', formatInt(s.chunks ?? report.chunks.length), 'chunks'],
    coverageFact(report),
    ['Created', s.firstCreatedTs !== null ? `${formatUtc(s.firstCreatedTs)} → ${formatUtc(s.lastCreatedTs)} UTC` : '—', 'time'],
    ['Tables', formatInt(tables), 'tables'],
    ['Rows', formatInt(s.rows), 'rows'],
    ['Size', formatBytes(s.bytes), 'bytes'],
  ];
  return (
    <dl className="stats" data-testid="overview-stats">
      {facts.map(([k, v, id]) => (
        <div key={id} className={`stat stat-${id}`} data-testid={`stat-${id}`}>
          <dt>{k}</dt>
          <dd className={id === 'keys' || id === 'time' ? 'mono' : undefined} title={v}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function KindSummary() {
  const report = useApp((s) => s.report);
  const setFilter = useApp((s) => s.setProblemFilter);
  const setView = useApp((s) => s.setView);
  if (!report || report.problems.length === 0) return null;
  const idx = indexReport(report);
  // Severity of a kind = its worst problem.
  const worst = new Map<string, 'error' | 'warning' | 'info'>();
  for (const p of report.problems) {
    const w = worst.get(p.kind);
    if (!w || (p.severity === 'error' && w !== 'error') || (p.severity === 'warning' && w === 'info')) worst.set(p.kind, p.severity);
  }
  const kinds = [...idx.kinds.entries()].sort((a, b) => {
    const r = { error: 0, warning: 1, info: 2 };
    return r[worst.get(a[0])!] - r[worst.get(b[0])!] || b[1] - a[1];
  });
  return (
    <ul className="kind-summary" aria-label="Problems by kind" data-testid="kind-summary">
      {kinds.map(([k, n]) => (
        <li key={k}>
          <button
            type="button"
            className="chip"
            onClick={() => {
              setFilter({ kind: k, severities: ['error', 'warning', 'info'] });
              setView('problems');
            }}
            title="Show only these in Problems"
          >
            <SeverityLabel severity={worst.get(k)!} compact /> {kindLabel(k)} × {n}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** When the drop was last scanned: the report's scan, or the later one that confirmed it unchanged. */
function ScannedAt() {
  const at = useApp((s) => s.confirmedAt ?? s.report?.scannedAt ?? null);
  return (
    <span className="muted small" data-testid="scanned-at">
      {at ? `Scanned ${at.replace('T', ' ').slice(0, 19)} UTC` : null}
    </span>
  );
}

/** The first screen: verdict, facts, timeline, and the problems with their chunks — no click needed. */
export function OverviewView() {
  const report = useApp((s) => s.report);
  const rescan = useApp((s) => s.rescan);
  const scanning = useApp((s) => s.scanning);
  if (!report) return null;
  const idx = indexReport(report);
  return (
    <div className="overview">
      <div className="overview-head">
        <Verdict large />
        <KindSummary />
        <ScannedAt />
      </div>
      {report.incomplete ? (
        <p className="muted small" data-testid="report-incomplete">
          So far: {report.incomplete}.
        </p>
      ) : null}
      <OverviewStats />
      <TimelineCanvas height={170} compact />
      <div className="split">
        <section className="panel" aria-label="Problems, most severe first">
          <div className="panel-head">
            <h2>Problems</h2>
            <button
              type="button"
              className="btn btn-small btn-quiet"
              data-testid="rescan-verify"
              disabled={scanning}
              title="Reads every chunk's files again (checksums, archives, counts), even those unchanged since the last scan"
              onClick={() => void rescan({ verify: true })}
            >
              Re-read every chunk
            </button>
          </div>
          <ProblemList indices={idx.problemsBySeverity} label="Problems, most severe first" emptyText={report.incomplete ? 'No problems in the chunks read so far.' : 'No problems: every chunk is present, intact and on time.'} />
        </section>
        <ChunkDetail />
      </div>
    </div>
  );
}
