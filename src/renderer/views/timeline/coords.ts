// Coordinate mapping: domain values (audit keys, UTC seconds) to virtual units along the
// broken axis and back, and units to CSS pixels in a viewport. Separate because placement,
// viewport arithmetic, hit-testing, binning and painting all convert, and none needs the rest.
import type { Segment, TimelineLayout, Viewport } from './layout-types';

/** The segment holding domain value d (binary search), if any. */
export function segmentAt(layout: Pick<TimelineLayout, 'segments'>, d: number): Segment | undefined {
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
