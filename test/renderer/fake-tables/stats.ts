// A column's statistics over a view, counted row by row: empties, distinct values, the top
// ten, min and max, its kind (number, time, text) and a 20-bin histogram of numbers.
import type { ColumnStats } from '../../../src/shared/table-api';
import { CHUNK_COLUMN } from '../../../src/shared/table-api';
import { codePointCompare } from './cell-match';
import { cellAt, numericColumn } from './handle-rows';
import type { Handle, View } from './types';

export function statsOf(h: Handle, view: View, ci: number, column: string): ColumnStats {
  const numeric = numericColumn(h, ci);
  const dataName = h.withChunk && ci === 0 ? CHUNK_COLUMN : column;
  const epochName = /(_TS|_TIME|^CREATED|^DELETED|^LASTCHANGE|_DATE)$/i.test(dataName);
  const counts = new Map<string, number>();
  let empty = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let min: string | null = null;
  let max: string | null = null;
  for (let i = 0; i < view.rows; i++) {
    const v = cellAt(h, view.at(i), ci);
    counts.set(v, (counts.get(v) ?? 0) + 1);
    if (v === '') {
      empty++;
      continue;
    }
    if (numeric) {
      const x = Number(v);
      if (x < lo) {
        lo = x;
        min = v;
      }
      if (x > hi) {
        hi = x;
        max = v;
      }
    } else {
      if (min === null || codePointCompare(v, min) < 0) min = v;
      if (max === null || codePointCompare(v, max) > 0) max = v;
    }
  }
  const kind: ColumnStats['kind'] =
    numeric && epochName && lo >= 1e8 && hi <= 4.2e9 ? 'time' : numeric ? 'number' : 'text';
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || codePointCompare(a[0], b[0]))
    .slice(0, 10)
    .map(([value, count]) => ({ value, count }));
  let histogram: ColumnStats['histogram'] = null;
  if (numeric && min !== null) {
    const bins = hi > lo ? 20 : 1;
    const width = hi > lo ? (hi - lo) / bins : 1;
    const c = new Array<number>(bins).fill(0);
    for (const [v, n] of counts) {
      if (v === '') continue;
      c[Math.min(bins - 1, Math.floor((Number(v) - lo) / width))] += n;
    }
    histogram = c.map((count, i) => ({
      from: lo + i * width,
      to: i === bins - 1 ? hi : lo + (i + 1) * width,
      count,
    }));
  }
  return {
    column,
    rows: view.rows,
    empty,
    distinct: counts.size - (counts.has('') ? 1 : 0),
    kind,
    min,
    max,
    top,
    histogram,
  };
}
