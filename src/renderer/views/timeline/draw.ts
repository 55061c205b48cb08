// Paints a TimelineLayout on a 2D canvas context. Kept free of React. Colours come from
// palette.ts.
import type { Severity } from '../../../shared/report';
import type { TimelineItem, TimelineLayout, Viewport } from './layout-types';
import { domainToU, uToX } from './coords';
import { visibleRange } from './viewport';
import { MIN_ITEM_PX, laneY, unplacedSlot, type Geometry } from './geometry';
import { breakLabel, ticks } from './axis-labels';
import { MARK_GLYPH } from './marks';
import { binItems, binStack, shouldBin, type Bin } from './bins';
import { glyphColor, sevColor, type Palette } from './palette';

export interface DrawState {
  selected: string | null;
  hovered: string | null;
  focused: boolean;
}

export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  layout: TimelineLayout,
  vp: Viewport,
  g: Geometry,
  p: Palette,
  state: DrawState,
): void {
  const W = vp.width;
  ctx.clearRect(0, 0, W, g.height);
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, W, g.height);
  ctx.textBaseline = 'middle';

  // Lane guides.
  ctx.fillStyle = p.grid;
  for (let l = 0; l < layout.lanes; l++) ctx.fillRect(0, laneY(g, l) + g.laneHeight / 2, W, 1);

  drawBreaks(ctx, layout, vp, g, p);

  const [start, end] = visibleRange(layout, vp.u0, vp.u1);
  let selectedItem: TimelineItem | null = null;
  let hoveredItem: TimelineItem | null = null;
  // Too many chunks for their pixels: bins with counts (bins.ts) instead of a solid bar.
  const bins = shouldBin(vp, start, end) ? binItems(layout, vp, start, end) : null;
  if (bins) {
    drawBins(ctx, bins, g, p);
    for (let i = start; i < end; i++) {
      const it = layout.items[i];
      if (it.name === state.selected) selectedItem = it;
      if (it.name === state.hovered) hoveredItem = it;
    }
  }
  // Chunks.
  for (let i = start; i < (bins ? start : end); i++) {
    const it = layout.items[i];
    if (it.name === state.selected) selectedItem = it;
    if (it.name === state.hovered) hoveredItem = it;
    const x0 = uToX(vp, it.u0);
    const w = Math.max(uToX(vp, it.u1) - x0, MIN_ITEM_PX);
    const y = laneY(g, it.lane);
    ctx.fillStyle = sevColor(p, it.severity);
    if (w >= 5) {
      ctx.fillRect(x0 + 0.5, y, w - 1, g.laneHeight);
      if (it.inferredStart && w >= 10) {
        // Unknown start: a pale stripe on its left edge.
        ctx.fillStyle = p.bg;
        ctx.globalAlpha = 0.55;
        ctx.fillRect(x0 + 0.5, y, Math.min(6, w / 3), g.laneHeight);
        ctx.globalAlpha = 1;
      }
    } else {
      ctx.fillRect(x0, y, w, g.laneHeight);
    }
    if (it.shortfall.length) drawShortfall(ctx, layout, it, vp, y, g, p);
    // Symbols inside the chunk when there is room.
    if (it.marks.length && w >= 16 && g.laneHeight >= 14) {
      ctx.fillStyle = glyphColor(p, it.severity);
      ctx.font = `bold ${Math.min(13, g.laneHeight - 4)}px ${p.font}`;
      ctx.textAlign = 'center';
      const room = Math.floor((w - 4) / 13);
      const shown = it.marks.slice(0, Math.max(1, room));
      shown.forEach((m, k) => {
        ctx.fillText(MARK_GLYPH[m.kind], x0 + w / 2 + (k - (shown.length - 1) / 2) * 13, y + g.laneHeight / 2 + 1);
      });
    }
  }

  if (bins) drawBinMarkers(ctx, bins, g, p);
  else drawMarkerRow(ctx, layout, vp, g, p, start, end);

  for (const [it, color, lw] of [
    [hoveredItem, p.fg, 1.5],
    [selectedItem, p.selected, 3],
  ] as const) {
    if (!it) continue;
    const x0 = uToX(vp, it.u0);
    const w = Math.max(uToX(vp, it.u1) - x0, MIN_ITEM_PX);
    const y = laneY(g, it.lane);
    ctx.strokeStyle = color;
    ctx.lineWidth = lw;
    ctx.strokeRect(x0 - lw / 2, y - lw / 2, w + lw, g.laneHeight + lw);
    if (it === selectedItem) {
      // A caret under the selected chunk, visible even when it is one pixel wide.
      const cx = x0 + w / 2;
      ctx.fillStyle = p.selected;
      ctx.beginPath();
      ctx.moveTo(cx, g.lanesBottom + 2);
      ctx.lineTo(cx - 6, g.lanesBottom + 10);
      ctx.lineTo(cx + 6, g.lanesBottom + 10);
      ctx.closePath();
      ctx.fill();
    }
  }

  drawAxis(ctx, layout, vp, g, p);
  if (g.unplacedTop !== null) drawUnplaced(ctx, layout, vp, g, p, state);

  if (state.focused) {
    ctx.strokeStyle = p.selected;
    ctx.lineWidth = 2;
    ctx.strokeRect(1, 1, W - 2, g.height - 2);
  }
}

/** The requested-but-not-delivered part of a chunk: background with red hatching and a dashed edge. */
function drawShortfall(ctx: CanvasRenderingContext2D, layout: TimelineLayout, it: TimelineItem, vp: Viewport, y: number, g: Geometry, p: Palette): void {
  for (const s of it.shortfall) {
    const a = uToX(vp, domainToU(layout, s.from));
    const b = uToX(vp, domainToU(layout, s.to));
    const w = Math.max(b - a, 2);
    ctx.save();
    ctx.beginPath();
    ctx.rect(a, y, w, g.laneHeight);
    ctx.clip();
    ctx.fillStyle = p.bg;
    ctx.fillRect(a, y, w, g.laneHeight);
    ctx.strokeStyle = p.gap;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let x = a - g.laneHeight; x < a + w; x += 6) {
      ctx.moveTo(x, y + g.laneHeight);
      ctx.lineTo(x + g.laneHeight, y);
    }
    ctx.stroke();
    ctx.restore();
    ctx.strokeStyle = p.gap;
    ctx.setLineDash([3, 2]);
    ctx.strokeRect(a + 0.5, y + 0.5, w - 1, g.laneHeight - 1);
    ctx.setLineDash([]);
  }
}

function drawBreaks(ctx: CanvasRenderingContext2D, layout: TimelineLayout, vp: Viewport, g: Geometry, p: Palette): void {
  let labelEnd = -Infinity;
  const top = g.markerTop;
  const bottom = g.lanesBottom;
  for (const b of layout.breaks) {
    if (b.u1 < vp.u0 || b.u0 > vp.u1) continue;
    let x0 = uToX(vp, b.u0);
    let x1 = uToX(vp, b.u1);
    if (x1 - x0 < 6) {
      const c = (x0 + x1) / 2;
      x0 = c - 3;
      x1 = c + 3;
    }
    const color = b.kind === 'gap' ? p.gap : b.problem !== null ? p.warning : p.muted;
    // Hatched band.
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, top, x1 - x0, bottom - top);
    ctx.clip();
    ctx.globalAlpha = 0.14;
    ctx.fillStyle = color;
    ctx.fillRect(x0, top, x1 - x0, bottom - top);
    ctx.globalAlpha = 0.5;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = x0 - (bottom - top); x < x1; x += 7) {
      ctx.moveTo(x, bottom);
      ctx.lineTo(x + (bottom - top), top);
    }
    ctx.stroke();
    ctx.restore();
    // Zig-zag break edges: the axis is broken here.
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    for (const ex of [x0, x1]) {
      ctx.beginPath();
      for (let y = top, k = 0; y <= bottom; y += 5, k++) {
        const xx = ex + (k % 2 ? 2.5 : -2.5);
        if (k === 0) ctx.moveTo(xx, y);
        else ctx.lineTo(xx, y);
      }
      ctx.stroke();
    }
    // Label, skipped where it would overwrite the previous one (the tooltip still tells).
    const label = breakLabel(b, layout.axis) + (b.compressed ? ' //' : '');
    ctx.font = `600 11px ${p.font}`;
    const tw = ctx.measureText(label).width;
    let lx = (x0 + x1) / 2 - tw / 2;
    lx = Math.max(2, Math.min(lx, vp.width - tw - 2));
    if (lx > labelEnd + 6) {
      ctx.fillStyle = p.bg;
      ctx.fillRect(lx - 3, g.labelY - 7, tw + 6, 14);
      ctx.fillStyle = color === p.muted ? p.fg : color;
      ctx.textAlign = 'left';
      ctx.fillText(label, lx, g.labelY);
      labelEnd = lx + tw;
    }
  }
}

const SEV_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function drawMarkerRow(
  ctx: CanvasRenderingContext2D,
  layout: TimelineLayout,
  vp: Viewport,
  g: Geometry,
  p: Palette,
  start: number,
  end: number,
): void {
  // One badge per 16 px bucket: the most severe symbol wins there.
  const bucketW = 16;
  const buckets = new Map<number, { glyph: string; sev: Severity; x: number }>();
  for (let i = start; i < end; i++) {
    const it = layout.items[i];
    if (!it.marks.length) continue;
    const x0 = uToX(vp, it.u0);
    const x1 = Math.max(uToX(vp, it.u1), x0 + MIN_ITEM_PX);
    const cx = (x0 + x1) / 2;
    const b = Math.floor(cx / bucketW);
    const m = it.marks[0];
    const had = buckets.get(b);
    // At the bucket's centre: badges of neighbouring buckets never overlap.
    if (!had || SEV_ORDER[m.severity] < SEV_ORDER[had.sev])
      buckets.set(b, { glyph: MARK_GLYPH[m.kind], sev: m.severity, x: b * bucketW + bucketW / 2 });
  }
  for (const { glyph, sev, x } of buckets.values()) drawBadge(ctx, g, p, glyph, sev, x);
}

/** A problem badge in the marker row: shape and colour by severity, the symbol inside. */
function drawBadge(ctx: CanvasRenderingContext2D, g: Geometry, p: Palette, glyph: string, sev: Severity, x: number): void {
  ctx.font = `bold 11px ${p.font}`;
  ctx.textAlign = 'center';
  const r = g.markerHeight / 2;
  const cy = g.markerTop + r;
  ctx.fillStyle = sevColor(p, sev);
  ctx.beginPath();
  if (sev === 'error') ctx.rect(x - r + 1, cy - r + 1, 2 * r - 2, 2 * r - 2);
  else if (sev === 'warning') {
    ctx.moveTo(x, cy - r);
    ctx.lineTo(x + r, cy + r - 1);
    ctx.lineTo(x - r, cy + r - 1);
    ctx.closePath();
  } else ctx.arc(x, cy, r - 1, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = glyphColor(p, sev);
  ctx.fillText(glyph, x, cy + (sev === 'warning' ? 2 : 1));
}

/** Bins: a bar per bin split by severity, its chunk count inside where it fits. */
function drawBins(ctx: CanvasRenderingContext2D, bins: Bin[], g: Geometry, p: Palette): void {
  const top = g.laneTop;
  const height = g.lanesBottom - g.laneTop;
  ctx.textAlign = 'center';
  ctx.font = `600 11px ${p.font}`;
  for (const b of bins) {
    let y = top;
    for (const part of binStack(b, height)) {
      ctx.fillStyle = sevColor(p, part.severity);
      ctx.fillRect(b.x0 + 1, y, b.x1 - b.x0 - 2, part.h);
      y += part.h;
    }
    if (height >= 14) {
      const label = formatCount(b.count);
      const tw = ctx.measureText(label).width;
      if (tw + 6 <= b.x1 - b.x0 - 2) {
        const cy = top + height / 2;
        ctx.fillStyle = p.bg;
        ctx.globalAlpha = 0.85;
        ctx.fillRect((b.x0 + b.x1) / 2 - tw / 2 - 3, cy - 7, tw + 6, 14);
        ctx.globalAlpha = 1;
        ctx.fillStyle = p.fg;
        ctx.fillText(label, (b.x0 + b.x1) / 2, cy + 1);
      }
    }
  }
}

/** One badge per bin with problems, and how many of its chunks have them. */
function drawBinMarkers(ctx: CanvasRenderingContext2D, bins: Bin[], g: Geometry, p: Palette): void {
  for (const b of bins) {
    if (!b.mark) continue;
    const cx = b.x0 + 9;
    drawBadge(ctx, g, p, MARK_GLYPH[b.mark.kind], b.mark.severity, cx);
    ctx.fillStyle = p.fg;
    ctx.font = `600 10px ${p.font}`;
    ctx.textAlign = 'left';
    ctx.fillText(formatCount(b.marked), cx + g.markerHeight / 2 + 1, g.markerTop + g.markerHeight / 2 + 1, b.x1 - cx - g.markerHeight / 2 - 2);
  }
}

const formatCount = (n: number): string => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));

function drawAxis(ctx: CanvasRenderingContext2D, layout: TimelineLayout, vp: Viewport, g: Geometry, p: Palette): void {
  ctx.fillStyle = p.grid;
  ctx.fillRect(0, g.axisY, vp.width, 1);
  // Shortened pieces: a double slash on the axis says the scale is broken there.
  ctx.strokeStyle = p.muted;
  ctx.lineWidth = 1.2;
  for (const s of layout.segments) {
    if (s.isBreak || !s.compressed || s.u1 < vp.u0 || s.u0 > vp.u1) continue;
    const cx = uToX(vp, (s.u0 + s.u1) / 2);
    if (uToX(vp, s.u1) - uToX(vp, s.u0) < 14) continue;
    ctx.fillStyle = p.bg;
    ctx.fillRect(cx - 5, g.axisY - 5, 10, 10);
    ctx.beginPath();
    ctx.moveTo(cx - 5, g.axisY + 4);
    ctx.lineTo(cx - 1, g.axisY - 4);
    ctx.moveTo(cx + 1, g.axisY + 4);
    ctx.lineTo(cx + 5, g.axisY - 4);
    ctx.stroke();
  }
  ctx.fillStyle = p.muted;
  ctx.font = `11px ${p.font}`;
  ctx.textAlign = 'center';
  for (const t of ticks(layout, vp)) {
    ctx.fillRect(t.x, g.axisY, 1, 4);
    // Kept whole inside the canvas: a label near either edge moves in by its own half-width.
    const half = ctx.measureText(t.label).width / 2 + 2;
    ctx.fillText(t.label, Math.max(half, Math.min(vp.width - half, t.x)), g.axisY + 12);
  }
}

function drawUnplaced(ctx: CanvasRenderingContext2D, layout: TimelineLayout, vp: Viewport, g: Geometry, p: Palette, state: DrawState): void {
  const top = g.unplacedTop!;
  ctx.fillStyle = p.muted;
  ctx.font = `11px ${p.font}`;
  ctx.textAlign = 'left';
  ctx.fillText(layout.axis === 'key' ? 'No audit key:' : 'No time:', 4, top + g.unplacedHeight / 2);
  layout.unplaced.forEach((it, i) => {
    const s = unplacedSlot(vp.width, layout.unplaced.length, i);
    ctx.fillStyle = sevColor(p, it.severity);
    ctx.fillRect(s.x, top, s.w, g.unplacedHeight);
    if (it.name === state.selected) {
      ctx.strokeStyle = p.selected;
      ctx.lineWidth = 3;
      ctx.strokeRect(s.x - 1.5, top - 1.5, s.w + 3, g.unplacedHeight + 3);
    }
  });
}
