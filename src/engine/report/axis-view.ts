// Where a chunk lies on the family's axis and how its extent is said: audit keys, a time
// window, a day or a run. The HTML timeline draws with AxisView; every format writes
// extents with extentText. Apart from the timeline rows, which only carry the numbers.
import type { ReportChunk, ScanReport } from '../../shared/report';
import { formatDuration, formatSpan, formatTs, UNKNOWN } from './format-time';
import { coverageOf, isTimeAxis, reportAxis, shortfall, timeExtent, timeSpanOf } from '../../shared/coverage-view';
import type { GapRow } from './timeline';

/** How the rendered reports place chunks on the family's axis: audit keys, or UTC seconds. */
export interface AxisView {
  time: boolean;
  /** Column heading of a chunk's extent. */
  heading: string;
  /** Where a chunk lies (time axes: its requested window), null when unknown. */
  span(c: ReportChunk): { from: number; to: number } | null;
  /** Requested but not delivered (a short export), drawn hatched. */
  shortfall(c: ReportChunk): Array<{ from: number; to: number }>;
  /** A chunk's extent as text. */
  text(c: ReportChunk): string;
  /** A gap row's extent on the axis. */
  gapSpan(g: GapRow): { from: number | null; to: number | null };
  point(v: number): string;
  /**
   * Chunks are points in time (a day's dump, a scheduled run): the extent is the chunk's
   * day or run time, and the created / max-data columns would only repeat it.
   */
  instants: boolean;
}

export function axisViewOf(r: ScanReport): AxisView {
  if (!isTimeAxis(reportAxis(r))) {
    return {
      time: false,
      heading: 'Audit keys (from → to)',
      span: (c) => (c.hwmTo === null ? null : { from: Math.min(c.hwmFrom ?? c.hwmTo, c.hwmTo), to: Math.max(c.hwmFrom ?? c.hwmTo, c.hwmTo) }),
      shortfall: () => [],
      text: extentText,
      gapSpan: (g) => ({ from: g.fromKey, to: g.toKey }),
      point: (v) => String(v),
      instants: false,
    };
  }
  const axis = reportAxis(r);
  const instants = axis === 'run-date' || axis === 'run-time';
  return {
    time: true,
    instants,
    heading: axis === 'run-date' ? 'Day (UTC)' : axis === 'run-time' ? 'Run (UTC)' : 'Window (UTC)',
    span: timeExtent,
    shortfall,
    text: extentText,
    gapSpan: (g) => ({ from: g.fromTs, to: g.toTs }),
    point: (v) => formatTs(v).replace(/ UTC$/, ''),
  };
}

/** "2026-11-01 12:00:00 UTC → 2026-11-01 18:00:00 UTC (6 h); delivered to 2026-11-01 17:00:00 UTC". */
export function windowText(c: ReportChunk): string {
  const cov = coverageOf(c);
  if (!cov) return UNKNOWN;
  const requested = cov.requestedFrom !== null || cov.requestedTo !== null;
  const main = requested ? formatSpan(cov.requestedFrom, cov.requestedTo) : formatSpan(cov.from, cov.to);
  if (!requested) return main;
  if (cov.to === null) return `${main}; nothing delivered`;
  if (cov.from === cov.requestedFrom && cov.to === cov.requestedTo) return main;
  return `${main}; delivered ${formatSpan(cov.from, cov.to)}`;
}

/** The drop's extent for the report header: audit keys, or its first to last window. */
export function extentFact(r: ScanReport): [string, string] {
  if (!isTimeAxis(reportAxis(r))) return ['Audit keys', keysText(r.summary.hwmFrom, r.summary.hwmTo)];
  const span = timeSpanOf(r);
  const axis = reportAxis(r);
  const label = axis === 'run-time' ? 'Runs' : axis === 'run-date' ? 'Days' : 'Windows';
  if (!span) return [label, UNKNOWN];
  return [label, `${formatSpan(span.from, span.to)}${span.undelivered > 0 ? `; ${formatDuration(span.undelivered)} of it not delivered` : ''}`];
}

/**
 * A chunk's extent in words: "200074 → 200911" along the audit-key axis today. Renderers
 * call this (not keysText on hwm fields) so that a chunk with a coverage extent on another
 * axis (a time range, a run date) is spoken in that axis's terms.
 */
export function extentText(c: ReportChunk): string {
  const own = coverageOf(c);
  if (own && isTimeAxis(own.axis) && (own.requestedFrom !== null || own.requestedTo !== null)) return windowText(c);
  const cov = (c as ReportChunk & { coverage?: { axis?: string; from?: unknown; to?: unknown } | null }).coverage;
  if (cov && cov.axis && cov.axis !== 'audit-key') {
    const end = (v: unknown): string =>
      typeof v === 'number' ? (cov.axis === 'run-date' ? formatTs(v).slice(0, 10) : formatTs(v)) : typeof v === 'string' && v ? v : UNKNOWN;
    // A day's dump covers [day, next day): it is named by its day; a run by its one time.
    if (cov.axis === 'run-date' && typeof cov.from === 'number' && typeof cov.to === 'number' && cov.to - cov.from <= 86_400) return end(cov.from);
    if (cov.axis === 'run-time' && cov.from === cov.to) return end(cov.from);
    // A window read from its name alone (its stats unread) is spoken as one with stats is: with its length.
    if (cov.axis === 'time-range' && typeof cov.from === 'number' && typeof cov.to === 'number') return formatSpan(cov.from, cov.to);
    return `${end(cov.from)} → ${end(cov.to)}`;
  }
  return keysText(c.hwmFrom, c.hwmTo);
}

/** "13 → 200074"; "—" when both ends are unknown. */
export function keysText(from: number | null, to: number | null): string {
  if (from === null && to === null) return UNKNOWN;
  return `${from ?? UNKNOWN} → ${to ?? UNKNOWN}`;
}
