// The report's own tables: every cell computed from (chunk, row, column), the merge key
// overlapping between consecutive chunks so the merged view replaces records.
import { namedKey } from '../../../src/shared/table-keys';
import { H8, T0, type Decoded, type Source } from './source';

/** The cell the fake serves for a report table (row 0-based). */
export function generatedCell(
  table: string,
  columns: string[],
  column: string,
  chunkIndex: number,
  row: number,
): string {
  const key = namedKey(table, columns)?.column;
  const c = column.toUpperCase();
  if (column === key) return String(chunkIndex * 1000 + row + 1);
  if (/AUDIT_KEY$/.test(c)) return String(200000 + chunkIndex);
  if (/_DATE_TIME_KEY$/.test(c))
    return String(Math.floor((T0 + chunkIndex * H8 - (row % 32) * 900) / 900) * 900);
  if (/_TS$/.test(c)) return String(T0 + chunkIndex * H8 + row * 7);
  if (/^CUSTOM_DATA/.test(c))
    return row % 25 === 0 ? '' : row % 40 === 1 ? `note ${row}, with a comma` : `v${(row * 13) % 97}`;
  if (c === 'RESOURCE_NAME') return `agent${row % 40}`;
  if (c === 'RESOURCE_TYPE') return ['Agent', 'Queue', 'RoutingPoint'][row % 3];
  if (c === 'NAME') return `Agent ${row + 1}`;
  if (c === 'DBID') return String(100 + row);
  if (c === 'LAST_INTERACTION_RESOURCE') return String(row * 2 + 1);
  if (/(_KEY|_ID)$/.test(c) || c === 'ID') return String(((row * 31 + chunkIndex * 7) % 5000) + 1);
  return `${column.toLowerCase()}-${row + 1}`;
}

export function generatedSource(
  table: string,
  columns: string[],
  rows: number | null,
  chunk: string,
  chunkIndex: number,
  bytes: number | null,
): Source {
  const decoded: Decoded = {
    header: columns,
    rows: rows ?? 0,
    encoding: 'utf-8',
    invalidChars: 0,
    malformed: 0,
    rec: (row) => ({
      cells: columns.map((col) => generatedCell(table, columns, col, chunkIndex, row)),
      record: row + 1,
      malformed: false,
    }),
  };
  return {
    table,
    chunk,
    chunkIndex,
    member: `${table}.csv`,
    bytes,
    error: rows === null ? 'the member cannot be read (fake)' : null,
    columns,
    rows,
    decode: (encoding) => ({ ...decoded, encoding: encoding === 'utf-16' ? 'utf-16le' : encoding }),
  };
}
