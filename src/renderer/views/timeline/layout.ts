// Pure timeline placement: where each chunk and break goes on the axis, and in which lane.
// No DOM here, so it is tested directly and stays fast for 10,000 chunks.
//
// Coordinates: "domain" values are audit keys (or UTC seconds on the time axis). They map
// piecewise-linearly onto "virtual units" (u). The axis is cut at every chunk boundary;
// each piece keeps its true length within 0.2..4 typical chunk lengths, and each break (a
// gap in the keys, a silence in time) is at least one typical chunk wide and at most
// max(3 chunks, 5 % of the axis). So a gap of 10 keys shows, and neither a 200,000-key
// initial load nor a gap of 10^9 keys flattens everything else: such pieces are drawn
// shortened and marked as broken. A viewport shows u0..u1 across `width` CSS pixels.
//
// The shapes it returns are in layout-types.ts, the mapping in coords.ts, zoom and pan in
// viewport.ts, hit-testing in hit-test.ts, the marks on a chunk in marks.ts.
import type { Problem, ReportChunk, ScanReport } from '../../../shared/report';
import { reportAxis, shortfall, timeExtent } from '../../../shared/coverage-view';
import type { Axis, Segment, TimelineBreak, TimelineItem, TimelineLayout } from './layout-types';
import { marksFor } from './marks';
import { domainToU, segmentAt } from './coords';

export const MAX_LANES = 4;
const PIECE_MIN = 0.2;
const PIECE_MAX = 4;
const BREAK_MIN = 1;
const BREAK_MAX = 3;

interface Raw {
  index: number;
  chunk: ReportChunk;
  from: number | null;
  to: number | null;
  sortKey: number;
}

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Where a chunk lies on the axis, before filling unknown starts. */
function rawExtent(c: ReportChunk, axis: Axis): { from: number | null; to: number | null } {
  if (axis === 'key') {
    return { from: finite(c.hwmFrom) ? c.hwmFrom : null, to: finite(c.hwmTo) ? c.hwmTo : finite(c.hwmFrom) ? c.hwmFrom : null };
  }
  // Families on a time axis know their window (requested, else covered): no guessing from hwm or created times.
  const own = timeExtent(c);
  if (own) return own;
  const to = finite(c.hwmToTs) ? c.hwmToTs : finite(c.createdTs) ? c.createdTs : null;
  const from = finite(c.hwmFromTs) ? c.hwmFromTs : null;
  return { from, to };
}

export function computeLayout(report: ScanReport, axis: Axis, problemsByChunk?: Map<string, number[]>): TimelineLayout {
  const byChunk = problemsByChunk ?? groupProblems(report.problems);
  const archiveFamily = !report.axis || report.axis === 'audit-key';
  const raws: Raw[] = [];
  const unplacedRaw: { index: number; chunk: ReportChunk }[] = [];
  report.chunks.forEach((chunk, index) => {
    const { from, to } = rawExtent(chunk, axis);
    if (to === null) unplacedRaw.push({ index, chunk });
    else raws.push({ index, chunk, from, to, sortKey: to });
  });
  // Fill unknown starts from the previous chunk's end, in order of the ends.
  raws.sort((a, b) => a.sortKey - b.sortKey || a.index - b.index);
  const inferred = new Set<number>();
  let prevTo: number | null = null;
  for (const r of raws) {
    if (r.from === null) {
      r.from = prevTo !== null && prevTo <= r.to! ? prevTo : r.to;
      inferred.add(r.index);
    }
    if (r.from! > r.to!) {
      const t: number = r.from!;
      r.from = r.to;
      r.to = t;
    }
    prevTo = r.to;
  }
  raws.sort((a, b) => a.from! - b.from! || a.to! - b.to! || a.index - b.index);
  // Runs on a schedule are instants (from = to): nothing would count as covered, and the whole
  // axis would read as one silence. Each run is drawn holding the axis until the next is due
  // (the judged cadence, else the median step between run times), so a missing run is a break.
  if (raws.length > 1 && raws.every((r) => r.from === r.to)) {
    const times = [...new Set(raws.map((r) => r.from!))].sort((a, b) => a - b);
    const steps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
    const cadence = report.options?.cadenceSeconds;
    const step = finite(cadence) && cadence > 0 ? cadence : steps.length ? steps[Math.floor(steps.length / 2)] : 0;
    if (step > 0) for (const r of raws) r.to = r.from! + step;
  }

  // Every chunk boundary splits the axis into pieces: covered by some chunk, or a break.
  const bounds = [...new Set(raws.flatMap((r) => [r.from!, r.to!]))].sort((a, b) => a - b);
  const bIndex = new Map(bounds.map((b, i) => [b, i]));
  const depth = new Int32Array(bounds.length + 1);
  for (const r of raws) {
    if (r.to! > r.from!) {
      depth[bIndex.get(r.from!)!]++;
      depth[bIndex.get(r.to!)!]--;
    }
  }
  const pieces: { d0: number; d1: number; covered: boolean }[] = [];
  let active = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    active += depth[i];
    const covered = active > 0;
    const last = pieces[pieces.length - 1];
    if (last && !covered && !last.covered) last.d1 = bounds[i + 1];
    else pieces.push({ d0: bounds[i], d1: bounds[i + 1], covered });
  }
  // A typical chunk's length is the unit: pieces are kept between PIECE_MIN and PIECE_MAX
  // units wide (an initial load of 200,000 keys does not flatten 8-hourly chunks of 800),
  // breaks between BREAK_MIN units and max(BREAK_MAX units, 5 % of the whole).
  const lengths = raws.map((r) => r.to! - r.from!).filter((l) => l > 0).sort((a, b) => a - b);
  const unit = lengths.length ? lengths[Math.floor(lengths.length / 2)] : 1;
  const pieceWidth = (len: number) => Math.min(Math.max(len, unit * PIECE_MIN), unit * PIECE_MAX);
  let coveredU = 0;
  for (const pc of pieces) if (pc.covered) coveredU += pieceWidth(pc.d1 - pc.d0);
  const breakMin = unit * BREAK_MIN;
  const breakMax = Math.max(unit * BREAK_MAX, coveredU * 0.05);
  const segments: Segment[] = [];
  let u = 0;
  for (const pc of pieces) {
    const len = pc.d1 - pc.d0;
    const w = pc.covered ? pieceWidth(len) : Math.min(Math.max(len, breakMin), breakMax);
    segments.push({ d0: pc.d0, d1: pc.d1, u0: u, u1: u + w, isBreak: !pc.covered, compressed: w < len - 1e-9 });
    u += w;
  }
  if (segments.length === 0 && bounds.length === 1) {
    // A single point (one chunk with from == to, or several at one key).
    segments.push({ d0: bounds[0], d1: bounds[0], u0: 0, u1: 1, isBreak: false, compressed: false });
    u = 1;
  }

  const partial: TimelineLayout = {
    axis,
    items: [],
    unplaced: [],
    breaks: [],
    segments,
    uMin: 0,
    uMax: Math.max(u, 1),
    lanes: 1,
    prefixMaxU1: new Float64Array(0),
    minItemU: 1,
  };

  // Lanes: overlapping chunks (duplicates, overlaps) stack instead of hiding each other.
  const laneEnds: number[] = [];
  const items: TimelineItem[] = [];
  let minItemU = Infinity;
  for (const r of raws) {
    let lane = laneEnds.findIndex((end) => end <= r.from!);
    if (lane < 0) {
      if (laneEnds.length < MAX_LANES) lane = laneEnds.length;
      else {
        lane = 0;
        for (let l = 1; l < laneEnds.length; l++) if (laneEnds[l] < laneEnds[lane]) lane = l;
      }
    }
    laneEnds[lane] = Math.max(laneEnds[lane] ?? -Infinity, r.to!);
    const u0 = domainToU(partial, r.from!);
    let u1 = domainToU(partial, r.to!);
    if (u1 <= u0) {
      // A point: give it the width of its stretch when it is alone there.
      const seg = segmentAt(partial, r.from!);
      u1 = seg && seg.d1 === seg.d0 ? seg.u1 : u0;
    }
    if (u1 > u0) minItemU = Math.min(minItemU, u1 - u0);
    const { marks, severity } = marksFor(r.chunk, report.problems, byChunk.get(r.chunk.name), archiveFamily);
    items.push({
      index: r.index,
      name: r.chunk.name,
      from: r.from!,
      to: r.to!,
      u0,
      u1,
      lane,
      inferredStart: inferred.has(r.index),
      severity,
      marks,
      shortfall: axis === 'time' ? shortfall(r.chunk) : [],
    });
  }
  items.sort((a, b) => a.u0 - b.u0 || a.u1 - b.u1 || a.index - b.index);
  const prefixMaxU1 = new Float64Array(items.length);
  let m = -Infinity;
  for (let i = 0; i < items.length; i++) {
    m = Math.max(m, items[i].u1);
    prefixMaxU1[i] = m;
  }

  const unplaced: TimelineItem[] = unplacedRaw.map(({ index, chunk }) => {
    const { marks, severity } = marksFor(chunk, report.problems, byChunk.get(chunk.name), archiveFamily);
    return { index, name: chunk.name, from: NaN, to: NaN, u0: NaN, u1: NaN, lane: -1, inferredStart: false, severity, marks, shortfall: [] };
  });

  // Breaks, linked to the problem they stand for.
  const breaks: TimelineBreak[] = [];
  const firstFrom = new Map<number, TimelineItem>();
  for (const it of items) if (!firstFrom.has(it.from)) firstFrom.set(it.from, it);
  // Requests follow each other on a time-range axis (bulk windows), so any empty stretch there is
  // undelivered time: a gap, as on Info Mart's keys. Not while a scan is still recording
  // chunks (report.incomplete): the stretch may be chunks not read yet.
  const gapAxis = (axis === 'key' || reportAxis(report) === 'time-range') && !report.incomplete;
  for (const s of segments) {
    if (!s.isBreak) continue;
    const after = firstFrom.get(s.d1) ?? null;
    // Elsewhere a break is a gap where the checks call one between chunks (missing run dates;
    // not a short export's gap inside its own chunk), else a silence.
    let problem: number | null = null;
    let isGap = gapAxis;
    if (after) {
      const mine = byChunk.get(after.name) ?? [];
      const gap = mine.find((i) => report.problems[i].kind === 'gap' && report.problems[i].detail?.inside !== true);
      const late = mine.find((i) => report.problems[i].kind === 'late');
      if (gap !== undefined) {
        problem = gap;
        isGap = true;
      } else if (axis !== 'key' && late !== undefined) problem = late;
    }
    breaks.push({
      kind: isGap ? 'gap' : 'silence',
      from: s.d0,
      to: s.d1,
      u0: s.u0,
      u1: s.u1,
      compressed: s.compressed,
      problem,
      chunk: after?.name ?? null,
    });
  }

  let lanes = 1;
  for (const it of items) lanes = Math.max(lanes, it.lane + 1);
  return {
    ...partial,
    items,
    unplaced,
    breaks,
    lanes,
    prefixMaxU1,
    minItemU: Number.isFinite(minItemU) ? minItemU : partial.uMax / 1000,
  };
}

function groupProblems(problems: Problem[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  problems.forEach((p, i) => {
    if (!p.chunk) return;
    const l = map.get(p.chunk);
    if (l) l.push(i);
    else map.set(p.chunk, [i]);
  });
  return map;
}
