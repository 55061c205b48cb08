// Silences longer than the schedule explains (late) and a newest chunk older than the
// cadence as of the scan (stale), within each series. On the run-date and run-time axes a
// silence is already a gap (a missing day or run), so only stale is judged there.
import type { AxisKind } from '../../shared/family';
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { CheckContext } from '../formats/types';
import { formatDuration, formatTs } from '../report/format-time';
import { CHUNK_WORD } from './axis-words';
import { bySeries, type Keyed } from './order';

/** A schedule as resolved for one drop (given, the family's, or inferred). */
export interface Cadence {
  /** Expected seconds between runs. */
  cadenceSeconds: number;
  /** Extra seconds tolerated before a silence is reported. */
  graceSeconds: number;
  /** Unix seconds the stale check is judged at. */
  asOf: number;
}

/** What the user asked for: cadence and grace may be left to the family. */
export interface Judgement {
  cadenceSeconds?: number;
  graceSeconds?: number;
  asOf: number;
  /** How long dumps are kept (daily drops' retention check; default 30 days). */
  retentionSeconds?: number;
}

export const DEFAULT_CADENCE_SECONDS = 8 * 3600;

/** The intervals between consecutive chunk times of each series, shortest first (same-time chunks aside). */
function intervalsOf(ordered: Keyed[]): number[] {
  const gaps: number[] = [];
  for (const group of bySeries(ordered)) {
    const times = group.map((k) => k.time).filter((t): t is number => t !== null).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) if (times[i] > times[i - 1]) gaps.push(times[i] - times[i - 1]);
  }
  return gaps.sort((a, b) => a - b);
}

/** The middle of sorted intervals (the lower of the middle two). */
const middleOf = (sorted: number[]): number => sorted[Math.floor((sorted.length - 1) / 2)];

/**
 * A schedule read from chunk times, to the minute: runs drift by seconds, and a schedule is
 * shown and entered as "1d", not "86407s". One of under a minute (a test's, a burst's) is
 * kept to the second.
 */
const toTheMinute = (seconds: number): number => (seconds < 60 ? seconds : Math.round(seconds / 60) * 60);

/** The median interval between consecutive chunk times of each series, to the minute (null with under two). */
export function inferCadence(ordered: Keyed[]): number | null {
  const gaps = intervalsOf(ordered);
  return gaps.length ? toTheMinute(middleOf(gaps)) : null;
}

/**
 * Intervals a drop needs before its own schedule is believed (regularCadence), and the share
 * of them that must lie within REGULAR_BAND of their median (with three, all three). Four
 * runs a day apart are a daily schedule; two or three runs could be anything.
 */
export const REGULAR_MIN_INTERVALS = 3;
const REGULAR_SHARE = 0.75;
const REGULAR_BAND = [0.8, 1.25] as const;

/**
 * The schedule a drop keeps by itself: the median interval between its chunks (to the
 * minute), where at least REGULAR_SHARE of REGULAR_MIN_INTERVALS or more intervals lie
 * within REGULAR_BAND of it; else null. A vendor's job moved to another schedule (the Info
 * Mart export's default of every 8 hours "can be adjusted") runs regularly on it, where a
 * job that is failing does not: its missed runs make intervals of two or three periods,
 * which a regular schedule allows only now and then.
 */
export function regularCadence(ordered: Keyed[]): number | null {
  const gaps = intervalsOf(ordered);
  if (gaps.length < REGULAR_MIN_INTERVALS) return null;
  const median = middleOf(gaps);
  const near = gaps.filter((g) => g >= median * REGULAR_BAND[0] && g <= median * REGULAR_BAND[1]).length;
  return near >= REGULAR_SHARE * gaps.length ? toTheMinute(median) : null;
}

export function timeProblems(ordered: Keyed[], c: CheckContext | (Cadence & { axis?: AxisKind })): Problem[] {
  return [...lateProblems(ordered, c), ...staleProblems(newestOfSeries(ordered), c)];
}

/** Silences between consecutive chunks of a series longer than the schedule explains (not judged by the as-of time). */
export function lateProblems(ordered: Keyed[], c: Omit<Cadence, 'asOf'> & { axis?: AxisKind }): Problem[] {
  const axis = c.axis ?? 'audit-key';
  if (axis !== 'audit-key' && axis !== 'time-range') return [];
  const word = CHUNK_WORD[axis];
  const limit = c.cadenceSeconds + c.graceSeconds;
  const problems: Problem[] = [];
  for (const group of bySeries(ordered)) {
    const timed = group.filter((k) => k.time !== null).sort((a, b) => a.time! - b.time!);
    for (let i = 1; i < timed.length; i++) {
      const silence = timed[i].time! - timed[i - 1].time!;
      if (silence > limit) {
        problems.push({
          kind: 'late',
          severity: SEVERITY_OF.late,
          chunk: timed[i].chunk.name,
          previous: timed[i - 1].chunk.name,
          table: null,
          message: `no ${word} for ${formatDuration(silence)} before this one (expected every ${formatDuration(c.cadenceSeconds)})`,
          detail: { fromTs: timed[i - 1].time, toTs: timed[i].time, silenceSeconds: silence, cadenceSeconds: c.cadenceSeconds },
        });
      }
    }
  }
  return problems;
}

/** A series' newest timed chunk: what the stale check judges (kept between scans, report/verdict.ts). */
export interface NewestChunk {
  name: string;
  series: string;
  time: number;
}

/** Each series' newest timed chunk (the last of equal times, as a stable sort leaves them). */
export function newestOfSeries(ordered: Keyed[]): NewestChunk[] {
  const out: NewestChunk[] = [];
  for (const group of bySeries(ordered)) {
    let newest: Keyed | undefined;
    for (const k of group) if (k.time !== null && (!newest || k.time >= newest.time!)) newest = k;
    if (newest) out.push({ name: newest.chunk.name, series: newest.series, time: newest.time! });
  }
  return out;
}

/** A series whose newest chunk is older than the schedule allows, as of `c.asOf`. */
export function staleProblems(newest: NewestChunk[], c: CheckContext | (Cadence & { axis?: AxisKind })): Problem[] {
  const word = CHUNK_WORD[c.axis ?? 'audit-key'];
  const limit = c.cadenceSeconds + c.graceSeconds;
  const problems: Problem[] = [];
  for (const n of newest) {
    if (c.asOf - n.time <= limit) continue;
    problems.push({
      kind: 'stale',
      severity: SEVERITY_OF.stale,
      chunk: n.name,
      previous: null,
      table: null,
      message: `the newest ${word}${n.series ? ` of ${n.series}` : ''} is ${formatDuration(c.asOf - n.time)} old as of ${formatTs(c.asOf)} (expected every ${formatDuration(c.cadenceSeconds)})`,
      detail: { newestTs: n.time, asOf: c.asOf, cadenceSeconds: c.cadenceSeconds },
    });
  }
  return problems;
}
