import { useMemo } from 'react';
import type { ProblemKind, Severity } from '../../shared/report';
import { useApp } from '../state/context';
import { indexReport, kindLabel } from '../state/derive';
import { StatusIcon } from '../components/Icons';
import { ChunkDetail } from './ChunkDetail';
import { ProblemList } from './ProblemList';
import { TimelineCanvas } from './timeline/TimelineCanvas';

const SEVERITIES: { id: Severity; label: string }[] = [
  { id: 'error', label: 'Errors' },
  { id: 'warning', label: 'Warnings' },
  { id: 'info', label: 'Info' },
];

export function ProblemFilters() {
  const report = useApp((s) => s.report);
  const filter = useApp((s) => s.problemFilter);
  const setFilter = useApp((s) => s.setProblemFilter);
  if (!report) return null;
  const idx = indexReport(report);
  const counts: Record<Severity, number> = { error: idx.verdict.errors, warning: idx.verdict.warnings, info: idx.verdict.infos };
  const kinds = [...idx.kinds.entries()].sort((a, b) => kindLabel(a[0]).localeCompare(kindLabel(b[0])));
  return (
    <div className="filters" role="group" aria-label="Filter problems">
      <span className="filters-label">Show</span>
      {SEVERITIES.map((s) => {
        const on = filter.severities.includes(s.id);
        return (
          <button
            key={s.id}
            type="button"
            className={`chip sev-${s.id}`}
            aria-pressed={on}
            data-testid={`filter-severity-${s.id}`}
            onClick={() =>
              setFilter({ severities: on ? filter.severities.filter((x) => x !== s.id) : [...filter.severities, s.id] })
            }
          >
            <StatusIcon kind={s.id} size={13} />
            {s.label} ({counts[s.id]})
            <span className="chip-state" aria-hidden="true">
              {on ? '✓' : ''}
            </span>
          </button>
        );
      })}
      <label className="field-inline">
        <span>Kind</span>
        <select
          data-testid="filter-kind"
          value={filter.kind}
          onChange={(e) => setFilter({ kind: e.target.value as ProblemKind | 'all' })}
          className="select"
        >
          <option value="all">All kinds ({report.problems.length})</option>
          {kinds.map(([k, n]) => (
            <option key={k} value={k}>
              {kindLabel(k)} ({n})
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function useFilteredProblems(): number[] {
  const report = useApp((s) => s.report);
  const filter = useApp((s) => s.problemFilter);
  return useMemo(() => {
    if (!report) return [];
    return indexReport(report).problemsBySeverity.filter((i) => {
      const p = report.problems[i];
      return filter.severities.includes(p.severity) && (filter.kind === 'all' || p.kind === filter.kind);
    });
  }, [report, filter]);
}

export function ProblemsView() {
  const indices = useFilteredProblems();
  const total = useApp((s) => s.report?.problems.length ?? 0);
  const incomplete = useApp((s) => s.report?.incomplete);
  return (
    <div className="problems-view">
      <ProblemFilters />
      <TimelineCanvas height={150} compact />
      <div className="split">
        <section className="panel" aria-label="Problems">
          <p className="muted small" data-testid="problems-count">
            Showing {indices.length} of {total} problems
          </p>
          <ProblemList indices={indices} label="Problems" emptyText={total ? 'No problem matches the filter.' : incomplete ? 'No problems in the chunks read so far.' : 'No problems: the drop is whole.'} />
        </section>
        <ChunkDetail />
      </div>
    </div>
  );
}
