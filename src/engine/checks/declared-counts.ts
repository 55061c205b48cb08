// A table whose records differ from the count its vendor declares (a stats file, a
// record-count or confirmation file). Generic: families only fill declaredRows/declaredIn.
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { ChunkSummary } from '../model';

export function declaredCountProblems(chunks: ChunkSummary[]): Problem[] {
  const problems: Problem[] = [];
  for (const c of chunks) {
    for (const t of c.tables) {
      if (t.declaredRows === null || t.declaredRows === undefined || t.rows === null || t.rows === t.declaredRows) continue;
      const diff = t.rows - t.declaredRows;
      problems.push({
        kind: 'row-count-mismatch',
        severity: SEVERITY_OF['row-count-mismatch'],
        chunk: c.name,
        table: t.name,
        message: `${t.name} holds ${t.rows} record${t.rows === 1 ? '' : 's'}, ${t.declaredIn ?? 'its count file'} declares ${t.declaredRows} (${diff > 0 ? '+' : ''}${diff})`,
        detail: { rows: t.rows, declaredRows: t.declaredRows, declaredIn: t.declaredIn, difference: diff },
      });
    }
  }
  return problems;
}
