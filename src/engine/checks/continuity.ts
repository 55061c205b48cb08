// Gaps, overlaps and duplicates along a family's axis, within each series.
// - audit-key (Info Mart, documented): the next export's hwm-from equals this export's hwm-to.
// - time-range (bulk exports): windows [from, to) follow each other; the requested window is
//   what continuity is judged on, and a delivered window shorter than the requested one is a
//   gap inside that chunk.
// - run-date (daily dumps): one dump a day; a day without one is a gap.
// - run-time (extracts): runs on a schedule; a silence that fits whole runs is a gap.
// Chunks with no extent (metadata missing and nothing in the name) never make a gap.
import type { AxisKind } from '../../shared/family';
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { CheckContext } from '../formats/types';
import { formatDuration } from '../report/format-time';
import { rangeWords } from './axis-words';
import { bySeries, type Keyed } from './order';

export function continuityProblems(ordered: Keyed[], ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  for (const group of bySeries(ordered)) {
    problems.push(...(ctx.axis === 'run-time' ? scheduleGaps(group, ctx) : rangeContinuity(group, ctx.axis)));
  }
  if (ctx.axis === 'time-range') problems.push(...insideGaps(ordered));
  return problems;
}

function detailOf(axis: AxisKind, from: number | null, to: number | null, k: Keyed, prev: Keyed): Record<string, unknown> {
  if (axis === 'audit-key') return { fromKey: from, toKey: to, fromTs: prev.chunk.hwmToTs, toTs: k.chunk.hwmFromTs };
  return { axis, fromTs: from, toTs: to };
}

function rangeContinuity(ordered: Keyed[], axis: AxisKind): Problem[] {
  const problems: Problem[] = [];
  const ranges = new Map<string, string>(); // "from-to" → first chunk with that range
  let prev: Keyed | null = null;
  let frontier: number | null = null;
  for (const k of ordered) {
    if (k.to === null) continue;
    const name = k.chunk.name;
    const rangeKey = `${k.from ?? '?'}-${k.to}`;
    const dupOf = k.from !== null ? ranges.get(rangeKey) : undefined;
    if (dupOf !== undefined || (prev && prev.to === k.to && (k.from === null || prev.from === null || k.from === prev.from))) {
      const first = dupOf ?? prev!.chunk.name;
      problems.push({
        kind: 'duplicate',
        severity: SEVERITY_OF.duplicate,
        chunk: name,
        previous: first,
        table: null,
        message:
          axis === 'audit-key'
            ? `covers the same audit keys ${k.from ?? '?'}..${k.to} as ${first} (a re-export?)`
            : axis === 'run-date'
              ? `a second dump of ${rangeWords(axis, k.from, k.to)} beside ${first}`
              : `covers the same window ${rangeWords(axis, k.from, k.to)} as ${first} (a repeated request?)`,
        detail: axis === 'audit-key' ? { fromKey: k.from, toKey: k.to } : { axis, fromTs: k.from, toTs: k.to },
      });
    } else if (prev && frontier !== null && k.from !== null) {
      if (k.from > frontier) {
        problems.push({
          kind: 'gap',
          severity: SEVERITY_OF.gap,
          chunk: name,
          previous: prev.chunk.name,
          table: null,
          message:
            axis === 'audit-key'
              ? `audit keys ${frontier}..${k.from} are in no chunk`
              : axis === 'run-date'
                ? `no dump for ${rangeWords(axis, frontier, k.from)}`
                : `no request covers ${rangeWords(axis, frontier, k.from)}`,
          detail: detailOf(axis, frontier, k.from, k, prev),
        });
      } else if (k.from < frontier) {
        const end = Math.min(frontier, k.to);
        problems.push({
          kind: 'overlap',
          severity: SEVERITY_OF.overlap,
          chunk: name,
          previous: prev.chunk.name,
          table: null,
          message:
            axis === 'audit-key'
              ? `starts at audit key ${k.from}, before ${prev.chunk.name} ends at ${frontier}: keys ${k.from}..${end} are exported twice`
              : `starts before ${prev.chunk.name} ends: ${rangeWords(axis, k.from, end)} is exported twice`,
          detail: axis === 'audit-key' ? { fromKey: k.from, toKey: end } : { axis, fromTs: k.from, toTs: end },
        });
      }
    }
    if (k.from !== null && !ranges.has(rangeKey)) ranges.set(rangeKey, name);
    frontier = frontier === null ? k.to : Math.max(frontier, k.to);
    prev = k;
  }
  return problems;
}

/** Time-range chunks that delivered less than they were asked for: a gap inside the chunk. */
function insideGaps(ordered: Keyed[]): Problem[] {
  const problems: Problem[] = [];
  for (const { chunk: c } of ordered) {
    const req = c.requested;
    const got = c.coverage;
    if (!req || req.from === null || req.to === null || got.from === null || got.to === null) continue;
    const holes: Array<[number, number]> = [];
    if (got.from > req.from) holes.push([req.from, got.from]);
    if (got.to < req.to) holes.push([got.to, req.to]);
    for (const [from, to] of holes) {
      problems.push({
        kind: 'gap',
        severity: SEVERITY_OF.gap,
        chunk: c.name,
        previous: null,
        table: null,
        message: `exported ${rangeWords('time-range', got.from, got.to)} of the requested ${rangeWords('time-range', req.from, req.to)}: ${rangeWords('time-range', from, to)} is in no export`,
        detail: { axis: 'time-range', inside: true, fromTs: from, toTs: to, requestedFrom: req.from, requestedTo: req.to },
      });
    }
  }
  return problems;
}

/** Runs on a schedule: a silence longer than cadence + grace means runs are missing. */
function scheduleGaps(ordered: Keyed[], ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const timed = ordered.filter((k) => k.from !== null).sort((a, b) => a.from! - b.from!);
  for (let i = 1; i < timed.length; i++) {
    const prev = timed[i - 1];
    const k = timed[i];
    const silence = k.from! - prev.from!;
    if (silence === 0) {
      problems.push({
        kind: 'duplicate',
        severity: SEVERITY_OF.duplicate,
        chunk: k.chunk.name,
        previous: prev.chunk.name,
        table: null,
        message: `the same run time as ${prev.chunk.name} (delivered twice?)`,
        detail: { axis: 'run-time', fromTs: k.from, toTs: k.from },
      });
    } else if (silence > ctx.cadenceSeconds + ctx.graceSeconds) {
      const missing = Math.max(1, Math.round(silence / ctx.cadenceSeconds) - 1);
      problems.push({
        kind: 'gap',
        severity: SEVERITY_OF.gap,
        chunk: k.chunk.name,
        previous: prev.chunk.name,
        table: null,
        message: `no run for ${formatDuration(silence)} before this one: about ${missing} run${missing === 1 ? '' : 's'} missing between ${rangeWords('run-time', prev.from, k.from)} (expected every ${formatDuration(ctx.cadenceSeconds)})`,
        detail: { axis: 'run-time', fromTs: prev.from, toTs: k.from, missingRuns: missing, cadenceSeconds: ctx.cadenceSeconds },
      });
    }
  }
  return problems;
}
