// A view's cell semantics (src/shared/table-api.ts): what counts as a number, code-point
// order, and one filter's test of one cell.
import type { FilterSpec } from '../../../src/shared/table-api';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
export const isNumber = (v: string): boolean => NUMBER.test(v.trim()) && Number.isFinite(Number(v));

/** Code-point (binary UTF-8) order. */
export function codePointCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function cellMatches(cell: string, f: FilterSpec, numeric: boolean, re: RegExp | null): boolean {
  const cs = f.caseSensitive === true;
  const v = f.value ?? '';
  const a = cs ? cell : cell.toLowerCase();
  const b = cs ? v : v.toLowerCase();
  switch (f.op) {
    case 'contains':
      return a.includes(b);
    case 'not-contains':
      return !a.includes(b);
    case 'equals':
      return a === b;
    case 'not-equals':
      return a !== b;
    case 'starts-with':
      return a.startsWith(b);
    case 'ends-with':
      return a.endsWith(b);
    case 'empty':
      return cell === '';
    case 'not-empty':
      return cell !== '';
    case 'regex':
      return re!.test(cell);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (cell === '') return false;
      const c = numeric && isNumber(v) ? Number(cell) - Number(v) : codePointCompare(cell, v);
      return f.op === 'gt' ? c > 0 : f.op === 'gte' ? c >= 0 : f.op === 'lt' ? c < 0 : c <= 0;
    }
    default:
      return false;
  }
}
