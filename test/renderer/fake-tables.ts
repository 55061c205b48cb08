// The table browser's side of the fake API (src/shared/table-api.ts), over tables made up on
// demand — no DOM use, it also runs in Node and in the page (test/renderer/dev):
// - every table of the report, cells computed from (chunk, row, column), the merge key
//   overlapping between consecutive chunks so the merged view replaces records;
// - NASTY_TABLE: CSV bytes with multi-line, comma, quote, empty, padded, non-ASCII and
//   invalid-UTF-8 cells and malformed records, decoded in the requested encoding and parsed
//   per RFC 4180 (malformed records kept) — in two chunks, the second updating 50 keys;
// - UTF16_TABLE: UTF-16LE with a BOM (the encoding switches by itself);
// - HUGE_TABLE: 10,000,000 rows, cell = f(row, column), never held in memory: plain pages
//   are computed, sorts are analytic, filters stream over the rows with progress.

// The parts live in fake-tables/, one concern each; every name stays importable from here.
export { isNumber, codePointCompare } from './fake-tables/cell-match';
export { shown } from './fake-tables/cell-shown';
export { decodeBytes, parseCsv } from './fake-tables/csv-decode';
export { HUGE_COLUMNS, HUGE_ROWS, HUGE_TABLE, hugeCell, hugeRow } from './fake-tables/huge-table';
export { NASTY_COLUMNS, NASTY_TABLE, UTF16_TABLE, nastyRecords } from './fake-tables/nasty-tables';
export { generatedCell } from './fake-tables/report-tables';
export { createFakeTables } from './fake-tables/service';
export type { FakeRecord } from './fake-tables/source';
export type { FakeTables, FakeTablesOptions, SavedFakeView } from './fake-tables/types';
