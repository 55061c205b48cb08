// Which column(s) identify a record, for the merged view (gim.md: consumers merge chunks by
// the table's primary key, later chunk wins).
// Order of preference:
//   1. the keys gim.md names: INTERACTION_FACT: INTERACTION_ID; SM_RES_STATE_FACT:
//      SM_RES_STATE_FACT_KEY; IRF_USER_DATA_CUST_1: INTERACTION_RESOURCE_ID ('known');
//   2. <TABLE>_KEY, then <TABLE>_ID (trailing underscores of the table name dropped:
//      RESOURCE_ → RESOURCE_KEY) ('table-name');
//   3. the first *_KEY / *_ID / ID column, in column order, that is unique within every
//      chunk and never empty ('unique-column'); audit keys (CREATE_AUDIT_KEY,
//      UPDATE_AUDIT_KEY) and date-time keys (*_DATE_TIME_KEY) are never candidates;
//   4. none: the merged view is then the plain concatenation.
// Column names are matched case-blind; key values are compared as exact strings.

export const KNOWN_KEYS: Record<string, string> = {
  interaction_fact: 'INTERACTION_ID',
  sm_res_state_fact: 'SM_RES_STATE_FACT_KEY',
  irf_user_data_cust_1: 'INTERACTION_RESOURCE_ID',
};

const EXCLUDED = /^(CREATE_AUDIT_KEY|UPDATE_AUDIT_KEY)$|_DATE_TIME_KEY$/i;

export function findColumn(columns: string[], name: string): string | null {
  return columns.find((c) => c.toUpperCase() === name.toUpperCase()) ?? null;
}

/** The key from the table's name alone (rules 1 and 2), if its column exists. */
export function namedKey(
  table: string,
  columns: string[],
): { column: string; source: 'known' | 'table-name' } | null {
  const known = KNOWN_KEYS[table.toLowerCase()];
  if (known) {
    const c = findColumn(columns, known);
    if (c) return { column: c, source: 'known' };
  }
  const base = table.toUpperCase().replace(/_+$/, '');
  for (const suffix of ['_KEY', '_ID']) {
    const c = findColumn(columns, base + suffix);
    if (c) return { column: c, source: 'table-name' };
  }
  return null;
}

/** Key-like columns in column order (rule 3 candidates). */
export function keyCandidates(columns: string[]): string[] {
  return columns.filter((c) => (/(_KEY|_ID)$/i.test(c) || /^ID$/i.test(c)) && !EXCLUDED.test(c));
}

/** Every column, key-like ones first (what the user may choose from). */
export function choosableKeys(columns: string[]): string[] {
  const k = keyCandidates(columns);
  return [...k, ...columns.filter((c) => !k.includes(c))];
}
