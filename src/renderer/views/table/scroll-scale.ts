// Vertical scrolling of a grid taller than a browser can lay out.
//
// Browsers cap an element's height (Chromium near 33.5 million px, Firefox near 17.9
// million): 10,000,000 rows of 24 px do not fit. The scroll container's content is
// therefore at most MAX_SCROLL_PX tall (the *physical* range) and the rows live in a
// *virtual* range of rows × rowHeight px. Dragging the scrollbar maps the physical position
// to the virtual one proportionally (the last physical position shows the last row); wheel,
// keys and jumps move the virtual position exactly (a wheel step moves a few rows, at the
// ends as anywhere) and put the scrollbar where that position maps to. The rows on screen
// are absolutely positioned in a window that stays in the viewport.

/** The tallest scroll content we lay out (well under every browser's cap). */
export const MAX_SCROLL_PX = 8_000_000;

export interface ScrollGeometry {
  rows: number;
  rowHeight: number;
  /** Height of the rows' viewport (the scroll container minus the sticky header). */
  viewport: number;
  /** Cap of the physical height (default MAX_SCROLL_PX). */
  cap?: number;
}

/** Height of the virtual content. */
export function virtualHeight(g: ScrollGeometry): number {
  return g.rows * g.rowHeight;
}

/** Height of the laid-out content (the scroll range the browser sees). */
export function physicalHeight(g: ScrollGeometry): number {
  return Math.min(virtualHeight(g), g.cap ?? MAX_SCROLL_PX);
}

export function isScaled(g: ScrollGeometry): boolean {
  return virtualHeight(g) > physicalHeight(g);
}

export function maxVirtual(g: ScrollGeometry): number {
  return Math.max(0, virtualHeight(g) - g.viewport);
}

export function maxPhysical(g: ScrollGeometry): number {
  return Math.max(0, physicalHeight(g) - g.viewport);
}

export function clampVirtual(g: ScrollGeometry, v: number): number {
  return Math.max(0, Math.min(maxVirtual(g), v));
}

/** Virtual position of a physical scrollTop (proportional; the ends map to the ends). */
export function toVirtual(g: ScrollGeometry, scrollTop: number): number {
  const mp = maxPhysical(g);
  if (mp <= 0) return 0;
  if (!isScaled(g)) return clampVirtual(g, scrollTop);
  const t = Math.max(0, Math.min(1, scrollTop / mp));
  return t * maxVirtual(g);
}

/** Physical scrollTop that shows a virtual position. */
export function toPhysical(g: ScrollGeometry, virtual: number): number {
  const mv = maxVirtual(g);
  if (mv <= 0) return 0;
  if (!isScaled(g)) return clampVirtual(g, virtual);
  return (clampVirtual(g, virtual) / mv) * maxPhysical(g);
}

export interface RowWindow {
  /** First and last row index to render (overscan included), inclusive; last < first when none. */
  first: number;
  last: number;
  /** First and last row at least partly visible. */
  firstVisible: number;
  lastVisible: number;
  /** Top of row i in the viewport = i * rowHeight - offset. */
  offset: number;
}

/** Rows rendered beyond each edge of the viewport (the e2e test bounds the DOM by it). */
export const OVERSCAN_ROWS = 6;

export function rowWindow(g: ScrollGeometry, virtual: number, overscan = 4): RowWindow {
  const v = clampVirtual(g, virtual);
  if (g.rows <= 0) return { first: 0, last: -1, firstVisible: 0, lastVisible: -1, offset: v };
  const firstVisible = Math.min(g.rows - 1, Math.floor(v / g.rowHeight));
  const lastVisible = Math.min(
    g.rows - 1,
    Math.max(firstVisible, Math.ceil((v + g.viewport) / g.rowHeight) - 1),
  );
  return {
    first: Math.max(0, firstVisible - overscan),
    last: Math.min(g.rows - 1, lastVisible + overscan),
    firstVisible,
    lastVisible,
    offset: v,
  };
}

/** The virtual position that brings a row into view ('nearest' leaves it where it is if visible). */
export function virtualForRow(
  g: ScrollGeometry,
  row: number,
  align: 'start' | 'center' | 'end' | 'nearest',
  current: number,
): number {
  const top = row * g.rowHeight;
  const bottom = top + g.rowHeight;
  let v: number;
  switch (align) {
    case 'start':
      v = top;
      break;
    case 'end':
      v = bottom - g.viewport;
      break;
    case 'center':
      v = top - (g.viewport - g.rowHeight) / 2;
      break;
    default:
      if (top < current) v = top;
      else if (bottom > current + g.viewport) v = bottom - g.viewport;
      else v = current;
  }
  return clampVirtual(g, v);
}

/** A wheel event's vertical delta in pixels. */
export function wheelPixels(deltaY: number, deltaMode: number, rowHeight: number, viewport: number): number {
  if (deltaMode === 1) return deltaY * rowHeight; // lines
  if (deltaMode === 2) return deltaY * viewport; // pages
  return deltaY;
}
