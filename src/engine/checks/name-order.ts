// The vendor tells consumers to process folders in name order; with unpadded keys that
// order can differ from the audit-key order. Each inversion boundary is reported once.
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { ChunkRecord } from '../model';
import { nameOrder, type Keyed } from './order';

export function nameOrderProblems(ordered: Keyed[], chunks: ChunkRecord[]): Problem[] {
  const rank = new Map(ordered.filter((k) => k.to !== null).map((k, i) => [k.chunk.name, i]));
  const byName = nameOrder(chunks).filter((c) => rank.has(c.name));
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
}
