// Pure timeline geometry: where each chunk, gap and marker goes, zoom/pan arithmetic and
// hit-testing. No DOM here, so it is tested directly and stays fast for 10,000 chunks.
//
// Coordinates: "domain" values are audit keys (or UTC seconds on the time axis). They map
// piecewise-linearly onto "virtual units" (u). The axis is cut at every chunk boundary;
// each piece keeps its true length within 0.2..4 typical chunk lengths, and each break (a
// gap in the keys, a silence in time) is at least one typical chunk wide and at most
// max(3 chunks, 5 % of the axis). So a gap of 10 keys shows, and neither a 200,000-key
// initial load nor a gap of 10^9 keys flattens everything else: such pieces are drawn
// shortened and marked as broken. A viewport shows u0..u1 across `width` CSS pixels.
import type { Problem, ReportChunk, ScanReport, Severity } from '../../../shared/report';
import { reportAxis, shortfall, timeExtent, type Span } from '../../../shared/coverage-view';
import type { AxisKind } from '../../../shared/family';

export type Axis = 'key' | 'time';

/** Symbols drawn on a chunk, so colour is never the only signal. */
export type MarkKind =
  | 'gap'
  | 'partial'
  | 'checksum'
  | 'checksum-missing'
  | 'metadata'
  | 'archive'
  | 'encrypted'
  | 'duplicate'
  | 'overlap'
  | 'schema'
  | 'late'
  | 'order'
  | 'rows'
  | 'table'
  | 'other';

export const MARK_GLYPH: Record<MarkKind, string> = {
  gap: 'G',
  partial: 'P',
  checksum: '✕',
  'checksum-missing': '?',
  metadata: 'M',
  archive: '!',
  encrypted: 'E',
  duplicate: 'D',
  overlap: 'O',
  schema: 'S',
  late: 'L',
  order: 'N',
  rows: '#',
  table: 'T',
  other: '•',
};

export const MARK_LABEL: Record<MarkKind, string> = {
  gap: 'chunks are missing just before it (a gap)',
  partial: 'partly delivered (requested, not exported)',
  checksum: 'checksum failed',
  'checksum-missing': 'no checksum file',
  metadata: 'metadata file missing or broken',
  archive: 'archive or table cannot be read, or the export was terminated',
  encrypted: 'encrypted',
  duplicate: 'duplicate of another chunk',
  overlap: 'overlaps the chunk before',
  schema: 'a table changed its columns',
  late: 'arrived late, or is the newest and the next is overdue (stale)',
  order: 'out of name order: sorting by name puts it elsewhere than its place on the axis does',
  rows: 'malformed rows or row counts off',
  table: 'a table missing or collapsed',
  other: 'other problem',
};

/** Where a chunk's place comes from, per axis: the "order" letter names it in the drop's words. */
const ORDER_BASIS: Record<AxisKind, string> = {
  'audit-key': 'its audit keys do',
  'time-range': 'its time window does',
  'run-date': 'its run date does',
  'run-time': 'its run time does',
};

/** The letters' meanings for a drop on `axis` (only "order" depends on it). */
export function markLabels(axis: AxisKind): Record<MarkKind, string> {
  return { ...MARK_LABEL, order: `out of name order: sorting by name puts it elsewhere than ${ORDER_BASIS[axis]}` };
}

export interface Mark {
  kind: MarkKind;
  severity: Severity;
}

export interface TimelineItem {
  /** Index into report.chunks. */
  index: number;
  name: string;
  /** Domain extent. */
  from: number;
  to: number;
  u0: number;
  u1: number;
  lane: number;
  /** The start was not known and was taken from the chunk before. */
  inferredStart: boolean;
  severity: Severity | null;
  marks: Mark[];
  /** Requested but not delivered (time axes: a short export), drawn hatched inside the item. */
  shortfall: Span[];
}

export interface TimelineBreak {
  kind: 'gap' | 'silence';
  from: number;
  to: number;
  u0: number;
  u1: number;
  /** The break is drawn narrower than its true size. */
  compressed: boolean;
  /** Index of the problem it stands for (a gap, or a late chunk), if any. */
  problem: number | null;
  /** The chunk after the break. */
  chunk: string | null;
}

export interface Segment {
  d0: number;
  d1: number;
  u0: number;
  u1: number;
  isBreak: boolean;
  /** Drawn narrower than its true length (the axis is broken there). */
  compressed: boolean;
}

export interface TimelineLayout {
  axis: Axis;
  /** Placed chunks sorted by u0 (then u1). */
  items: TimelineItem[];
  /** Chunks with no position on this axis. */
  unplaced: TimelineItem[];
  breaks: TimelineBreak[];
  segments: Segment[];
  uMin: number;
  uMax: number;
  lanes: number;
  /** prefixMaxU1[i] = max(items[0..i].u1), for culling. */
  prefixMaxU1: Float64Array;
  /** Smallest non-zero item width in u (limits zoom-in). */
  minItemU: number;
}

export interface Viewport {
  u0: number;
  u1: number;
  /** CSS pixels. */
  width: number;
}

export const MAX_LANES = 4;
const PIECE_MIN = 0.2;
const PIECE_MAX = 4;
const BREAK_MIN = 1;
const BREAK_MAX = 3;

function markOf(p: Problem): MarkKind | null {
  switch (p.kind) {
    case 'checksum-mismatch':
      return 'checksum';
    case 'checksum-missing':
      return 'checksum-missing';
    case 'metadata-missing':
    case 'metadata-invalid':
      return 'metadata';
    case 'archive-missing':
    case 'archive-corrupt':
    case 'table-unreadable':
      return 'archive';
    case 'encrypted':
      return 'encrypted';
    case 'duplicate':
      return 'duplicate';
    case 'overlap':
      return 'overlap';
    case 'schema-change':
      return 'schema';
    case 'late':
    case 'stale':
    case 'future-dated':
      return 'late';
    case 'out-of-order':
    case 'name-mismatch':
      return 'order';
    case 'malformed-row':
    case 'row-count-mismatch':
    case 'records-dropped':
      return 'rows';
    case 'export-terminated':
      return 'archive';
    case 'section-change':
      return 'schema';
    case 'gap':
      // A gap inside the chunk (a short export) is drawn hatched in the chunk, not as chunks missing before it.
      if (p.detail?.inside === true) return 'partial';
      return 'gap'; // also drawn as a break on the key axis
    case 'missing-table':
    case 'volume-drop':
      return 'table';
    default:
      return 'other';
  }
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function marksFor(chunk: ReportChunk, problems: Problem[], indices: number[] | undefined, archiveFamily = true): { marks: Mark[]; severity: Severity | null } {
  const byKind = new Map<MarkKind, Severity>();
  let severity: Severity | null = null;
  const add = (kind: MarkKind, sev: Severity) => {
    const had = byKind.get(kind);
    if (!had || RANK[sev] < RANK[had]) byKind.set(kind, sev);
  };
  for (const i of indices ?? []) {
    const p = problems[i];
    if (!severity || RANK[p.severity] < RANK[severity]) severity = p.severity;
    const k = markOf(p);
    if (k) add(k, p.severity);
  }
  // States of the chunk itself, in case the problem list does not spell them out (Info Mart
  // archives: other families leave checksum and metadata at their defaults and report by problems).
  if (archiveFamily) addArchiveStates(chunk, add);
  else if (chunk.archive === 'corrupt') add('archive', 'error'); // archive-based families (bulk ZIPs)
  for (const s of byKind.values()) if (!severity || RANK[s] < RANK[severity]) severity = s;
  const order: MarkKind[] = ['gap', 'partial', 'checksum', 'archive', 'metadata', 'checksum-missing', 'duplicate', 'overlap', 'order', 'table', 'schema', 'late', 'rows', 'encrypted', 'other'];
  const marks = order.filter((k) => byKind.has(k)).map((k) => ({ kind: k, severity: byKind.get(k)! }));
  return { marks, severity };
}

function addArchiveStates(chunk: ReportChunk, add: (kind: MarkKind, sev: Severity) => void): void {
  if (chunk.checksum === 'mismatch' || chunk.checksum === 'error') add('checksum', 'error');
  if (chunk.checksum === 'missing') add('checksum-missing', 'warning');
  if (chunk.checksum === 'encrypted' || chunk.archive === 'encrypted') add('encrypted', 'info');
  if (chunk.metadata === 'missing') add('metadata', 'warning');
  if (chunk.metadata === 'invalid') add('metadata', 'error');
  if (chunk.archive === 'corrupt' || chunk.archive === 'missing') add('archive', 'error');
}

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

function segmentAt(layout: Pick<TimelineLayout, 'segments'>, d: number): Segment | undefined {
  const segs = layout.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segs[mid];
    if (d < s.d0) hi = mid - 1;
    else if (d > s.d1) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/** Domain value → virtual units. */
export function domainToU(layout: Pick<TimelineLayout, 'segments' | 'uMax'>, d: number): number {
  const segs = layout.segments;
  if (segs.length === 0) return 0;
  if (d <= segs[0].d0) return segs[0].u0 - (segs[0].d0 - d);
  const last = segs[segs.length - 1];
  if (d >= last.d1) return last.u1 + (d - last.d1);
  const s = segmentAt(layout, d);
  if (!s) return 0;
  if (s.d1 === s.d0) return s.u0;
  return s.u0 + ((d - s.d0) / (s.d1 - s.d0)) * (s.u1 - s.u0);
}

/** Virtual units → domain value. */
export function uToDomain(layout: Pick<TimelineLayout, 'segments'>, u: number): number {
  const segs = layout.segments;
  if (segs.length === 0) return u;
  if (u <= segs[0].u0) return segs[0].d0 - (segs[0].u0 - u);
  const last = segs[segs.length - 1];
  if (u >= last.u1) return last.d1 + (u - last.u1);
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid].u1 < u) lo = mid + 1;
    else hi = mid;
  }
  const s = segs[lo];
  if (s.u1 === s.u0) return s.d0;
  return s.d0 + ((u - s.u0) / (s.u1 - s.u0)) * (s.d1 - s.d0);
}

export function uToX(vp: Viewport, u: number): number {
  return ((u - vp.u0) / (vp.u1 - vp.u0)) * vp.width;
}

export function xToU(vp: Viewport, x: number): number {
  return vp.u0 + (x / vp.width) * (vp.u1 - vp.u0);
}

// ---- viewport arithmetic ---------------------------------------------------------------

function fullSpan(layout: TimelineLayout): { lo: number; hi: number } {
  const span = layout.uMax - layout.uMin || 1;
  const pad = span * 0.02;
  return { lo: layout.uMin - pad, hi: layout.uMax + pad };
}

export function fitAll(layout: TimelineLayout, width: number): Viewport {
  const { lo, hi } = fullSpan(layout);
  return { u0: lo, u1: hi, width: Math.max(1, width) };
}

/** Keeps the viewport inside sensible bounds: not wider than everything, not narrower than a chunk sliver. */
export function clampViewport(layout: TimelineLayout, vp: Viewport): Viewport {
  const { lo, hi } = fullSpan(layout);
  const maxSpan = hi - lo;
  const minSpan = Math.max(Math.min(layout.minItemU / 4, maxSpan), maxSpan / 1e7, 1e-9);
  let span = Math.min(Math.max(vp.u1 - vp.u0, minSpan), maxSpan);
  if (!Number.isFinite(span) || span <= 0) span = maxSpan;
  let u0 = vp.u0;
  if (!Number.isFinite(u0)) u0 = lo;
  if (u0 < lo) u0 = lo;
  if (u0 + span > hi) u0 = hi - span;
  return { u0, u1: u0 + span, width: vp.width };
}

/** Zoom by `factor` (>1 zooms in) keeping the point under anchorX (CSS px) still. */
export function zoomAt(layout: TimelineLayout, vp: Viewport, factor: number, anchorX = vp.width / 2): Viewport {
  const anchorU = xToU(vp, anchorX);
  const span = (vp.u1 - vp.u0) / factor;
  const frac = anchorX / vp.width;
  return clampViewport(layout, { u0: anchorU - frac * span, u1: anchorU - frac * span + span, width: vp.width });
}

/** Pan by dx CSS pixels (positive moves the content left, i.e. shows later keys). */
export function panBy(layout: TimelineLayout, vp: Viewport, dx: number): Viewport {
  const du = (dx / vp.width) * (vp.u1 - vp.u0);
  return clampViewport(layout, { u0: vp.u0 + du, u1: vp.u1 + du, width: vp.width });
}

/** Centers the item; zooms in so it is at least ~1/40 of the view, never zooms out. */
export function focusItem(layout: TimelineLayout, vp: Viewport, item: TimelineItem): Viewport {
  const w = Math.max(item.u1 - item.u0, layout.minItemU);
  const span = Math.min(vp.u1 - vp.u0, w * 40);
  const mid = (item.u0 + item.u1) / 2;
  return clampViewport(layout, { u0: mid - span / 2, u1: mid + span / 2, width: vp.width });
}

export function isVisible(vp: Viewport, item: TimelineItem): boolean {
  return item.u1 >= vp.u0 && item.u0 <= vp.u1;
}

/** Index range [start, end) of items that may intersect u0..u1. */
export function visibleRange(layout: TimelineLayout, u0: number, u1: number): [number, number] {
  const items = layout.items;
  const pm = layout.prefixMaxU1;
  // First index whose running max end reaches u0.
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pm[mid] < u0) lo = mid + 1;
    else hi = mid;
  }
  const start = lo;
  // First index whose start is past u1.
  lo = start;
  hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].u0 <= u1) lo = mid + 1;
    else hi = mid;
  }
  return [start, lo];
}

// ---- vertical geometry -------------------------------------------------------------------

export interface Geometry {
  height: number;
  markerTop: number;
  markerHeight: number;
  laneTop: number;
  laneHeight: number;
  laneGap: number;
  lanesBottom: number;
  labelY: number;
  axisY: number;
  unplacedTop: number | null;
  unplacedHeight: number;
}

/** Vertical layout for `lanes` lanes within at most `maxHeight` CSS px (less if not needed). */
export function geometry(lanes: number, hasUnplaced: boolean, maxHeight: number): Geometry {
  const markerTop = 4;
  const markerHeight = 16;
  const bottomRoom = 18 /* break labels */ + 24 /* axis */ + (hasUnplaced ? 26 : 0);
  const laneTop = markerTop + markerHeight + 4;
  const laneGap = 4;
  const avail = Math.max(lanes * 10, maxHeight - laneTop - bottomRoom);
  const laneHeight = Math.max(8, Math.min(30, (avail - laneGap * (lanes - 1)) / lanes));
  const lanesBottom = laneTop + lanes * laneHeight + (lanes - 1) * laneGap;
  const labelY = lanesBottom + 13;
  const axisY = lanesBottom + 20;
  const unplacedTop = hasUnplaced ? axisY + 24 : null;
  const height = Math.ceil(unplacedTop !== null ? unplacedTop + 20 : axisY + 20);
  return { height, markerTop, markerHeight, laneTop, laneHeight, laneGap, lanesBottom, labelY, axisY, unplacedTop, unplacedHeight: 18 };
}

export function laneY(g: Geometry, lane: number): number {
  return g.laneTop + lane * (g.laneHeight + g.laneGap);
}

/** Unplaced chunks sit in a strip of equal slots after a label. */
export const UNPLACED_LABEL_WIDTH = 110;
export function unplacedSlot(width: number, count: number, i: number): { x: number; w: number } {
  const avail = Math.max(10, width - UNPLACED_LABEL_WIDTH - 4);
  const w = Math.min(40, avail / Math.max(1, count));
  return { x: UNPLACED_LABEL_WIDTH + i * w, w: Math.max(1, w - 1) };
}

/** Pixel width at which an item is drawn (never invisible). */
export const MIN_ITEM_PX = 2;

export type Hit =
  | { type: 'chunk'; item: TimelineItem }
  | { type: 'break'; brk: TimelineBreak }
  | null;

/** What is under (x, y), in CSS pixels of the canvas. */
export function hitTest(layout: TimelineLayout, vp: Viewport, g: Geometry, x: number, y: number): Hit {
  if (g.unplacedTop !== null && y >= g.unplacedTop && y <= g.unplacedTop + g.unplacedHeight) {
    for (let i = 0; i < layout.unplaced.length; i++) {
      const s = unplacedSlot(vp.width, layout.unplaced.length, i);
      if (x >= s.x && x <= s.x + s.w) return { type: 'chunk', item: layout.unplaced[i] };
    }
    return null;
  }
  const inLanes = y >= g.laneTop && y <= g.lanesBottom;
  const inMarkers = y >= g.markerTop && y < g.laneTop;
  const slop = 3; // px of tolerance around thin chunks
  if (inLanes || inMarkers) {
    const lane = inLanes ? Math.min(layout.lanes - 1, Math.floor((y - g.laneTop) / (g.laneHeight + g.laneGap))) : -1;
    const uLo = xToU(vp, x - slop - MIN_ITEM_PX);
    const uHi = xToU(vp, x + slop);
    const [start, end] = visibleRange(layout, uLo, uHi);
    let best: TimelineItem | null = null;
    let bestDist = Infinity;
    for (let i = start; i < end; i++) {
      const it = layout.items[i];
      if (inLanes && it.lane !== lane) continue;
      if (inMarkers && it.marks.length === 0) continue;
      const x0 = uToX(vp, it.u0);
      const x1 = Math.max(uToX(vp, it.u1), x0 + MIN_ITEM_PX);
      const dist = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
      const limit = inMarkers ? 6 : slop;
      if (dist <= limit && (dist < bestDist || (dist === bestDist && best && x1 - x0 < uToX(vp, best.u1) - uToX(vp, best.u0)))) {
        best = it;
        bestDist = dist;
      }
    }
    if (best) return { type: 'chunk', item: best };
  }
  if (y >= g.markerTop && y <= g.labelY + 4) {
    const u = xToU(vp, x);
    for (const b of layout.breaks) {
      const x0 = uToX(vp, b.u0);
      const x1 = uToX(vp, b.u1);
      if (x >= Math.min(x0, (x0 + x1) / 2 - 4) && x <= Math.max(x1, (x0 + x1) / 2 + 4)) return { type: 'break', brk: b };
      if (u >= b.u0 && u <= b.u1) return { type: 'break', brk: b };
    }
  }
  return null;
}

// ---- axis ticks ----------------------------------------------------------------------------

export interface Tick {
  x: number;
  label: string;
}

const TIME_STEPS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 365 * 86400];

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function keyLabel(v: number, step: number): string {
  if (step >= 1e6 && Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(step >= 1e7 ? 0 : 1)}M`;
  if (step >= 1e3 && Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(step >= 1e4 ? 0 : 1)}k`;
  return String(Math.round(v));
}

function timeLabel(v: number, step: number): string {
  const iso = new Date(v * 1000).toISOString();
  if (step >= 86400) return iso.slice(0, 10);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Ticks with labels across the covered stretches in view, about every 110 px. */
export function ticks(layout: TimelineLayout, vp: Viewport): Tick[] {
  const uPerPx = (vp.u1 - vp.u0) / vp.width;
  const out: Tick[] = [];
  let lastX = -Infinity;
  const pick = (target: number) =>
    layout.axis === 'time' ? (TIME_STEPS.find((s) => s >= target) ?? niceStep(target)) : Math.max(1, niceStep(target));
  for (const s of layout.segments) {
    if (s.isBreak || s.u1 < vp.u0 || s.u0 > vp.u1 || s.d1 <= s.d0) continue;
    const x0 = uToX(vp, s.u0);
    const x1 = uToX(vp, s.u1);
    if (x1 - lastX < 70) continue; // nothing of this piece can get a label
    // Step in domain units for ~110 px in this piece (pieces have their own scale).
    const step = pick(((s.d1 - s.d0) / (s.u1 - s.u0)) * uPerPx * 110);
    const dLo = s.d0 + (Math.max(vp.u0, s.u0) - s.u0) * ((s.d1 - s.d0) / (s.u1 - s.u0));
    const dHi = s.d0 + (Math.min(vp.u1, s.u1) - s.u0) * ((s.d1 - s.d0) / (s.u1 - s.u0));
    const first = Math.ceil(Math.max(dLo, s.d0) / step) * step;
    for (let v = first, n = 0; v <= dHi && n < 50; v += step, n++) {
      const x = x0 + ((v - s.d0) / (s.d1 - s.d0)) * (x1 - x0);
      if (x - lastX < 70) continue;
      out.push({ x, label: layout.axis === 'time' ? timeLabel(v, step) : keyLabel(v, step) });
      lastX = x;
    }
    if (out.length > 200) break;
  }
  return out;
}

/** The label drawn over a break: the missing range, or the silence. */
export function breakLabel(b: TimelineBreak, axis: Axis): string {
  // A silence on the key axis: keys of chunks a running scan has not recorded yet.
  if (axis === 'key') return b.kind === 'gap' ? `missing ${b.from}..${b.to}` : `${b.from}..${b.to} not read yet`;
  const secs = b.to - b.from;
  if (b.kind === 'gap' && secs % 86400 === 0 && b.from % 86400 === 0) {
    const days = secs / 86400;
    const first = new Date(b.from * 1000).toISOString().slice(0, 10);
    return days === 1 ? `missing ${first}` : `missing ${days} days from ${first}`;
  }
  const h = secs / 3600;
  // On a family's own time axis a break is a missing window; on created times, a silence.
  return `${b.kind === 'gap' ? 'missing' : 'silence'} ${h >= 48 ? `${(h / 24).toFixed(1)} d` : `${h.toFixed(1)} h`}`;
}
