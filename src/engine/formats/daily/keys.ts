// A daily table's primary key: the data dictionary's convention is the singular table name
// without its FACT_/DIM_ prefix plus _ID (FACT_REVIEWS → review_id, DIM_LOCATIONS →
// location_id); FACT_LOCATION_DAILY_STATS is keyed by location and day.
import { findColumn } from '../../../shared/table-keys';

const COMPOSITE: Record<string, string[]> = {
  FACT_LOCATION_DAILY_STATS: ['location_id', 'date_id'],
};

function singular(w: string): string {
  if (/IES$/.test(w)) return w.slice(0, -3) + 'Y';
  if (/(SS|US)$/.test(w)) return w;
  if (/S$/.test(w)) return w.slice(0, -1);
  return w;
}

/** The key column of a table (single-column keys only), or null when none is found. */
export function dailyKey(table: string, columns: string[]): string | null {
  const t = table.toUpperCase();
  if (COMPOSITE[t]) return null;
  const words = t.replace(/^(FACT|DIM)_/, '').split('_');
  words[words.length - 1] = singular(words[words.length - 1]);
  return findColumn(columns, `${words.join('_')}_ID`);
}

/** The key columns, composite included (for the table browser's merged view). */
export function dailyKeyColumns(table: string, columns: string[]): string[] | null {
  const composite = COMPOSITE[table.toUpperCase()];
  if (composite) {
    const cols = composite.map((c) => findColumn(columns, c));
    return cols.every((c) => c !== null) ? (cols as string[]) : null;
  }
  const k = dailyKey(table, columns);
  return k ? [k] : null;
}
