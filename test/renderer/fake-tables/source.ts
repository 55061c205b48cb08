// A member as the fake serves it: its records, decoded in an encoding on request — made up
// from (chunk, row, column), parsed from CSV bytes, or computed (the huge table).
import type { TableEncoding } from '../../../src/shared/table-api';

// The made-up times start here (2016-07-12 17:44:45 UTC) and chunks are 8 h apart, as in
// the sample report.
export const T0 = 1468345485;
export const H8 = 8 * 3600;

export interface FakeRecord {
  cells: string[];
  /** 1-based data record number in the member. */
  record: number;
  malformed: boolean;
}

/** A member in an encoding: what a first read gives. */
export interface Decoded {
  header: string[];
  rows: number;
  encoding: TableEncoding;
  invalidChars: number;
  malformed: number;
  rec(row: number): FakeRecord;
}

export interface Source {
  table: string;
  chunk: string;
  chunkIndex: number;
  member: string;
  bytes: number | null;
  error: string | null;
  columns: string[];
  rows: number | null;
  decode(encoding: TableEncoding): Decoded;
  huge?: boolean;
}
