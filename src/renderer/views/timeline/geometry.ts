// The canvas's vertical layout (marker row, lanes, break labels, axis, unplaced strip) and
// the smallest width a chunk is drawn at. Separate from the horizontal placement (layout.ts):
// it depends only on the number of lanes and the height available.

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
