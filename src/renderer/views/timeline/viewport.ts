// Viewport arithmetic: fit, clamp, zoom about a point, pan, focus a chunk, and the range of
// chunks in view. Pure functions of a computed layout, which never needs them (layout.ts):
// the canvas, the bins and the hit-test do.
import type { TimelineItem, TimelineLayout, Viewport } from './layout-types';
import { xToU } from './coords';

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
