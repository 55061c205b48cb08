// The timeline canvas's paint loop: at most one frame per animation frame (schedule), painted
// from the latest render's values, in the theme's palette (re-read when the colour scheme
// changes), each frame's time logged for the UI benchmark. Separate from TimelineCanvas.tsx,
// which owns the state and the input handling and only asks for frames.
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { TimelineLayout, Viewport } from './layout-types';
import type { Geometry } from './geometry';
import { fitAll } from './viewport';
import { drawTimeline } from './draw';
import { FALLBACK_PALETTE, readPalette, type Palette } from './palette';

const FRAME_LOG_MAX = 2000;

function recordFrame(ms: number): void {
  if (typeof window === 'undefined') return;
  const log = (window.__timelineFrameTimes ??= []);
  log.push(ms);
  if (log.length > FRAME_LOG_MAX) log.splice(0, log.length - FRAME_LOG_MAX);
}

function getContext2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  try {
    return canvas.getContext('2d');
  } catch {
    return null;
  }
}

const raf: (cb: () => void) => number =
  typeof requestAnimationFrame === 'function'
    ? (cb) => requestAnimationFrame(cb)
    : (cb) => setTimeout(cb, 16) as unknown as number;

/** What a frame paints: the latest render's values, read when the frame runs. */
export interface FrameInputs {
  layout: TimelineLayout | null;
  g: Geometry;
  selected: string | null;
  width: number;
}

/** The component's refs a frame reads (vpRef is also written: the viewport, fitted if unset). */
export interface PaintRefs {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  vpRef: RefObject<Viewport | null>;
  hoverRef: RefObject<string | null>;
  focusedRef: RefObject<boolean>;
  live: RefObject<FrameInputs>;
}

/** Returns schedule(): asks for a frame (several asks before it runs make one frame). */
export function usePaintLoop({ canvasRef, vpRef, hoverRef, focusedRef, live }: PaintRefs): () => void {
  const ctxRef = useRef<CanvasRenderingContext2D | null | undefined>(undefined);
  const paletteRef = useRef<Palette>(FALLBACK_PALETTE);
  const frameRef = useRef<number | null>(null);

  const draw = useCallback(() => {
    frameRef.current = null;
    const canvas = canvasRef.current;
    const { layout: L, g: G, selected: sel, width: W } = live.current;
    if (!canvas || !L) return;
    if (ctxRef.current === undefined) ctxRef.current = getContext2d(canvas);
    const ctx = ctxRef.current;
    if (!ctx) return; // no 2D context (jsdom, or a GPU-less failure): the rest of the UI still works
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(W * dpr);
    const ph = Math.round(G.height * dpr);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    let vp = vpRef.current ?? fitAll(L, W);
    if (vp.width !== W) vp = { ...vp, width: W };
    vpRef.current = vp;
    drawTimeline(ctx, L, vp, G, paletteRef.current, {
      selected: sel,
      hovered: hoverRef.current,
      focused: focusedRef.current,
    });
    recordFrame(performance.now() - t0);
  }, [canvasRef, focusedRef, hoverRef, live, vpRef]);

  const schedule = useCallback(() => {
    if (frameRef.current === null) frameRef.current = raf(draw);
  }, [draw]);

  // Palette follows the theme.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const read = () => {
      try {
        paletteRef.current = readPalette(canvas);
      } catch {
        paletteRef.current = FALLBACK_PALETTE;
      }
      schedule();
    };
    read();
    const mq =
      typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    mq?.addEventListener?.('change', read);
    return () => mq?.removeEventListener?.('change', read);
  }, [canvasRef, schedule]);

  useEffect(
    () => () => {
      if (frameRef.current !== null) {
        if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(frameRef.current);
        else clearTimeout(frameRef.current);
      }
    },
    [],
  );

  return schedule;
}
