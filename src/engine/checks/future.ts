// Chunks dated after the scan's "as of" time: created, holding data, or named for a moment
// that has not come yet. Clock skew on the exporting host or wrong metadata; loaders that
// order by time, and the late/stale checks, are misled by it. A few minutes of skew are
// tolerated (clocks of two machines are never equal).
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { ChunkSummary } from '../model';
import type { Cadence } from './time';

/** Seconds past the as-of time still taken for clock skew. */
export const FUTURE_TOLERANCE_SECONDS = 300;

const iso = (ts: number): string => new Date(ts * 1000).toISOString().replace('.000Z', 'Z');

/** A chunk's dates, as the check judges them. */
export type ChunkDates = Pick<ChunkSummary, 'name' | 'createdTs' | 'maxDataTs' | 'nameTs'>;

/**
 * The chunks that are future-dated at `asOf` or at any earlier time, with their dates: the
 * check's facts, which judge any as-of time from `asOf` on (an as-of time only moves forward
 * past a date) without the other chunks (report/verdict.ts).
 */
export function futureCandidates(chunks: ChunkSummary[], asOf: number): ChunkDates[] {
  const limit = asOf + FUTURE_TOLERANCE_SECONDS;
  const out: ChunkDates[] = [];
  for (const c of chunks) {
    if ((c.createdTs ?? -Infinity) > limit || (c.maxDataTs ?? -Infinity) > limit || (c.nameTs ?? -Infinity) > limit) {
      out.push({ name: c.name, createdTs: c.createdTs, maxDataTs: c.maxDataTs, nameTs: c.nameTs });
    }
  }
  return out;
}

export function futureDatedProblems(chunks: ChunkDates[], c: Pick<Cadence, 'asOf'>): Problem[] {
  const limit = c.asOf + FUTURE_TOLERANCE_SECONDS;
  const problems: Problem[] = [];
  for (const chunk of chunks) {
    const dates: Array<[string, number | null]> = [
      ['created', chunk.createdTs],
      ['holds data up to', chunk.maxDataTs],
      ['is named for', chunk.nameTs],
    ];
    const late = dates.filter((d): d is [string, number] => d[1] !== null && d[1] > limit);
    if (!late.length) continue;
    const latest = Math.max(...late.map((d) => d[1]));
    problems.push({
      kind: 'future-dated',
      severity: SEVERITY_OF['future-dated'],
      chunk: chunk.name,
      previous: null,
      table: null,
      message: `${late.map(([what, ts]) => `${what} ${iso(ts)}`).join(', ')}: after the scan's time ${iso(c.asOf)}`,
      detail: {
        asOf: c.asOf,
        createdTs: chunk.createdTs,
        maxDataTs: chunk.maxDataTs,
        nameTs: chunk.nameTs,
        aheadSeconds: latest - c.asOf,
      },
    });
  }
  return problems;
}
