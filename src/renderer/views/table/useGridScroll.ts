// The grid's vertical scrolling: the viewport measured, a virtual position (in rows' pixels)
// kept apart from the scrollbar's, which is scaled when the table is taller than a browser
// lays out (scroll-scale.ts), the wheel moved by exact rows over a scaled range, and the jumps
// the store asks for. Gives the window of rows to render.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { useTables } from './context';
import { HEADER_HEIGHT, ROW_HEIGHT } from './grid-layout';
import {
  clampVirtual,
  OVERSCAN_ROWS,
  isScaled,
  rowWindow,
  toPhysical,
  toVirtual,
  virtualForRow,
  wheelPixels,
  type ScrollGeometry,
} from './scroll-scale';

const FALLBACK_VIEWPORT = 600;

export function useGridScroll(scrollRef: RefObject<HTMLDivElement | null>, total: number) {
  const scrollRequest = useTables((s) => s.scrollRequest);
  const [viewportH, setViewportH] = useState(FALLBACK_VIEWPORT);
  const [virt, setVirt] = useState(0);
  const virtRef = useRef(0);
  const lastTopRef = useRef(0);
  const expectedTopRef = useRef<number | null>(null);

  const geom: ScrollGeometry = useMemo(
    () => ({ rows: total, rowHeight: ROW_HEIGHT, viewport: viewportH }),
    [total, viewportH],
  );
  const geomRef = useRef(geom);
  geomRef.current = geom;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = (): void => {
      const h = el.clientHeight - HEADER_HEIGHT;
      setViewportH(h > 0 ? h : FALLBACK_VIEWPORT);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [scrollRef]);

  /** Moves to a virtual position and puts the scrollbar where it maps to. */
  const moveVirtual = useCallback(
    (v: number) => {
      const g = geomRef.current;
      const next = clampVirtual(g, v);
      virtRef.current = next;
      setVirt(next);
      const el = scrollRef.current;
      if (!el) return;
      const top = toPhysical(g, next);
      if (Math.abs(el.scrollTop - top) >= 0.5) {
        expectedTopRef.current = top;
        el.scrollTop = top;
      }
    },
    [scrollRef],
  );

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    if (Math.abs(top - lastTopRef.current) < 0.5) return; // horizontal only
    lastTopRef.current = top;
    const expected = expectedTopRef.current;
    expectedTopRef.current = null;
    if (expected !== null && Math.abs(top - expected) <= 1.5) return; // our own move
    const v = toVirtual(geomRef.current, top);
    virtRef.current = v;
    setVirt(v);
  }, [scrollRef]);

  // Wheel over a scaled range: move the virtual position by the wheel's pixels (exact rows),
  // not by the scaled scrollbar's.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      const g = geomRef.current;
      if (!isScaled(g) || e.ctrlKey) return;
      const dy = wheelPixels(e.deltaY, e.deltaMode, ROW_HEIGHT, g.viewport);
      if (dy === 0) return;
      e.preventDefault();
      if (e.shiftKey && !e.deltaX) {
        // Shift+wheel scrolls sideways.
        el.scrollLeft += dy;
        return;
      }
      if (e.deltaX) el.scrollLeft += e.deltaMode === 1 ? e.deltaX * 16 : e.deltaX;
      moveVirtual(virtRef.current + dy);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [scrollRef, moveVirtual]);

  // The row count or the viewport changed: keep the same rows on screen.
  useLayoutEffect(() => {
    moveVirtual(virtRef.current);
  }, [geom, moveVirtual]);

  // Jumps asked by the store (new view: top; go to row N: centred).
  useLayoutEffect(() => {
    if (!scrollRequest) return;
    const g = geomRef.current;
    const align = scrollRequest.row === 0 ? 'start' : 'center';
    moveVirtual(virtualForRow(g, scrollRequest.row, align, virtRef.current));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scrollRequest?.seq]);

  const win = rowWindow(geom, virt, OVERSCAN_ROWS);

  return { geom, geomRef, virtRef, viewportH, moveVirtual, onScroll, win };
}
