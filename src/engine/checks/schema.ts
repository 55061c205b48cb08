// A table whose columns (or, where the layout has them, column types) differ from its
// previous chunk in the same series: the target schema needs updating.
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { Keyed } from './order';

export function schemaProblems(ordered: Keyed[]): Problem[] {
  // Each table's last columns by series, then lower-cased name (a map per series, a name
  // lower-cased once per distinct text: 3000 chunks' 18,000 tables made a key string and an
  // object each).
  const last = new Map<string, Map<string, { chunk: string; columns: string[]; types: string[] | null }>>();
  const lower = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { chunk, series } of ordered) {
    let bySeries = last.get(series);
    if (!bySeries) last.set(series, (bySeries = new Map()));
    for (const t of chunk.tables) {
      if (!t.columns.length) continue;
      let key = lower.get(t.name);
      if (key === undefined) lower.set(t.name, (key = t.name.toLowerCase()));
      const kept = bySeries.get(key);
      const types = t.columnTypes ?? null;
      if (!kept) {
        bySeries.set(key, { chunk: chunk.name, columns: t.columns, types });
        continue;
      }
      // The same columns (loaded summaries share one array per distinct list, and one per
      // type list), types unchanged or unknown on a side: nothing changed.
      if (kept.columns === t.columns && (kept.types === types || !kept.types || !types)) {
        kept.chunk = chunk.name;
        kept.types = types;
        continue;
      }
      const before = { ...kept };
      kept.chunk = chunk.name;
      kept.columns = t.columns;
      kept.types = types;
      if (same(before.columns, t.columns)) {
        // Loaded summaries share one array per distinct type list too: the same array, no change.
        const retyped =
          before.types && types && before.types !== types
            ? t.columns.filter((c, i) => before.types![i] !== types[i])
            : [];
        if (!retyped.length) continue;
        const changes = retyped.map(
          (c) => `${c} ${before.types![t.columns.indexOf(c)]} → ${types![t.columns.indexOf(c)]}`,
        );
        problems.push({
          kind: 'schema-change',
          severity: SEVERITY_OF['schema-change'],
          chunk: chunk.name,
          previous: before.chunk,
          table: t.name,
          message: `${t.name} changed column types since ${before.chunk}: ${changes.join(', ')}`,
          detail: {
            added: [],
            removed: [],
            retyped,
            before: before.columns,
            after: t.columns,
            typesBefore: before.types,
            typesAfter: types,
          },
        });
        continue;
      }
      const added = t.columns.filter((c) => !before.columns.includes(c));
      const removed = before.columns.filter((c) => !t.columns.includes(c));
      // Columns kept under the same name may have changed type as well (matched by name).
      const typeOf = (cols: string[], ts: string[] | null, c: string): string | null =>
        ts ? (ts[cols.indexOf(c)] ?? null) : null;
      const retyped =
        before.types && types
          ? t.columns.filter(
              (c) =>
                before.columns.includes(c) &&
                typeOf(before.columns, before.types, c) !== typeOf(t.columns, types, c),
            )
          : [];
      const parts: string[] = [];
      if (added.length) parts.push(`gained ${added.join(', ')}`);
      if (removed.length) parts.push(`lost ${removed.join(', ')}`);
      if (retyped.length)
        parts.push(
          `changed types: ${retyped.map((c) => `${c} ${typeOf(before.columns, before.types, c)} → ${typeOf(t.columns, types, c)}`).join(', ')}`,
        );
      if (!parts.length) parts.push('has its columns in another order');
      problems.push({
        kind: 'schema-change',
        severity: SEVERITY_OF['schema-change'],
        chunk: chunk.name,
        previous: before.chunk,
        table: t.name,
        message: `${t.name} ${parts.join(' and ')} since ${before.chunk}`,
        detail: {
          added,
          removed,
          retyped,
          before: before.columns,
          after: t.columns,
          ...(types ? { typesBefore: before.types, typesAfter: types } : {}),
        },
      });
    }
  }
  return problems;
}

function same(a: string[], b: string[]): boolean {
  // Loaded records share one array per distinct column list (catalog/records.ts).
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}
