// The HTML report's timeline drawing: one inline SVG of the chunks as bars along the
// family's axis (audit keys or UTC time), stacked where they overlap, gaps hatched and
// labelled, every bar carrying its # from the table; and its legend and caption. Apart
// from the page because the layout (scale, lanes, label rows) is a concern of its own.
import { formatSpan } from './format-time';
import { esc } from './html-escape';
import { type AxisView, extentText } from './axis-view';
import { SEVERITY_ICON } from './problem-words';
import { noteLabel, type ChunkRow, type GapRow, type TimelineRow } from './timeline';

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

export function renderTimelineSvg(timeline: TimelineRow[], axis: AxisView): string {
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
