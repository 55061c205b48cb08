// The shapes of a computed timeline: placed chunks, breaks, axis segments and the viewport.
// Kept apart from the code that computes and reads them (layout.ts, coords.ts, viewport.ts,
// hit-test.ts, draw.ts), so each of those imports the types without importing the others.
import type { Severity } from '../../../shared/report';
import type { Span } from '../../../shared/coverage-view';
import type { Mark } from './marks';

export type Axis = 'key' | 'time';

export interface TimelineItem {
  /** Index into report.chunks. */
  index: number;
  name: string;
  /** Domain extent. */
  from: number;
  to: number;
  u0: number;
  u1: number;
  lane: number;
  /** The start was not known and was taken from the chunk before. */
  inferredStart: boolean;
  severity: Severity | null;
  marks: Mark[];
  /** Requested but not delivered (time axes: a short export), drawn hatched inside the item. */
  shortfall: Span[];
}

export interface TimelineBreak {
  kind: 'gap' | 'silence';
  from: number;
  to: number;
  u0: number;
  u1: number;
  /** The break is drawn narrower than its true size. */
  compressed: boolean;
  /** Index of the problem it stands for (a gap, or a late chunk), if any. */
  problem: number | null;
  /** The chunk after the break. */
  chunk: string | null;
}

export interface Segment {
  d0: number;
  d1: number;
  u0: number;
  u1: number;
  isBreak: boolean;
  /** Drawn narrower than its true length (the axis is broken there). */
  compressed: boolean;
}

export interface TimelineLayout {
  axis: Axis;
  /** Placed chunks sorted by u0 (then u1). */
  items: TimelineItem[];
  /** Chunks with no position on this axis. */
  unplaced: TimelineItem[];
  breaks: TimelineBreak[];
  segments: Segment[];
  uMin: number;
  uMax: number;
  lanes: number;
  /** prefixMaxU1[i] = max(items[0..i].u1), for culling. */
  prefixMaxU1: Float64Array;
  /** Smallest non-zero item width in u (limits zoom-in). */
  minItemU: number;
}

export interface Viewport {
  u0: number;
  u1: number;
  /** CSS pixels. */
  width: number;
}
