// HUGE_TABLE: 10,000,000 rows, cell = f(row, column), never held in memory — plain pages are
// computed, sorts and the plain view's statistics are analytic.
import type { ColumnStats } from '../../../src/shared/table-api';
import { codePointCompare } from './cell-match';
import { T0, type Decoded, type Source } from './source';

export const HUGE_TABLE = 'huge_fact';
export const HUGE_ROWS = 10_000_000;
export const HUGE_COLUMNS = ['ID', 'SCRAMBLED', 'START_TS', 'MEDIA', 'AMOUNT', 'NOTE'];

const N = HUGE_ROWS;
const PRIME = 7919;
const MEDIA = ['chat', 'email', 'voice'];

function modInverse(a: number, m: number): number {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1, 0];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}
const INV_PRIME = modInverse(PRIME, N);
const INV_37 = modInverse(37, 100_000);

/** Cell of the 10,000,000-row table (row 0-based, column index into HUGE_COLUMNS). */
export function hugeCell(row: number, col: number): string {
  switch (col) {
    case 0:
      return String(row + 1);
    case 1:
      return String((row * PRIME + 13) % N);
    case 2:
      return String(T0 + row * 3);
    case 3:
      return MEDIA[row % 3];
    case 4:
      return (((row * 37) % 100_000) / 100).toFixed(2);
    default:
      return row % 100_000 === 0 ? `checkpoint ${row}\nsecond line` : '';
  }
}

export function hugeRow(row: number): string[] {
  return HUGE_COLUMNS.map((_, c) => hugeCell(row, c));
}

let noteOrder: number[] | null = null;
/** Rows of the non-empty NOTE cells in code-point order of their values. */
function hugeNoteOrder(): number[] {
  noteOrder ??= Array.from({ length: N / 100_000 }, (_, m) => m * 100_000).sort((a, b) =>
    codePointCompare(hugeCell(a, 5), hugeCell(b, 5)),
  );
  return noteOrder;
}

/** Natural row at position p of the huge table sorted by a column, or null where the fake cannot tell. */
export function hugeSorted(col: number, desc: boolean): ((p: number) => number) | null {
  switch (col) {
    case 0:
    case 2:
      return desc ? (p) => N - 1 - p : (p) => p;
    case 1: {
      const asc = (p: number): number => (((p - 13 + N) % N) * INV_PRIME) % N;
      return desc ? (p) => asc(N - 1 - p) : asc;
    }
    case 3: {
      const counts = [0, 1, 2].map((k) => Math.ceil((N - k) / 3));
      const order = desc ? [2, 1, 0] : [0, 1, 2];
      return (p) => {
        for (const k of order) {
          if (p < counts[k]) return p * 3 + k;
          p -= counts[k];
        }
        return N - 1;
      };
    }
    case 4: {
      const per = N / 100_000;
      return (p) => {
        const v = desc ? 99_999 - Math.floor(p / per) : Math.floor(p / per);
        return ((v * INV_37) % 100_000) + (p % per) * 100_000;
      };
    }
    case 5: {
      const notes = hugeNoteOrder();
      const full = desc ? [...notes].reverse() : notes;
      return (p) => {
        if (p < full.length) return full[p];
        const j = p - full.length;
        return j + Math.floor(j / 99_999) + 1;
      };
    }
    default:
      return null;
  }
}

function uniformHistogram(lo: number, hi: number, rows: number): ColumnStats['histogram'] {
  const width = (hi - lo) / 20;
  return Array.from({ length: 20 }, (_, i) => ({
    from: lo + i * width,
    to: i === 19 ? hi : lo + (i + 1) * width,
    count: rows / 20,
  }));
}

/** The statistics of a column of the plain huge table, known without reading it. */
export function hugeStats(col: number): ColumnStats {
  const column = HUGE_COLUMNS[col];
  const ones = (values: string[]): Array<{ value: string; count: number }> =>
    values.map((value) => ({ value, count: 1 }));
  switch (col) {
    case 0:
      return {
        column,
        rows: N,
        empty: 0,
        distinct: N,
        kind: 'number',
        min: '1',
        max: String(N),
        top: ones(['1', '10', '100', '1000', '10000', '100000', '1000000', '10000000', '1000001', '1000002']),
        histogram: uniformHistogram(1, N, N),
      };
    case 1:
      return {
        column,
        rows: N,
        empty: 0,
        distinct: N,
        kind: 'number',
        min: '0',
        max: String(N - 1),
        top: ones(['0', '1', '10', '100', '1000', '10000', '100000', '1000000', '1000001', '1000002']),
        histogram: uniformHistogram(0, N - 1, N),
      };
    case 2:
      return {
        column,
        rows: N,
        empty: 0,
        distinct: N,
        kind: 'time',
        min: String(T0),
        max: String(T0 + (N - 1) * 3),
        top: ones(Array.from({ length: 10 }, (_, i) => String(T0 + i * 3))),
        histogram: uniformHistogram(T0, T0 + (N - 1) * 3, N),
      };
    case 3:
      return {
        column,
        rows: N,
        empty: 0,
        distinct: 3,
        kind: 'text',
        min: 'chat',
        max: 'voice',
        top: MEDIA.map((value, k) => ({ value, count: Math.ceil((N - k) / 3) })),
        histogram: null,
      };
    case 4:
      return {
        column,
        rows: N,
        empty: 0,
        distinct: 100_000,
        kind: 'number',
        min: '0.00',
        max: '999.99',
        top: Array.from({ length: 10 }, (_, i) => ({ value: `0.0${i}`, count: N / 100_000 })),
        histogram: uniformHistogram(0, 999.99, N),
      };
    default: {
      const notes = hugeNoteOrder();
      return {
        column,
        rows: N,
        empty: N - notes.length,
        distinct: notes.length,
        kind: 'text',
        min: hugeCell(notes[0], 5),
        max: hugeCell(notes[notes.length - 1], 5),
        top: [
          { value: '', count: N - notes.length },
          ...notes.slice(0, 9).map((r) => ({ value: hugeCell(r, 5), count: 1 })),
        ],
        histogram: null,
      };
    }
  }
}

export function hugeSource(chunk: string, chunkIndex: number): Source {
  const decoded: Decoded = {
    header: HUGE_COLUMNS,
    rows: N,
    encoding: 'utf-8',
    invalidChars: 0,
    malformed: 0,
    rec: (row) => ({ cells: hugeRow(row), record: row + 1, malformed: false }),
  };
  return {
    table: HUGE_TABLE,
    chunk,
    chunkIndex,
    member: `${HUGE_TABLE}.csv`,
    bytes: 612_000_000,
    error: null,
    columns: HUGE_COLUMNS,
    rows: N,
    huge: true,
    decode: (encoding) => ({ ...decoded, encoding: encoding === 'utf-16' ? 'utf-16le' : encoding }),
  };
}
