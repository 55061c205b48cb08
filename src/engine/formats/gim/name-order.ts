// Info Mart's own cross-chunk check. The vendor tells consumers to process folders in name
// order; with unpadded keys that order can differ from the audit-key order. Each inversion
// boundary is reported once.
import { SEVERITY_OF, type Problem } from '../../../shared/report';
import { nameOrder } from '../../checks/order';
import type { ChunkSummary } from '../../model';
import type { CrossChunkCheck } from '../types';

export const nameOrderProblems: CrossChunkCheck = (ordered: ChunkSummary[]): Problem[] => {
  const keyed = ordered.filter((c) => c.coverage.to !== null);
  const rank = new Map(keyed.map((c, i) => [c.name, i]));
  const byName = nameOrder(keyed);
  const problems: Problem[] = [];
  for (let i = 1; i < byName.length; i++) {
    const a = byName[i - 1];
    const b = byName[i];
    if (rank.get(a.name)! > rank.get(b.name)!) {
      problems.push({
        kind: 'out-of-order',
        severity: SEVERITY_OF['out-of-order'],
        chunk: b.name,
        previous: a.name,
        table: null,
        message: `name order puts ${b.name} after ${a.name}, but its audit keys come first: a loader that processes folders by name (as the vendor advises) applies them in the wrong order`,
      });
    }
  }
  return problems;
};
