// A column's statistics over the whole view (not only the rows loaded): empty and distinct
// counts, min / max, the most frequent values, a histogram for numbers and times.
import type { ColumnStats } from '../../../shared/table-api';
import { formatInt, formatUtc } from '../../format';
import { ErrorMessage } from '../../components/ErrorBanner';
import { useTables } from './context';
import { cellText, formatTimeValue, TIME_NAME } from './cells';
import { ProgressLine } from './ProgressLine';
import { describeView } from '../../state/table-view-spec';

function pct(n: number, of: number): string {
  if (of <= 0) return '';
  const p = (n / of) * 100;
  return `${p < 0.1 && p > 0 ? '<0.1' : p.toFixed(p < 10 ? 1 : 0)} %`;
}

function fmtBound(kind: ColumnStats['kind'], v: number): string {
  if (kind === 'time') return formatUtc(v);
  if (Math.abs(v) >= 1e6 || Number.isInteger(v)) return formatInt(v);
  return v.toPrecision(4);
}

function Histogram({ stats }: { stats: ColumnStats }) {
  const bins = stats.histogram ?? [];
  if (!bins.length) return null;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const W = 260;
  const H = 90;
  const bw = W / bins.length;
  return (
    <figure className="ts-hist" data-testid="stats-histogram">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        height={H}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Histogram of ${stats.column}: ${bins.length} bins`}
      >
        {bins.map((b, i) => {
          const h = b.count > 0 ? Math.max(1.5, (b.count / max) * (H - 4)) : 0;
          return (
            <rect
              key={i}
              x={i * bw + 0.5}
              y={H - h}
              width={Math.max(1, bw - 1)}
              height={h}
              className="ts-bar"
            >
              <title>{`${b.from === b.to ? fmtBound(stats.kind, b.from) : `${fmtBound(stats.kind, b.from)} – ${fmtBound(stats.kind, b.to)}`}: ${formatInt(b.count)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="ts-hist-axis small muted">
        <span>{fmtBound(stats.kind, bins[0].from)}</span>
        <span>{fmtBound(stats.kind, bins[bins.length - 1].to)}</span>
      </figcaption>
    </figure>
  );
}

export function StatsPanel() {
  const stats = useTables((s) => s.stats);
  const progress = useTables((s) => s.progress);
  const cancel = useTables((s) => s.cancel);
  const addFilter = useTables((s) => s.addFilter);
  const loadStats = useTables((s) => s.loadStats);
  const showDates = useTables((s) => s.showDates);
  if (!stats) return <p className="muted small">Choose “Statistics” in a column’s menu (⋮).</p>;
  // *_TS and *_DATE_TIME_KEY numbers are UTC seconds, whatever kind the engine told.
  const d =
    stats.data && stats.data.kind === 'number' && TIME_NAME.test(stats.data.column)
      ? { ...stats.data, kind: 'time' as const }
      : stats.data;
  const show = (v: string | null): string => {
    if (v === null) return '—';
    if (d?.kind === 'time' && showDates) return formatTimeValue(v) ?? v;
    return v;
  };
  const dateOf = (v: string | null): string | null =>
    d?.kind === 'time' && !showDates && v !== null ? formatTimeValue(v) : null;
  return (
    <section
      className="ts"
      aria-label={`Statistics of ${stats.column}`}
      data-testid="stats-panel"
      data-column={stats.column}
    >
      <h3 className="mono ts-title">{stats.column}</h3>
      <p className="small muted">
        {describeView(stats.view, true) === 'natural order' ? 'Whole table' : describeView(stats.view, true)}
      </p>
      {stats.loading ? (
        <div className="ts-loading" data-testid="stats-loading">
          <ProgressLine
            progress={progress && progress.phase !== 'done' ? progress : null}
            label="Computing statistics"
          />
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void cancel()}
            data-testid="stats-cancel"
          >
            Cancel
          </button>
        </div>
      ) : null}
      {stats.error ? (
        <>
          <ErrorMessage error={stats.error} />
          <button type="button" className="btn btn-small" onClick={() => void loadStats(stats.column)}>
            Try again
          </button>
        </>
      ) : null}
      {d ? (
        <>
          <dl className="kv ts-kv">
            <dt>Kind</dt>
            <dd>{d.kind === 'time' ? 'time (UTC seconds)' : d.kind}</dd>
            <dt>Rows</dt>
            <dd className="num" data-testid="stats-rows">
              {formatInt(d.rows)}
            </dd>
            <dt>Empty</dt>
            <dd className="num" data-testid="stats-empty">
              {formatInt(d.empty)} <span className="muted small">{pct(d.empty, d.rows)}</span>
            </dd>
            <dt>Distinct</dt>
            <dd className="num" data-testid="stats-distinct">
              {formatInt(d.distinct)}
            </dd>
            <dt>Min</dt>
            <dd className="mono ts-val" data-testid="stats-min" title={d.min ?? undefined}>
              {d.min === null ? '—' : cellText(show(d.min), 120)}
              {dateOf(d.min) ? <span className="muted small"> {dateOf(d.min)} UTC</span> : null}
            </dd>
            <dt>Max</dt>
            <dd className="mono ts-val" data-testid="stats-max" title={d.max ?? undefined}>
              {d.max === null ? '—' : cellText(show(d.max), 120)}
              {dateOf(d.max) ? <span className="muted small"> {dateOf(d.max)} UTC</span> : null}
            </dd>
          </dl>
          {d.histogram ? <Histogram stats={d} /> : null}
          <h4 className="ts-sub">Most frequent</h4>
          <ol className="ts-top" data-testid="stats-top">
            {d.top.map((t, i) => {
              const max = d.top[0]?.count || 1;
              return (
                <li key={i}>
                  <button
                    type="button"
                    className="ts-top-row"
                    title={`Show only rows where ${stats.column} is ${t.value === '' ? 'empty' : JSON.stringify(t.value)}`}
                    onClick={() =>
                      void addFilter(
                        t.value === ''
                          ? { column: stats.column, op: 'empty' }
                          : { column: stats.column, op: 'equals', value: t.value, caseSensitive: true },
                      )
                    }
                  >
                    <span
                      className="ts-top-bar"
                      style={{ width: `${Math.max(2, (t.count / max) * 100)}%` }}
                      aria-hidden="true"
                    />
                    <span className="ts-top-val mono">
                      {t.value === '' ? <em className="muted">(empty)</em> : cellText(show(t.value), 80)}
                    </span>
                    <span className="ts-top-n num">{formatInt(t.count)}</span>
                  </button>
                </li>
              );
            })}
          </ol>
        </>
      ) : null}
    </section>
  );
}
