// A table whose columns differ from its previous chunk: the target schema needs updating.
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { Keyed } from './order';

export function schemaProblems(ordered: Keyed[]): Problem[] {
  const last = new Map<string, { chunk: string; columns: string[] }>();
  const problems: Problem[] = [];
  for (const { chunk } of ordered) {
    for (const t of chunk.tables) {
      if (!t.columns.length) continue;
      const key = t.name.toLowerCase();
      const before = last.get(key);
      last.set(key, { chunk: chunk.name, columns: t.columns });
      if (!before || same(before.columns, t.columns)) continue;
      const added = t.columns.filter((c) => !before.columns.includes(c));
      const removed = before.columns.filter((c) => !t.columns.includes(c));
      const parts: string[] = [];
      if (added.length) parts.push(`gained ${added.join(', ')}`);
      if (removed.length) parts.push(`lost ${removed.join(', ')}`);
      if (!parts.length) parts.push('has its columns in another order');
      problems.push({
        kind: 'schema-change',
        severity: SEVERITY_OF['schema-change'],
        chunk: chunk.name,
        previous: before.chunk,
        table: t.name,
        message: `${t.name} ${parts.join(' and ')} since ${before.chunk}`,
        detail: { added, removed, before: before.columns, after: t.columns },
      });
    }
  }
  return problems;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
