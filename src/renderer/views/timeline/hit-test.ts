// Hit-testing: what is under a pointer position on the canvas (a chunk, an unplaced chunk or
// a break). Separate from painting so it is tested directly, with no canvas.
import type { TimelineBreak, TimelineItem, TimelineLayout, Viewport } from './layout-types';
import { uToX, xToU } from './coords';
import { MIN_ITEM_PX, unplacedSlot, type Geometry } from './geometry';
import { visibleRange } from './viewport';

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
