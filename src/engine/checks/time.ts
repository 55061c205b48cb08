// Silences longer than the schedule explains (late) and a newest chunk older than the
// cadence as of the scan (stale). Info Mart's default: 00:20, 08:20, 16:20 → every 8 h.
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { Keyed } from './order';

export interface Cadence {
  /** Expected seconds between runs. */
  cadenceSeconds: number;
  /** Extra seconds tolerated before a silence is reported. */
  graceSeconds: number;
  /** Unix seconds the stale check is judged at. */
  asOf: number;
}

export const DEFAULT_CADENCE_SECONDS = 8 * 3600;

export function formatSpan(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  return `${m} min`;
}

export function timeProblems(ordered: Keyed[], c: Cadence): Problem[] {
  const timed = ordered.filter((k) => k.time !== null).sort((a, b) => a.time! - b.time!);
  const limit = c.cadenceSeconds + c.graceSeconds;
  const problems: Problem[] = [];
  for (let i = 1; i < timed.length; i++) {
    const silence = timed[i].time! - timed[i - 1].time!;
    if (silence > limit) {
      problems.push({
        kind: 'late',
        severity: SEVERITY_OF.late,
        chunk: timed[i].chunk.name,
        previous: timed[i - 1].chunk.name,
        table: null,
        message: `no export for ${formatSpan(silence)} before this one (expected every ${formatSpan(c.cadenceSeconds)})`,
        detail: { fromTs: timed[i - 1].time, toTs: timed[i].time, silenceSeconds: silence },
      });
    }
  }
  const newest = timed[timed.length - 1];
  if (newest && c.asOf - newest.time! > limit) {
    problems.push({
      kind: 'stale',
      severity: SEVERITY_OF.stale,
      chunk: newest.chunk.name,
      previous: null,
      table: null,
      message: `the newest export is ${formatSpan(c.asOf - newest.time!)} old as of ${new Date(c.asOf * 1000).toISOString()} (expected every ${formatSpan(c.cadenceSeconds)})`,
      detail: { newestTs: newest.time, asOf: c.asOf },
    });
  }
  return problems;
}
