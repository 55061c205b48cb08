// Gaps, overlaps and duplicates along the audit-key axis. The documented rule: the next
// export's hwm-from equals this export's hwm-to; a break means a chunk is missing.
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { Keyed } from './order';

export function continuityProblems(ordered: Keyed[]): Problem[] {
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
        message: `covers the same audit keys ${k.from ?? '?'}..${k.to} as ${first} (a re-export?)`,
        detail: { fromKey: k.from, toKey: k.to },
      });
    } else if (prev && frontier !== null && k.from !== null) {
      if (k.from > frontier) {
        problems.push({
          kind: 'gap',
          severity: SEVERITY_OF.gap,
          chunk: name,
          previous: prev.chunk.name,
          table: null,
          message: `audit keys ${frontier}..${k.from} are in no chunk`,
          detail: {
            fromKey: frontier,
            toKey: k.from,
            fromTs: prev.chunk.hwmToTs,
            toTs: k.chunk.hwmFromTs,
          },
        });
      } else if (k.from < frontier) {
        problems.push({
          kind: 'overlap',
          severity: SEVERITY_OF.overlap,
          chunk: name,
          previous: prev.chunk.name,
          table: null,
          message: `starts at audit key ${k.from}, before ${prev.chunk.name} ends at ${frontier}: keys ${k.from}..${Math.min(frontier, k.to)} are exported twice`,
          detail: { fromKey: k.from, toKey: Math.min(frontier, k.to) },
        });
      }
    }
    if (k.from !== null && !ranges.has(rangeKey)) ranges.set(rangeKey, name);
    frontier = frontier === null ? k.to : Math.max(frontier, k.to);
    prev = k;
  }
  return problems;
}
