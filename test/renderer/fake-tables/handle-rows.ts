// An open handle's rows: the part holding a natural position, a record shaped for the scope
// (CHUNK_COLUMN first where there is one), a column's index and whether it is numeric.
import { CHUNK_COLUMN } from '../../../src/shared/table-api';
import { ApiError } from '../../../src/renderer/api/errors';
import { isNumber } from './cell-match';
import { hugeCell } from './huge-table';
import type { Handle, View } from './types';

/** Index of the part holding a natural position. */
export function partAt(h: Handle, pos: number): number {
  let k = h.bases.length - 1;
  let lo = 0;
  let hi = h.bases.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (h.bases[mid] <= pos) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return k;
}

/** One cell of the shaped row (computed alone for the huge table: filters stream over 10M rows). */
export function cellAt(h: Handle, pos: number, ci: number): string {
  const k = partAt(h, pos);
  const part = h.parts[k];
  if (!part.source.huge) return rowAt(h, pos).cells[ci] ?? '';
  if (h.withChunk && ci === 0) return part.source.chunk;
  return hugeCell(pos - h.bases[k], h.withChunk ? ci - 1 : ci);
}

/** The record at a natural position, shaped for the scope. */
export function rowAt(
  h: Handle,
  pos: number,
): { cells: string[]; chunk: string; record: number; malformed: boolean } {
  const k = partAt(h, pos);
  const part = h.parts[k];
  const r = part.d.rec(pos - h.bases[k]);
  if (!h.withChunk)
    return { cells: r.cells, chunk: part.source.chunk, record: r.record, malformed: r.malformed };
  const cells = [part.source.chunk, ...part.map.map((j) => (j >= 0 ? (r.cells[j] ?? '') : ''))];
  for (let x = part.d.header.length; x < r.cells.length; x++) cells.push(r.cells[x]);
  return { cells, chunk: part.source.chunk, record: r.record, malformed: r.malformed };
}

/** Column index in the shaped row (CHUNK_COLUMN = 0 where there is one). */
export function colIndex(h: Handle, column: string): number {
  if (h.withChunk && column === CHUNK_COLUMN) return 0;
  const i = h.columns.indexOf(column);
  if (i < 0)
    throw new ApiError({
      code: 'bad-request',
      message: `no column ${JSON.stringify(column)} in ${h.table}`,
    });
  return h.withChunk ? i + 1 : i;
}

export function isHuge(h: Handle): boolean {
  return h.parts.some((p) => p.source.huge);
}

/** Every non-empty value of the column is a number (over the scope). */
export function numericColumn(h: Handle, ci: number): boolean {
  let k = h.kinds.get(ci);
  if (k === undefined) {
    if (isHuge(h)) k = [0, 1, 2, 4].includes(h.withChunk ? ci - 1 : ci);
    else {
      let nonEmpty = 0;
      k = true;
      for (let p = 0; p < h.total && k; p++) {
        const v = rowAt(h, p).cells[ci] ?? '';
        if (v === '') continue;
        nonEmpty++;
        if (!isNumber(v)) k = false;
      }
      if (nonEmpty === 0) k = false;
    }
    h.kinds.set(ci, k);
  }
  return k;
}

export function naturalView(h: Handle): View {
  return { rows: h.total, at: (i) => i };
}
