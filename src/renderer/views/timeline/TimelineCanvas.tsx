// The chunk timeline on a <canvas>: zoom (wheel, +/−, buttons), pan (drag, arrow keys),
// hover tooltip, click to select. Placement lives in ./layout.ts, zoom and pan in
// ./viewport.ts, painting in ./draw.ts driven by ./usePaintLoop.ts, the tooltip's words in
// ./tooltip-lines.ts, the toolbar and legend in ./TimelineToolbar.tsx and ./TimelineLegend.tsx.
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { reportAxis } from '../../../shared/coverage-view';
import { useApp, useAppStore } from '../../state/context';
import { indexReport } from '../../state/derive';
import { formatInt, formatKeyRange } from '../../format';
import { binAt, zoomToBin, type Bin } from './bins';
import { computeLayout } from './layout';
import type { TimelineItem, Viewport } from './layout-types';
import { clampViewport, fitAll, focusItem, isVisible, panBy, visibleRange, zoomAt } from './viewport';
import { geometry } from './geometry';
import { hitTest, type Hit } from './hit-test';
import { describeBin, describeHit } from './tooltip-lines';
import { usePaintLoop } from './usePaintLoop';
import { TimelineLegend } from './TimelineLegend';
import { TimelineToolbar } from './TimelineToolbar';

interface Tooltip {
  x: number;
  y: number;
  lines: string[];
}

export interface TimelineCanvasProps {
  /** CSS pixels. */
  height?: number;
  /** Fewer controls (the overview). */
  compact?: boolean;
}

export function TimelineCanvas({ height = 200, compact = false }: TimelineCanvasProps) {
  const store = useAppStore();
  const report = useApp((s) => s.report);
  const chosenAxis = useApp((s) => s.timelineAxis);
  // A family without audit keys has one axis: its own time (bulk windows, run dates, run times).
  const family = report ? reportAxis(report) : 'audit-key';
  const keyed = family === 'audit-key';
  const axis = keyed ? chosenAxis : 'time';
  const timeName = family === 'run-date' ? 'Run date' : family === 'run-time' ? 'Run time' : keyed ? 'Created time' : 'Time';
  const setAxis = useApp((s) => s.setTimelineAxis);
  const selected = useApp((s) => s.selectedChunk);
  const focusSeq = useApp((s) => s.focusSeq);

  const layout = useMemo(
    () => (report ? computeLayout(report, axis, indexReport(report).problemsByChunk) : null),
    [report, axis],
  );
  const g = useMemo(
    () => geometry(layout?.lanes ?? 1, (layout?.unplaced.length ?? 0) > 0, height),
    [layout, height],
  );

  const wrapRef = useRef<HTMLDivElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const vpRef = useRef<Viewport | null>(null);
  const userMovedRef = useRef(false);
  const hoverRef = useRef<string | null>(null);
  const focusedRef = useRef(false);
  const dragRef = useRef<{ x: number; moved: boolean; id: number } | null>(null);
  const [width, setWidth] = useState(800);
  const [tooltip, setTooltip] = useState<Tooltip | null>(null);
  const [announce, setAnnounce] = useState('');
  // Latest values for the imperative draw loop.
  const live = useRef({ layout, g, selected, width });
  live.current = { layout, g, selected, width };

  // Width follows the container.
  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = () => {
      const w = Math.floor(el.clientWidth);
      if (w > 0) setWidth(w);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const schedule = usePaintLoop({ canvasRef, vpRef, hoverRef, focusedRef, live });

  const setViewport = useCallback(
    (vp: Viewport, byUser = true) => {
      vpRef.current = vp;
      if (byUser) userMovedRef.current = true;
      schedule();
    },
    [schedule],
  );

  // A new layout (new report, other axis): refit unless the user has zoomed; then keep it sane.
  useEffect(() => {
    if (!layout) return;
    if (!userMovedRef.current || !vpRef.current) vpRef.current = fitAll(layout, width);
    else vpRef.current = clampViewport(layout, { ...vpRef.current, width });
    schedule();
  }, [layout, width, schedule]);

  useEffect(() => {
    userMovedRef.current = false;
  }, [axis]);

  const findItem = useCallback((name: string | null): TimelineItem | null => {
    const L = live.current.layout;
    if (!L || !name) return null;
    return L.items.find((it) => it.name === name) ?? null;
  }, []);

  // Selection changes: redraw, and bring the chunk into view (zooming in on a focus request).
  const lastFocus = useRef(focusSeq);
  useEffect(() => {
    const L = live.current.layout;
    const vp = vpRef.current;
    const item = findItem(selected);
    if (L && vp && item) {
      if (focusSeq !== lastFocus.current) setViewport(focusItem(L, vp, item));
      else if (!isVisible(vp, item))
        setViewport(
          panBy(L, vp, ((item.u0 + item.u1) / 2 - (vp.u0 + vp.u1) / 2) * (vp.width / (vp.u1 - vp.u0))),
        );
    }
    lastFocus.current = focusSeq;
    if (selected && report) {
      const c = indexReport(report).chunkByName.get(selected);
      setAnnounce(c ? `Selected ${c.name}, audit keys ${formatKeyRange(c.hwmFrom, c.hwmTo)}` : '');
    }
    schedule();
  }, [selected, focusSeq, findItem, setViewport, schedule, report]);

  useEffect(() => schedule(), [g, schedule]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      const L = live.current.layout;
      const vp = vpRef.current;
      if (!L || !vp) return;
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        setViewport(panBy(L, vp, e.shiftKey ? e.deltaY : e.deltaX));
      } else {
        setViewport(zoomAt(L, vp, Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left));
      }
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [setViewport]);

  function localXY(e: { clientX: number; clientY: number }): { x: number; y: number } {
    const rect = canvasRef.current!.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  /** The bin under (x, y) when bins are drawn (low zoom), else null. */
  function binAtXY(x: number, y: number): Bin | null {
    const L = live.current.layout;
    const vp = vpRef.current;
    if (!L || !vp || y < g.markerTop || y > g.lanesBottom) return null;
    const [start, end] = visibleRange(L, vp.u0, vp.u1);
    return binAt(L, vp, start, end, x);
  }

  function hitAt(x: number, y: number): Hit {
    const L = live.current.layout;
    const vp = vpRef.current;
    if (!L || !vp) return null;
    return hitTest(L, vp, g, x, y);
  }

  function onPointerDown(e: ReactPointerEvent<HTMLCanvasElement>) {
    if (e.button !== 0) return;
    dragRef.current = { x: e.clientX, moved: false, id: e.pointerId };
    try {
      e.currentTarget.setPointerCapture(e.pointerId);
    } catch {
      /* jsdom */
    }
  }

  function onPointerMove(e: ReactPointerEvent<HTMLCanvasElement>) {
    const d = dragRef.current;
    const L = live.current.layout;
    if (d && L && vpRef.current) {
      const dx = e.clientX - d.x;
      if (d.moved || Math.abs(dx) > 3) {
        d.moved = true;
        d.x = e.clientX;
        setViewport(panBy(L, vpRef.current, -dx));
        setTooltip(null);
        return;
      }
    }
    const { x, y } = localXY(e);
    const bin = binAtXY(x, y);
    if (bin && L) {
      const lines = describeBin(L, bin);
      setTooltip((prev) => (prev && prev.lines.join('\n') === lines.join('\n') ? prev : { x, y, lines }));
      return;
    }
    const hit = hitAt(x, y);
    const name = hit?.type === 'chunk' ? hit.item.name : null;
    if (name !== hoverRef.current) {
      hoverRef.current = name;
      schedule();
    }
    const lines = report && L ? describeHit(report, L, hit) : null;
    setTooltip((prev) => {
      if (!lines) return null;
      if (prev && prev.lines.join('\n') === lines.join('\n') && Math.abs(prev.x - x) < 40) return prev;
      return { x, y, lines };
    });
  }

  function onPointerUp(e: ReactPointerEvent<HTMLCanvasElement>) {
    const d = dragRef.current;
    dragRef.current = null;
    if (d?.moved) return;
    const { x, y } = localXY(e);
    const bin = binAtXY(x, y);
    const L = live.current.layout;
    if (bin && L && vpRef.current) {
      setViewport(clampViewport(L, zoomToBin(L, vpRef.current, bin)));
      setTooltip(null);
      return;
    }
    const hit = hitAt(x, y);
    if (hit?.type === 'chunk') store.getState().selectChunk(hit.item.name);
    else if (hit?.type === 'break') {
      if (hit.brk.problem !== null) store.getState().selectProblem(hit.brk.problem, { focus: false });
      else if (hit.brk.chunk) store.getState().selectChunk(hit.brk.chunk);
    }
  }

  function onPointerLeave() {
    if (hoverRef.current !== null) {
      hoverRef.current = null;
      schedule();
    }
    setTooltip(null);
  }

  function stepSelection(delta: number) {
    const L = live.current.layout;
    if (!L || L.items.length === 0) return;
    const cur = L.items.findIndex((it) => it.name === live.current.selected);
    const next =
      cur < 0 ? (delta > 0 ? 0 : L.items.length - 1) : Math.max(0, Math.min(L.items.length - 1, cur + delta));
    store.getState().selectChunk(L.items[next].name);
  }

  function zoom(factor: number) {
    const L = live.current.layout;
    const vp = vpRef.current;
    if (L && vp) setViewport(zoomAt(L, vp, factor));
  }

  function fit() {
    const L = live.current.layout;
    if (!L) return;
    userMovedRef.current = false;
    setViewport(fitAll(L, width), false);
  }

  function onKeyDown(e: KeyboardEvent<HTMLCanvasElement>) {
    const L = live.current.layout;
    const vp = vpRef.current;
    if (!L || !vp) return;
    let handled = true;
    switch (e.key) {
      case '+':
      case '=':
        zoom(1.5);
        break;
      case '-':
      case '_':
        zoom(1 / 1.5);
        break;
      case '0':
        fit();
        break;
      case 'ArrowLeft':
        if (e.shiftKey) stepSelection(-1);
        else setViewport(panBy(L, vp, -vp.width * 0.15));
        break;
      case 'ArrowRight':
        if (e.shiftKey) stepSelection(1);
        else setViewport(panBy(L, vp, vp.width * 0.15));
        break;
      case '[':
      case ',':
        stepSelection(-1);
        break;
      case ']':
      case '.':
        stepSelection(1);
        break;
      case 'Home':
        setViewport(panBy(L, vp, -Infinity));
        break;
      case 'End':
        setViewport(panBy(L, vp, Infinity));
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  if (!report || !layout) return null;
  const gaps = layout.breaks.filter((b) => b.kind === 'gap').length;
  const label =
    `Timeline of ${formatInt(report.chunks.length)} chunks along the ${axis === 'key' ? 'audit key' : timeName.toLowerCase()} axis` +
    (axis === 'key' || !keyed ? `, ${gaps} ${gaps === 1 ? 'gap' : 'gaps'}` : '') +
    '. Arrow keys pan, plus and minus zoom, 0 fits, Shift+arrows or [ and ] select the previous or next chunk.';

  return (
    <div className={`timeline${compact ? ' timeline-compact' : ''}`} data-testid="timeline">
      <TimelineToolbar
        keyed={keyed}
        axis={axis}
        timeName={timeName}
        compact={compact}
        onAxis={setAxis}
        onZoom={zoom}
        onFit={fit}
      />
      <div className="timeline-canvas-wrap" ref={wrapRef} style={{ height: g.height }}>
        <canvas
          ref={canvasRef}
          className="timeline-canvas"
          data-testid="timeline-canvas"
          style={{ width: '100%', height: g.height }}
          tabIndex={0}
          role="img"
          aria-label={label}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={onPointerLeave}
          onKeyDown={onKeyDown}
          onFocus={() => {
            focusedRef.current = true;
            schedule();
          }}
          onBlur={() => {
            focusedRef.current = false;
            schedule();
          }}
        />
        {tooltip ? (
          <div
            className="timeline-tooltip"
            role="tooltip"
            data-testid="timeline-tooltip"
            style={{ left: Math.min(tooltip.x + 14, Math.max(0, width - 320)), top: tooltip.y + 14 }}
          >
            {tooltip.lines.map((l, i) => (
              <div key={i} className={i === 0 ? 'tt-title' : undefined}>
                {l}
              </div>
            ))}
          </div>
        ) : null}
        <div className="sr-only" aria-live="polite">
          {announce}
        </div>
      </div>
      <TimelineLegend axis={reportAxis(report)} />
    </div>
  );
}
