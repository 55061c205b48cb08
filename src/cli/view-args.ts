// The grid's view as command-line flags, for `rows` and `stats`:
//   --sort COL[:asc|:desc]     repeatable: later ones order rows equal by the earlier ones
//   --search TEXT              case-blind substring of any cell
//   --filter 'COL OP VALUE'    repeatable, all must hold. OP is a word (contains, not-contains,
//                              equals, not-equals, starts-with, ends-with, regex, gt, gte, lt,
//                              lte, empty, not-empty) or a symbol (= != > >= < <= ~ !~ ^= $= =~);
//                              COL * means any column; '--filter malformed' keeps malformed rows.
// Comparisons are numeric where the column is numeric and VALUE a number (as in the grid).
import { EngineError } from '../engine/model';
import type { FilterOp, FilterSpec, SortSpec, ViewSpec } from '../shared/table-api';

export interface ViewValues {
  sort?: string[];
  search?: string;
  filter?: string[];
}

const WORD_OPS: FilterOp[] = [
  'not-contains',
  'contains',
  'not-equals',
  'equals',
  'starts-with',
  'ends-with',
  'regex',
  'gte',
  'gt',
  'lte',
  'lt',
  'not-empty',
  'empty',
];
const SYMBOL_OPS: Record<string, FilterOp> = {
  '!=': 'not-equals',
  '!~': 'not-contains',
  '>=': 'gte',
  '<=': 'lte',
  '^=': 'starts-with',
  '$=': 'ends-with',
  '=~': 'regex',
  '=': 'equals',
  '>': 'gt',
  '<': 'lt',
  '~': 'contains',
};

const bad = (msg: string): EngineError => new EngineError('bad-request', msg);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function parseSort(arg: string): SortSpec {
  const m = /^(.*):(asc|desc)$/i.exec(arg);
  const column = (m ? m[1] : arg).trim();
  if (!column) throw bad(`--sort needs a column (not "${arg}")`);
  return { column, desc: m ? m[2].toLowerCase() === 'desc' : false };
}

export function parseFilter(arg: string): FilterSpec {
  const text = arg.trim();
  if (text.toLowerCase() === 'malformed') return { op: 'malformed' };
  const column = (c: string): string | undefined => (c.trim() === '*' ? undefined : c.trim());
  const words = new RegExp(`^(.+?)\\s+(${WORD_OPS.map(escape).join('|')})(?:\\s+(.*))?$`, 'i').exec(text);
  let col: string | undefined;
  let op: FilterOp;
  let value: string | undefined;
  if (words) {
    col = words[1];
    op = words[2].toLowerCase() as FilterOp;
    value = words[3];
  } else {
    const symbols = Object.keys(SYMBOL_OPS).map(escape).join('|');
    const m = new RegExp(`^(.+?)\\s*(${symbols})\\s*(.*)$`).exec(text);
    if (!m)
      throw bad(
        `--filter must be 'COLUMN OP VALUE' (OP: ${WORD_OPS.join(', ')} or = != > >= < <= ~ !~ ^= $= =~), not "${arg}"`,
      );
    col = m[1];
    op = SYMBOL_OPS[m[2]];
    value = m[3];
  }
  const needsValue = op !== 'empty' && op !== 'not-empty';
  if (needsValue && (value === undefined || value === ''))
    throw bad(`--filter "${arg}": ${op} needs a value`);
  if (!needsValue && value) throw bad(`--filter "${arg}": ${op} takes no value`);
  if (col === undefined || col.trim() === '') throw bad(`--filter "${arg}" needs a column (or * for any)`);
  return { op, ...(column(col) !== undefined ? { column: column(col) } : {}), ...(needsValue ? { value } : {}) };
}

export function parseView(values: ViewValues): ViewSpec {
  const sorts = (values.sort ?? []).map(parseSort);
  const filter = (values.filter ?? []).map(parseFilter);
  return {
    ...(sorts.length ? { sort: sorts[0] } : {}),
    ...(sorts.length > 1 ? { thenBy: sorts.slice(1) } : {}),
    ...(filter.length ? { filter } : {}),
    ...(values.search !== undefined && values.search !== '' ? { search: values.search } : {}),
  };
}
