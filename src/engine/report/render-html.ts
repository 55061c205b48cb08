// The HTML gap report: one self-contained file (inline CSS, inline SVG, no scripts, no
// external resources; a Content-Security-Policy forbids both in case anything slips
// through), readable in light and dark mode and on paper. Every string from the drop
// is escaped. Severity is always written out (icon and word), never colour alone.
import type { ScanReport } from '../../shared/report';
import { formatSpan, formatTs, UNKNOWN } from './format-time';
import {
  checksumLabel,
  type ChunkRow,
  extentText,
  type GapRow,
  axisViewOf,
  keysText,
  type AxisView,
  noteLabel,
  overviewOf,
  problemGroups,
  rowsText,
  SEVERITY_ICON,
  severityLabel,
  tableNotes,
  tableTotals,
  timelineOf,
  type TimelineRow,
} from './model';

/** Text → HTML text or attribute value that shows exactly that text. */
export function esc(s: string | number | null | undefined): string {
  if (s === null || s === undefined) return '';
  return (
    String(s)
      // eslint-disable-next-line no-control-regex -- control characters are not allowed in HTML text
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

const CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --head: #f6f8fa;
  --err: #b42318; --err-bg: #fdecea; --warn: #8a5300; --warn-bg: #fff4d6;
  --info: #1f5fa8; --info-bg: #e8f1fb; --ok: #1a7f37; --ok-bg: #e6f4ea;
  --bar: #4a78b5; --bar-fg: #ffffff; --gap-bg: #fdecea;
  --bar-ok: #4f8f6a; --bar-info: #2f6fb3; --bar-warn: #e0a030; --bar-err: #c62828;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --head: #151b23;
    --err: #ff7b72; --err-bg: #3b1219; --warn: #e3b341; --warn-bg: #332701;
    --info: #79c0ff; --info-bg: #0c2d4a; --ok: #56d364; --ok-bg: #0f2e1a;
    --bar: #3b6aa8; --bar-fg: #ffffff; --gap-bg: #3b1219;
    --bar-ok: #3f7d59; --bar-info: #2f6fb3; --bar-warn: #d89a26; --bar-err: #d13b3b;
  }
}
@media print {
  :root {
    color-scheme: light;
    --bg: #ffffff; --fg: #000000; --muted: #444444; --border: #999999; --head: #eeeeee;
    --err: #a00000; --err-bg: #fde8e8; --warn: #7a4a00; --warn-bg: #fff2cc;
    --info: #1f4f8a; --info-bg: #e8f1fb; --ok: #176b2e; --ok-bg: #e6f4ea;
    --bar: #5b7fb0; --bar-fg: #ffffff; --gap-bg: #fde8e8;
    --bar-ok: #4f8f6a; --bar-info: #2f6fb3; --bar-warn: #e0a030; --bar-err: #c62828;
  }
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 9pt; margin: 0; max-width: none; padding: 0; }
  /* One page per section: the summary with the header, then timeline, problems, tables. */
  main > section + section { break-before: page; }
  svg.timeline { break-inside: avoid; }
  footer { margin-top: 1rem; }
  th, td { padding: .2rem .3rem; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  tr, figure { break-inside: avoid; }
  thead { display: table-header-group; }
}
* { box-sizing: border-box; }
body {
  background: var(--bg); color: var(--fg); margin: 1.5rem auto; padding: 0 1rem; max-width: 90rem;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 1.6rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--border); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.verdict { font-size: 1.15rem; font-weight: 700; padding: .6rem .8rem; border: 2px solid; border-radius: 6px; margin: .6rem 0 1rem; }
.verdict.sev-error { color: var(--err); background: var(--err-bg); }
.verdict.sev-warning { color: var(--warn); background: var(--warn-bg); }
.verdict.sev-info, .verdict.sev-none { color: var(--ok); background: var(--ok-bg); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; color: var(--muted); }
th, td { border: 1px solid var(--border); padding: .3rem .45rem; text-align: left; vertical-align: top; white-space: pre-wrap; overflow-wrap: anywhere; }
thead th { background: var(--head); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
table.fixed { table-layout: fixed; }
td.nowrap, th.nowrap { white-space: nowrap; overflow-wrap: normal; }
td.time { overflow-wrap: normal; }
.sev-error .sev, td.sev-error, span.sev-error { color: var(--err); font-weight: 600; }
.sev-warning .sev, td.sev-warning, span.sev-warning { color: var(--warn); font-weight: 600; }
.sev-info .sev, td.sev-info, span.sev-info { color: var(--info); font-weight: 600; }
tr.gap-row > * {
  background: repeating-linear-gradient(135deg, var(--err-bg) 0 8px, transparent 8px 14px);
  color: var(--err); font-weight: 700; border-top: 2px dashed var(--err); border-bottom: 2px dashed var(--err);
}
tr.row-error > th { border-left: 4px solid var(--err); }
tr.row-warning > th { border-left: 4px solid var(--warn); }
.muted { color: var(--muted); }
ul.notes { margin: 0; padding-left: 1rem; }
figure { margin: .5rem 0 1rem; }
figcaption { color: var(--muted); margin-top: .3rem; white-space: pre-wrap; overflow-wrap: anywhere; }
svg.timeline { width: 100%; height: auto; display: block; background: var(--bg); border: 1px solid var(--border); border-radius: 4px; }
svg.timeline text { font: 11px system-ui, -apple-system, "Segoe UI", Arial, sans-serif; fill: var(--fg); }
svg.timeline text.on-bar { fill: var(--bar-fg); font-weight: 600; }
svg.timeline text.gap-label { fill: var(--err); font-weight: 700; }
svg.timeline text.tick { fill: var(--muted); font-size: 10px; }
svg.timeline .axis { stroke: var(--muted); stroke-width: 1; }
svg.timeline rect.bar { fill: var(--bar); stroke: var(--bg); stroke-width: 1; }
svg.timeline rect.bar.sev-none { fill: var(--bar-ok); }
svg.timeline rect.bar.sev-info { fill: var(--bar-info); }
svg.timeline rect.bar.sev-error { fill: var(--bar-err); stroke: var(--fg); stroke-width: 2; }
svg.timeline rect.bar.sev-warning { fill: var(--bar-warn); stroke: var(--fg); stroke-width: 1.5; stroke-dasharray: 5 3; }
svg.timeline text.on-amber { fill: #1b1f24; }
svg.timeline text.callout { font-weight: 700; }
svg.timeline text.callout.sev-error { fill: var(--err); }
svg.timeline text.callout.sev-warning { fill: var(--warn); }
svg.timeline .leader { stroke: var(--muted); stroke-width: 1; }
svg.timeline rect.bar.inferred { fill-opacity: .7; stroke-dasharray: 2 2; }
svg.timeline rect.bar.inferred:not(.sev-error):not(.sev-warning) { stroke: var(--fg); stroke-width: 1.5; }
svg.timeline rect.gap { fill: url(#di-hatch); stroke: var(--err); stroke-width: 2; stroke-dasharray: 4 2; }
svg.timeline rect.shortfall { fill: url(#di-hatch); stroke: var(--err); stroke-width: 1.5; stroke-dasharray: 3 2; }
svg.timeline .hatch-bg { fill: var(--gap-bg); }
svg.timeline .hatch-line { stroke: var(--err); stroke-width: 3; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .3rem 0; color: var(--muted); }
.swatch { display: inline-block; width: 1.6em; height: .9em; vertical-align: middle; margin-right: .3em; border: 1px solid var(--border); }
.swatch.bar { background: var(--bar-ok); }
.swatch.sev-warning { background: var(--bar-warn); }
.swatch.sev-error { background: var(--bar-err); }
.swatch.sev-info { background: var(--bar-info); }
.swatch.gap { background: repeating-linear-gradient(135deg, var(--err) 0 3px, var(--gap-bg) 3px 6px); border: 2px dashed var(--err); }
.swatch.shortfall { background: repeating-linear-gradient(45deg, var(--err) 0 2px, var(--gap-bg) 2px 6px); border: 1px dashed var(--err); }
footer { margin-top: 2rem; color: var(--muted); font-size: .9em; }
`;

// ---------------------------------------------------------------------------------
// Timeline drawn along the audit-key axis.

interface Span {
  from: number;
  to: number;
}

const W = 1000;
const PAD = 12;
const LANE_H = 26;
const LANE_GAP = 6;
const LABEL_ROW_H = 15;
const CHAR_W = 6.6; // average glyph width of 11px text, for "does the label fit"

/**
 * Piecewise-linear key → x: each interval between consecutive boundaries gets an
 * equal share of half the width plus a share of the other half in proportion to its
 * length, so that a short chunk next to a huge one still shows (the caption says so).
 */
function keyScale(keys: number[]): (k: number) => number {
  const b = [...new Set(keys)].sort((x, y) => x - y);
  const inner = W - 2 * PAD;
  if (b.length === 1) return () => PAD + inner / 2;
  const n = b.length - 1;
  const total = b[n] - b[0];
  const xs: number[] = [PAD];
  for (let i = 0; i < n; i++) {
    xs.push(xs[i] + inner * (0.5 / n + (0.5 * (b[i + 1] - b[i])) / total));
  }
  return (k: number): number => {
    if (k <= b[0]) return xs[0];
    if (k >= b[n]) return xs[n];
    let lo = 0;
    let hi = n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (b[mid] <= k) lo = mid;
      else hi = mid;
    }
    return xs[lo] + ((xs[lo + 1] - xs[lo]) * (k - b[lo])) / (b[lo + 1] - b[lo]);
  };
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function placeLabel(rows: Span[][], from: number, to: number, maxRows: number): number {
  for (let i = 0; i < Math.min(maxRows, rows.length + 1); i++) {
    rows[i] ??= [];
    if (rows[i].every((s) => to + 4 <= s.from || from >= s.to + 4)) {
      rows[i].push({ from, to });
      return i;
    }
  }
  return -1;
}

function renderTimelineSvg(timeline: TimelineRow[], axis: AxisView): string {
  const chunks = timeline.filter((r): r is ChunkRow => r.type === 'chunk');
  const gaps = timeline.filter((r): r is GapRow => r.type === 'gap');
  const gapAt = (g: GapRow): { from: number; to: number } => axis.gapSpan(g) as { from: number; to: number };
  const placedGaps = gaps.filter((g) => axis.gapSpan(g).from !== null && axis.gapSpan(g).to !== null);
  const unplaced = chunks.filter((r) => axis.span(r.chunk) === null);
  // A chunk whose hwm-from is unknown (audit key from its name only) is drawn from the end
  // of the chunk before it, marked as such: its start is inferred, not known.
  const placedChunks: Array<{ r: ChunkRow; from: number; to: number; inferred: boolean }> = [];
  let frontier: number | null = null;
  for (const r of chunks) {
    if (axis.time) {
      // Time windows are known whole (requested, else delivered): nothing to infer.
      const span = axis.span(r.chunk);
      if (span) placedChunks.push({ r, from: span.from, to: span.to, inferred: false });
      continue;
    }
    const { hwmFrom, hwmTo } = r.chunk;
    if (hwmTo === null) continue;
    if (hwmFrom !== null) {
      placedChunks.push({ r, from: Math.min(hwmFrom, hwmTo), to: Math.max(hwmFrom, hwmTo), inferred: false });
    } else {
      const from = frontier !== null && frontier <= hwmTo ? frontier : hwmTo;
      placedChunks.push({ r, from, to: hwmTo, inferred: true });
    }
    frontier = frontier === null ? hwmTo : Math.max(frontier, hwmTo);
  }
  const inferred = placedChunks.filter((c) => c.inferred);

  const keys: number[] = [];
  for (const c of placedChunks) keys.push(c.from, c.to);
  for (const g of placedGaps) keys.push(gapAt(g).from, gapAt(g).to);

  const captionParts: string[] = [];
  if (keys.length === 0) {
    captionParts.push(axis.time ? 'No chunk has a known time window: nothing to draw.' : 'No chunk has known audit keys: nothing to draw.');
  }
  if (inferred.length) {
    captionParts.push(
      `Start unknown (no hwm-from), drawn from the end of the chunk before, dashed and marked "?": ${inferred.map((c) => `#${c.r.index}`).join(', ')}.`,
    );
  }
  if (unplaced.length) {
    captionParts.push(
      `Not on the axis (${axis.time ? 'window' : 'audit keys'} unknown): ${unplaced.map((r) => `#${r.index} ${r.chunk.name}`).join(', ')}.`,
    );
  }
  const gapsOff = gaps.filter((g) => !placedGaps.includes(g));
  if (gapsOff.length)
    captionParts.push(`${gapsOff.length} gap(s) with an unknown extent are listed in the table only.`);
  if (keys.length === 0) {
    return `<figure><figcaption>${esc(captionParts.join(' '))}</figcaption></figure>`;
  }

  const x = keyScale(keys);
  const min = Math.min(...keys);
  const max = Math.max(...keys);

  // Lanes: a chunk goes to the first lane where it does not overlap one already there,
  // so duplicates and overlaps show as stacked bars.
  const laneEnds: number[] = [];
  const lanes = placedChunks.map(({ r, from, to, inferred: guess }) => {
    let lane = laneEnds.findIndex((end) => end <= from);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(to);
    } else laneEnds[lane] = Math.max(laneEnds[lane], to);
    return { r, lane, from, to, guess };
  });
  const laneCount = Math.max(1, laneEnds.length);

  // Gap labels above the bars, in up to three rows so that neighbours do not collide.
  const labelRows: Span[][] = [];
  const gapLabels = placedGaps.map((g) => {
    const x1 = x(gapAt(g).from);
    const x2 = x(gapAt(g).to);
    const mid = (x1 + x2) / 2;
    for (const text of [`${SEVERITY_ICON.error} ${g.label}`, `${SEVERITY_ICON.error} MISSING`]) {
      const w = text.length * CHAR_W;
      const from = Math.min(Math.max(mid - w / 2, PAD), W - PAD - w);
      const row = placeLabel(labelRows, from, from + w, 3);
      if (row >= 0) return { g, x1, x2, text, row, from };
    }
    return { g, x1, x2, text: '', row: -1, from: 0 };
  });
  const labelH = Math.max(1, labelRows.length) * LABEL_ROW_H + 4;
  const barsTop = labelH;
  const barsH = laneCount * LANE_H + (laneCount - 1) * LANE_GAP;

  // Every bar carries its # (and its severity's symbol): inside when it fits, else in as
  // many call-out rows below the bars as it takes, so that none goes unlabelled.
  const calloutRows: Span[][] = [];
  const bars = lanes.map(({ r, lane, from, to, guess }) => {
    const x1 = x(from);
    const w = Math.max(x(to) - x1, 3);
    const y = barsTop + lane * (LANE_H + LANE_GAP);
    const label = `#${r.index}${guess ? '?' : ''}${r.worst ? ` ${SEVERITY_ICON[r.worst]}` : ''}`;
    const labelW = label.length * CHAR_W;
    const inside = labelW + 6 <= w;
    let row = -1;
    let labelFrom = 0;
    if (!inside) {
      labelFrom = Math.min(Math.max(x1 + w / 2 - labelW / 2, PAD), W - PAD - labelW);
      row = placeLabel(calloutRows, labelFrom, labelFrom + labelW, Number.MAX_SAFE_INTEGER);
    }
    return { r, x1, w, y, label, labelW, inside, row, labelFrom, guess };
  });
  const calloutTop = barsTop + barsH + 4;
  const axisY = calloutTop + calloutRows.length * LABEL_ROW_H + 6;
  const height = axisY + 30;

  const parts: string[] = [];
  parts.push(
    '<defs><pattern id="di-hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">' +
      '<rect class="hatch-bg" width="8" height="8"/><line class="hatch-line" x1="0" y1="0" x2="0" y2="8"/></pattern></defs>',
  );

  for (const l of gapLabels) {
    const w = Math.max(l.x2 - l.x1, 4);
    const title = `${l.g.label} (between ${l.g.previous ?? '?'} and ${l.g.next ?? '?'}); time ${formatSpan(l.g.fromTs, l.g.toTs)}`;
    parts.push(
      `<rect class="gap" x="${fmt(l.x1)}" y="${fmt(barsTop)}" width="${fmt(w)}" height="${fmt(barsH)}"><title>${esc(title)}</title></rect>`,
    );
    if (l.row >= 0) {
      parts.push(
        `<text class="gap-label" x="${fmt(l.from)}" y="${fmt(l.row * LABEL_ROW_H + 12)}">${esc(l.text)}</text>`,
      );
    }
  }

  for (const b of bars) {
    const sev = ` sev-${b.r.worst ?? 'none'}` + (b.guess ? ' inferred' : '');
    const notes = b.r.notes.map(noteLabel).join('; ');
    const title = `#${b.r.index} ${b.r.chunk.name}: ${extentText(b.r.chunk)}${b.guess ? ' (start unknown)' : ''}${notes ? `; ${notes}` : ''}`;
    parts.push(
      `<rect class="bar${sev}" x="${fmt(b.x1)}" y="${fmt(b.y)}" width="${fmt(b.w)}" height="${LANE_H}"><title>${esc(title)}</title></rect>`,
    );
    // Requested but not delivered: hatched inside the bar.
    for (const sf of axis.shortfall(b.r.chunk)) {
      const a = x(sf.from);
      parts.push(
        `<rect class="shortfall" x="${fmt(a)}" y="${fmt(b.y)}" width="${fmt(Math.max(x(sf.to) - a, 2))}" height="${LANE_H}"><title>${esc(`#${b.r.index} requested but not delivered: ${formatSpan(sf.from, sf.to)}`)}</title></rect>`,
      );
    }
    const textClass = `bar-label${b.r.worst === 'warning' ? ' on-amber' : ''}`;
    if (b.inside) {
      parts.push(
        `<text class="on-bar ${textClass}" x="${fmt(b.x1 + b.w / 2)}" y="${fmt(b.y + LANE_H / 2 + 4)}" text-anchor="middle">${esc(b.label)}</text>`,
      );
    } else {
      // Too narrow for its number: a call-out below the bars, joined to the bar by a leader.
      const ly = calloutTop + b.row * LABEL_ROW_H;
      parts.push(
        `<line class="leader" x1="${fmt(b.x1 + b.w / 2)}" y1="${fmt(b.y + LANE_H)}" x2="${fmt(b.labelFrom + b.labelW / 2)}" y2="${fmt(ly + 2)}"/>`,
        `<text class="callout sev-${b.r.worst ?? 'none'}" x="${fmt(b.labelFrom)}" y="${fmt(ly + 12)}">${esc(b.label)}</text>`,
      );
    }
  }

  // Axis with ticks at the ends and at gap edges, where they fit.
  parts.push(`<line class="axis" x1="${PAD}" y1="${fmt(axisY)}" x2="${W - PAD}" y2="${fmt(axisY)}"/>`);
  const tickKeys = [min, max, ...placedGaps.flatMap((g) => [gapAt(g).from, gapAt(g).to])];
  const tickRows: Span[][] = [];
  for (const k of [...new Set(tickKeys)]) {
    const tx = x(k);
    const text = axis.point(k);
    const w = text.length * 7;
    const from = Math.min(Math.max(tx - w / 2, 2), W - 2 - w);
    const row = placeLabel(tickRows, from, from + w, 2);
    if (row < 0) continue;
    parts.push(
      `<line class="axis" x1="${fmt(tx)}" y1="${fmt(axisY)}" x2="${fmt(tx)}" y2="${fmt(axisY + 4)}"/>`,
    );
    parts.push(`<text class="tick" x="${fmt(from)}" y="${fmt(axisY + 15 + row * 12)}">${esc(text)}</text>`);
  }

  const summary =
    `${axis.time ? `Time axis from ${axis.point(min)} to ${axis.point(max)} UTC` : `Audit-key axis from ${min} to ${max}`}: ${placedChunks.length} chunk(s) drawn as bars` +
    (placedGaps.length
      ? `, ${placedGaps.length} gap(s) drawn hatched: ${placedGaps.map((g) => g.label.replace(/^MISSING: /, '')).join('; ')}`
      : ', no gaps') +
    (laneCount > 1 ? `; overlapping or duplicate chunks are stacked in ${laneCount} rows` : '') +
    '.';
  captionParts.unshift(
    `${summary} Not to scale: every range gets a minimum width so that short chunks stay visible. Every bar carries its # from the table below (beside it, joined by a line, where the bar is too narrow).`,
  );

  return (
    `<figure>` +
    `<svg class="timeline" viewBox="0 0 ${W} ${fmt(height)}" role="img" aria-labelledby="di-tl-title di-tl-desc">` +
    `<title id="di-tl-title">Timeline of the drop along the ${axis.time ? 'time' : 'audit-key'} axis</title>` +
    `<desc id="di-tl-desc">${esc(summary)}</desc>` +
    parts.join('') +
    `</svg>` +
    `<div class="legend"><span><span class="swatch bar"></span>chunk without problems (its # from the table below)</span>` +
    `<span><span class="swatch sev-warning"></span>${SEVERITY_ICON.warning} chunk with a warning</span>` +
    `<span><span class="swatch sev-error"></span>${SEVERITY_ICON.error} chunk with an error</span>` +
    `<span><span class="swatch sev-info"></span>${SEVERITY_ICON.info} chunk with a note</span>` +
    `<span><span class="swatch gap"></span>${SEVERITY_ICON.error} MISSING: ${axis.time ? 'time' : 'audit keys'} in no chunk (gap)</span>` +
    // Only families with a requested extent (bulk exports) can fall short inside a chunk.
    (axis.time && !axis.instants ? `<span><span class="swatch shortfall"></span>requested but not delivered (inside a chunk)</span>` : '') +
    `</div>` +
    `<figcaption>${esc(captionParts.join(' '))}</figcaption>` +
    `</figure>`
  );
}

// ---------------------------------------------------------------------------------

function th(text: string, cls = ''): string {
  return `<th scope="col"${cls ? ` class="${cls}"` : ''}>${esc(text)}</th>`;
}

/** Column widths in percent: fixed layout, so long names wrap instead of widening the page. */
function colgroup(widths: number[]): string {
  return `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>`;
}

function sevCell(severity: string): string {
  return `<td class="sev-${esc(severity)}">${esc(severityLabel(severity))}</td>`;
}

function renderTimelineTable(timeline: TimelineRow[], axis: AxisView): string {
  // Checksum files are Info Mart's: families on a time axis have none, so no column claims one is missing.
  const checksums = !axis.time;
  const head =
    '<thead><tr>' +
    th('#', 'num') +
    th('Chunk') +
    th(axis.heading) +
    (axis.instants ? '' : th('Created') + th('Max data')) +
    (checksums ? th('Checksum') : '') +
    th('Tables', 'num') +
    th('Rows', 'num') +
    th('Notes') +
    '</tr></thead>';
  const body = timeline.map((row) => {
    if (row.type === 'gap') {
      return (
        `<tr class="gap-row">` +
        `<td class="num">${esc(UNKNOWN)}</td>` +
        `<th scope="row">${esc(`${SEVERITY_ICON.error} ${row.label}`)}</th>` +
        `<td>${esc(axis.time ? formatSpan(row.fromTs, row.toTs) : keysText(row.fromKey, row.toKey))}</td>` +
        // On a key axis the times of a gap are an estimate worth a column; on a time axis they are the window.
        (axis.instants ? '' : `<td colspan="2">${axis.time ? '' : esc(formatSpan(row.fromTs, row.toTs))}</td>`) +
        `${checksums ? '<td></td>' : ''}<td class="num"></td><td class="num"></td>` +
        `<td>${esc(`${severityLabel(row.problem.severity)}: gap between ${row.previous ?? '?'} and ${row.next ?? '?'}`)}</td>` +
        `</tr>`
      );
    }
    const c = row.chunk;
    const notes = row.notes.length
      ? `<ul class="notes">${row.notes.map((n) => `<li><span class="sev-${esc(n.severity)}">${esc(noteLabel(n))}</span></li>`).join('')}</ul>`
      : '';
    const cs =
      c.checksum === 'ok'
        ? ''
        : c.checksum === 'missing'
          ? 'sev-warning'
          : c.checksum === 'encrypted'
            ? 'sev-info'
            : 'sev-error';
    return (
      `<tr${row.worst ? ` class="row-${esc(row.worst)}"` : ''}>` +
      `<td class="num">${row.index}</td>` +
      `<th scope="row">${esc(c.name)}</th>` +
      `<td class="time">${esc(extentText(c))}</td>` +
      (axis.instants ? '' : `<td class="time">${esc(formatTs(c.createdTs))}</td><td class="time">${esc(formatTs(c.maxDataTs))}</td>`) +
      (checksums ? `<td${cs ? ` class="${cs}"` : ''}>${esc(checksumLabel(c.checksum))}</td>` : '') +
      `<td class="num">${c.tables.length}</td>` +
      `<td class="num">${esc(rowsText(row.rows, row.unknownRows))}</td>` +
      `<td>${notes}</td>` +
      `</tr>`
    );
  });
  return `<table class="fixed"><caption>Chunks in continuity order (${axis.time ? 'time' : 'audit key, then time'}); a missing chunk is a row of its own.</caption>${colgroup([4, 18, ...(axis.instants ? [20] : [10, 10, 10]), ...(checksums ? [8] : []), 7, 9, axis.instants ? 42 : checksums ? 24 : 32])}${head}<tbody>${body.join('\n')}</tbody></table>`;
}

export function renderHtml(r: ScanReport): string {
  const o = overviewOf(r);
  const timeline = timelineOf(r);
  const sevClass = `sev-${o.verdict.worst ?? 'none'}`;
  const icon = o.verdict.worst ? SEVERITY_ICON[o.verdict.worst] : '✔';
  const out: string[] = [];

  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<meta name="generator" content="${esc(`${r.tool?.name ?? 'drop-inspector'} ${r.tool?.version ?? ''}`.trim())}">`,
    `<title>${esc(`${o.title} (${o.verdict.status})`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${esc(o.title)}</h1>`,
    `<p class="verdict ${sevClass}">${esc(`${icon} ${o.verdict.line}`)}</p>`,
    `<dl class="facts">${o.facts.map(([l, v]) => `<dt>${esc(l)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`,
    '</header>',
    '<main>',
  );

  out.push(
    '<section aria-labelledby="di-summary"><h2 id="di-summary">Summary</h2>',
    `<table><thead><tr>${o.counts.map(([l]) => th(l, 'num')).join('')}</tr></thead>` +
      `<tbody><tr>${o.counts.map(([, v]) => `<td class="num">${esc(v)}</td>`).join('')}</tr></tbody></table>`,
    '</section>',
  );

  out.push('<section aria-labelledby="di-timeline"><h2 id="di-timeline">Timeline</h2>');
  if (timeline.length === 0) out.push('<p>No chunks found.</p>');
  else out.push(renderTimelineSvg(timeline, axisViewOf(r)), renderTimelineTable(timeline, axisViewOf(r)));
  out.push('</section>');

  out.push('<section aria-labelledby="di-problems"><h2 id="di-problems">Problems</h2>');
  const groups = problemGroups(r);
  if (groups.length === 0) out.push('<p>No problems found.</p>');
  for (const g of groups) {
    out.push(
      `<h3 class="sev-${esc(g.severity)}"><span class="sev">${esc(`${SEVERITY_ICON[g.severity] ?? ''} ${g.heading} (${g.problems.length})`.trim())}</span></h3>`,
      `<table class="fixed">${colgroup([9, 10, 14, 14, 10, 19, 24])}<thead><tr>${th('Severity')}${th('Kind')}${th('Chunk')}${th('Previous')}${th('Table')}${th('Message')}${th('Action')}</tr></thead><tbody>`,
      ...g.problems.map(
        (p) =>
          `<tr>${sevCell(p.severity)}<th scope="row">${esc(p.kind)}</th>` +
          `<td>${esc(p.chunk ?? UNKNOWN)}</td><td>${esc(p.previous ?? UNKNOWN)}</td><td>${esc(p.table ?? UNKNOWN)}</td>` +
          `<td>${esc(p.message)}</td><td>${esc(p.action)}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  out.push('</section>');

  out.push('<section aria-labelledby="di-tables"><h2 id="di-tables">Tables</h2>');
  const totals = tableTotals(r);
  if (totals.length === 0) out.push('<p>No tables found.</p>');
  else {
    out.push(
      `<table class="fixed">${colgroup([35, 15, 15, 35])}<thead><tr>${th('Table')}${th('Chunks present', 'num')}${th('Rows', 'num')}${th('Notes')}</tr></thead><tbody>`,
      ...totals.map(
        (t) =>
          `<tr><th scope="row">${esc(t.name)}</th><td class="num">${t.chunks} of ${r.chunks.length}</td>` +
          `<td class="num">${esc(rowsText(t.rows, t.unreadable))}</td><td>${esc(tableNotes(t))}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  out.push('</section>', '</main>');

  out.push(
    `<footer>${esc(`Generated by ${r.tool?.name ?? 'drop-inspector'} ${r.tool?.version ?? ''} from the scan of ${r.scannedAt}.`)}</footer>`,
    '</body>',
    '</html>',
  );
  return `${out.join('\n')}\n`;
}
