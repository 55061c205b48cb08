// Per-table totals across a drop's chunks (in how many chunks, rows, unreadable copies,
// changed column lists) and their notes in words, for the reports' Tables section.
import type { ScanReport } from '../../shared/report';
import { plural } from './problem-words';

export interface TableTotal {
  name: string;
  /** Chunks the table is in. */
  chunks: number;
  /** Rows across those chunks, where known. */
  rows: number;
  /** Chunks where its row count is unknown. */
  unreadable: number;
  malformedRows: number;
  /** Distinct column lists seen (more than one: the schema changed). */
  columnSets: number;
}

/** Per-table totals across chunks, by table name as written, sorted by name. */
export function tableTotals(r: ScanReport): TableTotal[] {
  const byName = new Map<string, TableTotal & { sets: Set<string> }>();
  for (const c of r.chunks) {
    const seen = new Set<string>();
    for (const t of c.tables) {
      const tt = byName.get(t.name) ?? {
        name: t.name,
        chunks: 0,
        rows: 0,
        unreadable: 0,
        malformedRows: 0,
        columnSets: 0,
        sets: new Set<string>(),
      };
      if (!seen.has(t.name)) tt.chunks += 1;
      seen.add(t.name);
      if (typeof t.rows === 'number') tt.rows += t.rows;
      else tt.unreadable += 1;
      tt.malformedRows += t.malformedRows ?? 0;
      if (t.columns.length) tt.sets.add(JSON.stringify(t.columns));
      byName.set(t.name, tt);
    }
  }
  return [...byName.values()]
    .map(({ sets, ...t }) => ({ ...t, columnSets: sets.size }))
    .sort((a, b) => {
      const x = a.name.toLowerCase();
      const y = b.name.toLowerCase();
      return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
}

/** "unreadable in 1 chunk; 3 malformed rows; columns differ between chunks" */
export function tableNotes(t: TableTotal): string {
  const notes: string[] = [];
  if (t.unreadable) notes.push(`unreadable in ${plural(t.unreadable, 'chunk')}`);
  if (t.malformedRows) notes.push(plural(t.malformedRows, 'malformed row'));
  if (t.columnSets > 1) notes.push(`${t.columnSets} different column lists`);
  return notes.join('; ');
}
