// How a chunk's coverage reads on its family's axis, for every view of the report (timeline,
// overview, the rendered reports): the requested window, what was delivered of it, and the
// requested-but-not-delivered part (a gap inside the chunk, e.g. a short bulk export).
import type { AxisKind } from './family';
import type { ReportChunk, ScanReport } from './report';

export interface ChunkCoverage {
  axis: AxisKind;
  from: number | null;
  to: number | null;
  requestedFrom: number | null;
  requestedTo: number | null;
}

export interface Span {
  from: number;
  to: number;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function coverageOf(c: ReportChunk): ChunkCoverage | null {
  return (c as ReportChunk & { coverage?: ChunkCoverage }).coverage ?? null;
}

/** The report's continuity axis: audit keys unless the family (or its chunks) say otherwise. */
export function reportAxis(r: ScanReport): AxisKind {
  const own = (r as ScanReport & { axis?: AxisKind }).axis;
  if (own) return own;
  for (const c of r.chunks) {
    const cov = coverageOf(c);
    if (cov) return cov.axis;
  }
  return 'audit-key';
}

/** Time axes hold UTC seconds. */
export const isTimeAxis = (a: AxisKind): boolean => a !== 'audit-key';

/** The chunk's extent on a time axis: the requested window where there is one, else what it covers. */
export function timeExtent(c: ReportChunk): Span | null {
  const cov = coverageOf(c);
  if (!cov || !isTimeAxis(cov.axis)) return null;
  const from = finite(cov.requestedFrom) ? cov.requestedFrom : cov.from;
  const to = finite(cov.requestedTo) ? cov.requestedTo : cov.to;
  if (!finite(to)) return null;
  return { from: finite(from) ? from : to, to };
}

/** Parts of the requested window that were not delivered: before the delivered start, after its end. */
export function shortfall(c: ReportChunk): Span[] {
  const cov = coverageOf(c);
  if (!cov || !finite(cov.requestedFrom) || !finite(cov.requestedTo)) return [];
  if (!finite(cov.from) || !finite(cov.to)) return [{ from: cov.requestedFrom, to: cov.requestedTo }];
  const out: Span[] = [];
  if (cov.from > cov.requestedFrom)
    out.push({ from: cov.requestedFrom, to: Math.min(cov.from, cov.requestedTo) });
  if (cov.to < cov.requestedTo) out.push({ from: Math.max(cov.to, cov.requestedFrom), to: cov.requestedTo });
  return out.filter((s) => s.to > s.from);
}

/** The whole drop on a time axis: first to last window, and the seconds inside it no chunk delivered. */
export function timeSpanOf(r: ScanReport): { from: number; to: number; undelivered: number } | null {
  const spans: Span[] = [];
  for (const c of r.chunks) {
    const e = timeExtent(c);
    if (!e) continue;
    // What the chunk delivered: its window less its shortfall.
    const cut = shortfall(c);
    let at = e.from;
    for (const s of [...cut].sort((a, b) => a.from - b.from)) {
      if (s.from > at) spans.push({ from: at, to: s.from });
      at = Math.max(at, s.to);
    }
    if (e.to > at) spans.push({ from: at, to: e.to });
  }
  const all = r.chunks.map(timeExtent).filter((x): x is Span => x !== null);
  if (!all.length) return null;
  const from = Math.min(...all.map((s) => s.from));
  const to = Math.max(...all.map((s) => s.to));
  spans.sort((a, b) => a.from - b.from);
  let covered = 0;
  let end = from;
  for (const s of spans) {
    if (s.to <= end) continue;
    covered += s.to - Math.max(s.from, end);
    end = s.to;
  }
  if (reportAxis(r) === 'run-time') {
    // Runs are instants: what was not delivered is the time of the missing runs (the gaps).
    let missing = 0;
    for (const p of r.problems) {
      const d = p.detail as { fromTs?: unknown; toTs?: unknown; inside?: unknown } | undefined;
      if (p.kind === 'gap' && d && d.inside !== true && typeof d.fromTs === 'number' && typeof d.toTs === 'number') missing += Math.max(0, d.toTs - d.fromTs);
    }
    return { from, to, undelivered: Math.min(missing, to - from) };
  }
  return { from, to, undelivered: Math.max(0, to - from - covered) };
}

const utc = (s: number): string => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * What a chunk covers, in its axis' words, for the detail pane and the timeline's tooltip:
 * a day for run dates, an instant for run times, a window otherwise.
 */
export function coverageLabel(cov: ChunkCoverage): { label: string; text: string } {
  const label =
    cov.axis === 'run-date' ? 'Run date' : cov.axis === 'run-time' ? 'Run' : cov.requestedFrom !== null ? 'Delivered' : 'Covers';
  const text =
    cov.axis === 'run-date' && finite(cov.from)
      ? new Date(cov.from * 1000).toISOString().slice(0, 10)
      : !finite(cov.to)
        ? 'nothing readable'
        : !finite(cov.from) || cov.from === cov.to
          ? `${utc(cov.to)} UTC`
          : `${utc(cov.from)} → ${utc(cov.to)} UTC`;
  return { label, text };
}

/**
 * Whether a chunk's archive state is worth showing: archive-based families (bulk request
 * ZIPs) always; file-based ones (daily dumps, extracts) have no archive, so 'missing' there
 * is no news: only a damaged or encrypted one is.
 */
export const showsArchive = (c: ReportChunk, cov: ChunkCoverage): boolean =>
  cov.axis === 'time-range' || (c.archive !== 'ok' && c.archive !== 'missing');
