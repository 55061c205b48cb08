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
import type {
  ColumnStats,
  FilterSpec,
  KeyInfo,
  OpenTableRequest,
  RowsPage,
  RowsRequest,
  SortSpec,
  TableChunkInfo,
  TableEncoding,
  TableEvent,
  TableHandleInfo,
  TablePhase,
  TableScope,
  TableSummary,
  ViewSpec,
} from '../../src/shared/table-api';
import { CHUNK_COLUMN, TABLE_ENCODINGS } from '../../src/shared/table-api';
// The merge key and its candidates follow the engine's own rules.
import { choosableKeys, keyCandidates, namedKey } from '../../src/shared/table-keys';
import type { SavedView } from '../../src/shared/api';
import type { ScanReport } from '../../src/shared/report';
import type { Dialect } from '../../src/shared/family';
import { ApiError } from '../../src/renderer/api/errors';

export const NASTY_TABLE = 'nasty_cells';
export const UTF16_TABLE = 'utf16_notes';
export const HUGE_TABLE = 'huge_fact';
export const HUGE_ROWS = 10_000_000;
export const HUGE_COLUMNS = ['ID', 'SCRAMBLED', 'START_TS', 'MEDIA', 'AMOUNT', 'NOTE'];
export const NASTY_COLUMNS = ['ID', 'NAME', 'NOTE', 'AMOUNT', 'CREATED_TS', 'START_DATE_TIME_KEY'];

const T0 = 1468345485;
const H8 = 8 * 3600;

// ---------------------------------------------------------------------------------------------
// Cells

export interface FakeRecord {
  cells: string[];
  /** 1-based data record number in the member. */
  record: number;
  malformed: boolean;
}

/** A member in an encoding: what a first read gives. */
interface Decoded {
  header: string[];
  rows: number;
  encoding: TableEncoding;
  invalidChars: number;
  malformed: number;
  rec(row: number): FakeRecord;
}

interface Source {
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

// -- the report's tables ----------------------------------------------------------------------

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

function generatedSource(
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

// -- CSV bytes: the nasty table ----------------------------------------------------------------

type Piece = string | number[];

function toBytes(pieces: Piece[]): Uint8Array {
  const enc = new TextEncoder();
  const parts = pieces.map((p) => (typeof p === 'string' ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The nasty table's records as written (chunk 0: 313 records; chunk 1: 50 updates). */
function nastyPieces(part: 0 | 1): Piece[] {
  const out: Piece[] = [NASTY_COLUMNS.join(',') + '\r\n'];
  const line = (fields: Piece[][]): void => {
    fields.forEach((f, i) => {
      if (i > 0) out.push(',');
      out.push(...f);
    });
    out.push('\r\n');
  };
  const amount = (i: number): string =>
    i % 9 === 0 ? String((i * 7) % 50) : (((i * 7919) % 2000) - 1000) / 10 + '';
  const plain = (i: number, name: string, note: Piece[] = ['']): Piece[][] => [
    [String(i)],
    [csvField(name)],
    note,
    [amount(i)],
    [String(T0 + i * 60)],
    [String(Math.floor((T0 + i * 900) / 900) * 900)],
  ];
  if (part === 1) {
    for (let i = 1; i <= 50; i++) line(plain(i, `name ${i} (updated)`));
    return out;
  }
  for (let i = 1; i <= 310; i++) {
    const r = plain(i, `name ${i}`);
    switch (i) {
      case 2:
        r[2] = [csvField('first line\nsecond line\r\nthird line')];
        break;
      case 3:
        r[1] = [csvField('Smith, John')];
        r[2] = [csvField('He said "hi"')];
        break;
      case 4:
        r[1] = [''];
        r[2] = [''];
        r[3] = [''];
        r[4] = [''];
        r[5] = [''];
        break;
      case 5:
        r[1] = ['  padded  '];
        break;
      case 6:
        r[1] = ['caf', [0xe9]]; // not UTF-8: U+FFFD there, é in windows-1252
        break;
      case 7:
        r[2] = [csvField('Grüße 🙂 日本語 שלום')];
        break;
      case 8:
        r[2] = [csvField('lorem ipsum '.repeat(300).trim())];
        break;
      case 9:
        r[2] = ['a\tb'];
        break;
      case 10:
        r[1] = [csvField('"quoted at both ends"')];
        break;
      case 11:
        r[2] = ['=SUM(A1:A3)'];
        break;
      case 12:
        r[2] = [csvField(',')];
        break;
      case 13:
        r[1] = ['na', [0xef], 've']; // not UTF-8: U+FFFD there, ï in windows-1252
        break;
      case 14:
        r[3] = [''];
        break;
      case 15:
        r[2] = [csvField('\n')];
        break;
    }
    line(r);
    if (i === 300) {
      out.push('9001,too,many,fields,1,2,3,4\r\n');
      out.push('9002,short\r\n');
    }
  }
  out.push('9003,"never closed,x');
  return out;
}

const NASTY_BYTES: [Uint8Array | null, Uint8Array | null] = [null, null];
function nastyBytes(part: 0 | 1): Uint8Array {
  return (NASTY_BYTES[part] ??= toBytes(nastyPieces(part)));
}

function utf16Bytes(): Uint8Array {
  const text = 'ID,TEXT\r\n1,Grüße\r\n2,日本\r\n3,"two\r\nlines"\r\n';
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + i * 2] = c & 0xff;
    out[3 + i * 2] = c >> 8;
  }
  return out;
}

/** RFC 4180, lenient: CRLF / LF / CR end a record outside quotes; a record may end inside quotes (at the end). */
export function parseCsv(text: string): Array<{ cells: string[]; unterminated: boolean }> {
  const out: Array<{ cells: string[]; unterminated: boolean }> = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  let i = 0;
  const n = text.length;
  const endRecord = (): void => {
    cells.push(field);
    out.push({ cells, unterminated: false });
    cells = [];
    field = '';
    atStart = true;
  };
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && atStart) {
      quoted = true;
      atStart = false;
      i++;
      continue;
    }
    if (ch === ',') {
      cells.push(field);
      field = '';
      atStart = true;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    atStart = false;
    i++;
  }
  if (quoted) {
    cells.push(field);
    out.push({ cells, unterminated: true });
  } else if (field !== '' || cells.length > 0) {
    endRecord();
  }
  return out;
}

const DECODER_LABEL: Record<TableEncoding, string> = {
  'utf-8': 'utf-8',
  'windows-1252': 'windows-1252',
  latin1: 'latin1',
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
};

/** Decodes member bytes the way the engine does: a BOM may switch the default UTF-8 to UTF-16. */
export function decodeBytes(
  bytes: Uint8Array,
  requested: TableEncoding,
): { text: string; encoding: TableEncoding } {
  let encoding: TableEncoding = requested === 'utf-16' ? 'utf-16le' : requested;
  if (requested === 'utf-8' && bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (requested === 'utf-8' && bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  const text = new TextDecoder(DECODER_LABEL[encoding]).decode(bytes);
  return { text, encoding };
}

function bytesSource(table: string, chunk: string, chunkIndex: number, bytes: Uint8Array): Source {
  const cache = new Map<TableEncoding, Decoded>();
  const decode = (requested: TableEncoding): Decoded => {
    let d = cache.get(requested);
    if (!d) {
      const { text, encoding } = decodeBytes(bytes, requested);
      const recs = parseCsv(text);
      const header = recs.shift()?.cells ?? [];
      const records: FakeRecord[] = recs.map((r, i) => ({
        cells: r.cells,
        record: i + 1,
        malformed: r.unterminated || r.cells.length !== header.length,
      }));
      let invalid = 0;
      for (const ch of text) if (ch === '\uFFFD') invalid++;
      d = {
        header,
        rows: records.length,
        encoding,
        invalidChars: invalid,
        malformed: records.filter((r) => r.malformed).length,
        rec: (row) => records[row],
      };
      cache.set(requested, d);
    }
    return d;
  };
  const d0 = decode('utf-8');
  return {
    table,
    chunk,
    chunkIndex,
    member: `${table}.csv`,
    bytes: bytes.length,
    error: null,
    columns: d0.header,
    rows: d0.rows,
    decode,
  };
}

/** The nasty table's records in an encoding (what every cell must show). */
export function nastyRecords(
  part: 0 | 1,
  encoding: TableEncoding = 'utf-8',
): { header: string[]; records: FakeRecord[] } {
  const s = bytesSource(NASTY_TABLE, '', part, nastyBytes(part)).decode(encoding);
  return { header: s.header, records: Array.from({ length: s.rows }, (_, i) => s.rec(i)) };
}

// -- the huge table ---------------------------------------------------------------------------

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
function hugeSorted(col: number, desc: boolean): ((p: number) => number) | null {
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

function hugeStats(col: number): ColumnStats {
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

function hugeSource(chunk: string, chunkIndex: number): Source {
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

// ---------------------------------------------------------------------------------------------
// Views: filter, search, sort — the semantics of src/shared/table-api.ts

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

function cellMatches(cell: string, f: FilterSpec, numeric: boolean, re: RegExp | null): boolean {
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

// ---------------------------------------------------------------------------------------------
// The service

export interface FakeTablesOptions {
  reports: Record<string, ScanReport>;
  emit(event: TableEvent): void;
  /** Records a call (and throws the method's scripted error, if any). */
  record(method: string, args: unknown[]): void;
  /** Add NASTY_TABLE, UTF16_TABLE and HUGE_TABLE to every drop (default true). */
  extraTables?: boolean;
  /** Sorts, filters, stats and merges take at least this long, in 4 progress steps (default 0). */
  delayMs?: number;
  /** The first read grows the plain view in 4 steps this far apart (default 0: complete at once). */
  growMs?: number;
}

interface View {
  rows: number;
  /** Natural position of the view's i-th row. */
  at(i: number): number;
}

interface Handle {
  id: string;
  drop: string;
  table: string;
  scope: TableScope;
  requested: TableEncoding;
  encoding: TableEncoding;
  parts: Array<{ source: Source; d: Decoded; map: number[] }>;
  bases: number[];
  /** The DSV dialect read with: RFC 4180 with the parts the request fixed (the fake reads CSV only). */
  dialect: Dialect;
  columns: string[];
  withChunk: boolean;
  total: number;
  available: number;
  requestedKey: string[] | undefined;
  key: KeyInfo | null;
  merged: Promise<View> | null;
  mergedView: View | null;
  views: Map<string, Promise<View>>;
  kinds: Map<number, boolean>;
  seq: number;
  closed: boolean;
  timer: ReturnType<typeof setInterval> | null;
}

export interface SavedFakeView {
  handle: string;
  view: ViewSpec;
  rows: number;
  /** The CSV written (RFC 4180, CRLF, header first); null when too big for the fake to build. */
  csv: string | null;
}

export interface FakeTables {
  listTables(drop: string): Promise<TableSummary[]>;
  openTable(drop: string, request: OpenTableRequest): Promise<TableHandleInfo>;
  tableInfo(handle: string): Promise<TableHandleInfo>;
  getRows(handle: string, request: RowsRequest): Promise<RowsPage>;
  columnStats(handle: string, column: string, view?: ViewSpec): Promise<ColumnStats>;
  cancel(handle: string): Promise<void>;
  closeTable(handle: string): Promise<void>;
  saveView(handle: string, view: ViewSpec): Promise<SavedView>;
  /** Views saved so far. */
  saved: SavedFakeView[];
  /** Handles open now. */
  openHandles(): string[];
  /** Advances every growing first read by one step. */
  grow(): void;
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createFakeTables(options: FakeTablesOptions): FakeTables {
  const { reports, emit, record } = options;
  const extras = options.extraTables !== false;
  const delayMs = options.delayMs ?? 0;
  const growMs = options.growMs ?? 0;
  const sourcesByDrop = new Map<string, Source[]>();
  const handles = new Map<string, Handle>();
  const saved: SavedFakeView[] = [];
  let nextId = 1;

  function sources(drop: string): Source[] {
    let list = sourcesByDrop.get(drop);
    if (list) return list;
    const report = reports[drop];
    if (!report) throw new ApiError({ code: 'not-found', message: `${drop} has not been scanned` });
    list = [];
    report.chunks.forEach((c, ci) => {
      for (const t of c.tables)
        list!.push(generatedSource(t.name, t.columns, t.rows, c.name, ci, t.bytes ?? null));
      if (!extras) return;
      if (ci === 0 || ci === 1) list!.push(bytesSource(NASTY_TABLE, c.name, ci, nastyBytes(ci as 0 | 1)));
      if (ci === 2) list!.push(bytesSource(UTF16_TABLE, c.name, ci, utf16Bytes()));
      if (ci === report.chunks.length - 1) list!.push(hugeSource(c.name, ci));
    });
    sourcesByDrop.set(drop, list);
    return list;
  }

  function handleOf(id: string): Handle {
    const h = handles.get(id);
    if (!h) throw new ApiError({ code: 'not-found', message: `no open table ${id}` });
    return h;
  }

  function progress(
    h: Handle,
    phase: TablePhase,
    done: number,
    total: number | null,
    started: number,
    error?: string,
  ): void {
    emit({
      type: 'table-progress',
      progress: {
        handle: h.id,
        phase,
        done,
        total,
        elapsedMs: Date.now() - started,
        ...(error ? { error } : {}),
      },
    });
  }

  function checkCancel(h: Handle, seq: number, phase: TablePhase, started: number): void {
    if (h.closed || h.seq !== seq) {
      progress(h, 'cancelled', 0, null, started);
      throw new ApiError({ code: 'bad-request', message: `${phase} was cancelled` });
    }
  }

  /** The scripted slowness: delayMs in 4 progress steps. */
  async function slow(h: Handle, seq: number, phase: TablePhase, started: number): Promise<void> {
    if (delayMs <= 0) return;
    for (let s = 0; s < 4; s++) {
      progress(h, phase, s * 25, 100, started);
      await wait(delayMs / 4);
      checkCancel(h, seq, phase, started);
    }
  }

  function info(h: Handle): TableHandleInfo {
    const merged = h.scope === 'merged';
    return {
      handle: h.id,
      table: h.table,
      scope: h.scope,
      encoding: h.encoding,
      columns: h.withChunk ? [CHUNK_COLUMN, ...h.columns] : [...h.columns],
      totalRows: merged ? (h.mergedView?.rows ?? 0) : h.available,
      complete: merged ? h.mergedView !== null : h.available >= h.total,
      key: h.key,
      problems: {
        malformedRows: h.parts.reduce((s, p) => s + p.d.malformed, 0),
        invalidChars: h.parts.reduce((s, p) => s + p.d.invalidChars, 0),
        unreadable: sources(h.drop)
          .filter(
            (s) =>
              s.error &&
              s.table.toLowerCase() === h.table.toLowerCase() &&
              (typeof h.scope !== 'object' || h.scope.chunk === s.chunk),
          )
          .map((s) => ({ chunk: s.chunk, error: s.error! })),
      },
      chunks: h.parts.map((p) => p.source.chunk),
      dialect: h.dialect,
      layout: 'dsv',
    };
  }

  /** Index of the part holding a natural position. */
  function partAt(h: Handle, pos: number): number {
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
  function cellAt(h: Handle, pos: number, ci: number): string {
    const k = partAt(h, pos);
    const part = h.parts[k];
    if (!part.source.huge) return rowAt(h, pos).cells[ci] ?? '';
    if (h.withChunk && ci === 0) return part.source.chunk;
    return hugeCell(pos - h.bases[k], h.withChunk ? ci - 1 : ci);
  }

  /** The record at a natural position, shaped for the scope. */
  function rowAt(
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
  function colIndex(h: Handle, column: string): number {
    if (h.withChunk && column === CHUNK_COLUMN) return 0;
    const i = h.columns.indexOf(column);
    if (i < 0)
      throw new ApiError({
        code: 'bad-request',
        message: `no column ${JSON.stringify(column)} in ${h.table}`,
      });
    return h.withChunk ? i + 1 : i;
  }

  function isHuge(h: Handle): boolean {
    return h.parts.some((p) => p.source.huge);
  }

  /** Every non-empty value of the column is a number (over the scope). */
  function numericColumn(h: Handle, ci: number): boolean {
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

  function naturalView(h: Handle): View {
    return { rows: h.total, at: (i) => i };
  }

  async function mergedView(h: Handle): Promise<View> {
    h.merged ??= (async () => {
      const seq = h.seq;
      const started = Date.now();
      await slow(h, seq, 'merging', started);
      let key = h.key!;
      if (key.source === 'none') {
        for (const c of keyCandidates(h.columns)) {
          const ci = colIndex(h, c);
          let ok = true;
          for (const part of h.parts) {
            if (part.source.huge) {
              ok = c === 'ID' || c === 'SCRAMBLED';
              break;
            }
            const seen = new Set<string>();
            for (let r = 0; r < part.d.rows && ok; r++) {
              const pos = h.bases[h.parts.indexOf(part)] + r;
              const v = rowAt(h, pos).cells[ci] ?? '';
              if (v === '' || seen.has(v)) ok = false;
              seen.add(v);
            }
          }
          if (ok) {
            key = { ...key, columns: [c], source: 'unique-column' };
            break;
          }
        }
      }
      let view: View;
      let dup = 0;
      let empty = 0;
      let replaced = 0;
      if (key.columns.length === 0) view = naturalView(h);
      else if (
        isHuge(h) &&
        key.columns.length === 1 &&
        (key.columns[0] === 'ID' || key.columns[0] === 'SCRAMBLED')
      )
        view = naturalView(h);
      else {
        const cis = key.columns.map((c) => colIndex(h, c));
        const last = new Map<string, number>();
        const winners: number[] = [];
        const perChunk = new Map<string, number>();
        for (let p = 0; p < h.total; p++) {
          if (p % 200_000 === 0 && p > 0) {
            progress(h, 'merging', Math.round((p / h.total) * 100), 100, started);
            await wait(0);
            checkCancel(h, seq, 'merging', started);
          }
          if (last.size > 2_000_000)
            throw new ApiError({ code: 'bad-request', message: 'the fake cannot merge that many keys' });
          const row = rowAt(h, p);
          const vals = cis.map((ci) => row.cells[ci] ?? '');
          if (vals.every((v) => v === '')) {
            empty++;
            winners.push(p);
            continue;
          }
          const k = JSON.stringify(vals);
          const ck = `${row.chunk}\u0000${k}`;
          const n = (perChunk.get(ck) ?? 0) + 1;
          perChunk.set(ck, n);
          if (n === 2) dup++;
          if (last.has(k)) replaced++;
          last.set(k, p);
        }
        for (const p of last.values()) winners.push(p);
        winners.sort((a, b) => a - b);
        const arr = Int32Array.from(winners);
        view = { rows: arr.length, at: (i) => arr[i] };
      }
      h.key = { ...key, duplicatesWithinChunk: dup, emptyKeys: empty, replaced };
      h.mergedView = view;
      progress(h, 'done', 100, 100, started);
      emit({ type: 'table-grown', handle: h.id, totalRows: view.rows, complete: true });
      return view;
    })();
    try {
      return await h.merged;
    } catch (e) {
      h.merged = null;
      throw e;
    }
  }

  function viewKey(spec: ViewSpec): string {
    return JSON.stringify([spec.sort ?? null, spec.filter ?? [], spec.search ?? '']);
  }

  function hasView(spec: ViewSpec): boolean {
    return !!(spec.sort || (spec.filter && spec.filter.length) || (spec.search && spec.search !== ''));
  }

  async function computeView(h: Handle, spec: ViewSpec): Promise<View> {
    const base = h.scope === 'merged' ? await mergedView(h) : naturalView(h);
    if (!hasView(spec)) return base;
    const k = viewKey(spec);
    let v = h.views.get(k);
    if (!v) {
      v = buildView(h, base, spec);
      h.views.set(k, v);
      v.catch(() => h.views.delete(k));
    }
    return v;
  }

  async function buildView(h: Handle, base: View, spec: ViewSpec): Promise<View> {
    const seq = h.seq;
    const started = Date.now();
    const filters = spec.filter ?? [];
    const search = (spec.search ?? '').toLowerCase();
    const filtering = filters.length > 0 || search !== '';
    const phase: TablePhase = spec.sort && !filtering ? 'sorting' : 'filtering';
    await slow(h, seq, phase, started);
    let view = base;
    if (filtering) {
      const tests = filters.map((f) => {
        let re: RegExp | null = null;
        if (f.op === 'regex') {
          try {
            re = new RegExp(f.value ?? '', f.caseSensitive ? 'u' : 'iu');
          } catch (e) {
            throw new ApiError({
              code: 'bad-request',
              message: `invalid regular expression: ${e instanceof Error ? e.message : String(e)}`,
            });
          }
        }
        const ci = f.column === undefined ? -1 : colIndex(h, f.column);
        const numeric = ci >= 0 && numericColumn(h, ci);
        return { f, ci, numeric, re };
      });
      let out = new Int32Array(1024);
      let n = 0;
      for (let i = 0; i < base.rows; i++) {
        if (i % 250_000 === 0 && i > 0) {
          progress(h, 'filtering', Math.round((i / base.rows) * 100), 100, started);
          await wait(0);
          checkCancel(h, seq, phase, started);
        }
        // No closures in here: 10,000,000 turns.
        const pos = base.at(i);
        let row: ReturnType<typeof rowAt> | null = null;
        let ok = true;
        for (let j = 0; j < tests.length && ok; j++) {
          const t = tests[j];
          if (t.f.op === 'malformed') {
            row ??= rowAt(h, pos);
            ok = row.malformed;
          } else if (t.ci >= 0) ok = cellMatches(cellAt(h, pos, t.ci), t.f, t.numeric, t.re);
          else {
            row ??= rowAt(h, pos);
            ok = false;
            for (let c = 0; c < row.cells.length && !ok; c++)
              ok = cellMatches(row.cells[c], t.f, false, t.re);
          }
        }
        if (ok && search) {
          row ??= rowAt(h, pos);
          ok = false;
          for (let c = 0; c < row.cells.length && !ok; c++) ok = row.cells[c].toLowerCase().includes(search);
        }
        if (!ok) continue;
        if (n === out.length) {
          const grown = new Int32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out[n++] = pos;
      }
      const arr = out.subarray(0, n);
      view = { rows: n, at: (i) => arr[i] };
    }
    if (spec.sort) view = await sortView(h, view, spec.sort, !filtering && h.scope !== 'merged');
    progress(h, 'done', 100, 100, started);
    return view;
  }

  async function sortView(h: Handle, base: View, sort: SortSpec, plain: boolean): Promise<View> {
    const ci = colIndex(h, sort.column);
    const desc = sort.desc === true;
    if (isHuge(h) && plain) {
      const dataCol = h.withChunk ? ci - 1 : ci;
      const f = dataCol < 0 ? (p: number) => p : hugeSorted(dataCol, desc);
      if (!f)
        throw new ApiError({
          code: 'bad-request',
          message: `the fake cannot sort ${sort.column} of ${HUGE_TABLE}`,
        });
      return { rows: base.rows, at: f };
    }
    if (base.rows > 2_000_000)
      throw new ApiError({ code: 'bad-request', message: `the fake cannot sort ${base.rows} rows` });
    const numeric = sort.as === 'number' || ((sort.as ?? 'auto') === 'auto' && numericColumn(h, ci));
    const idx = Array.from({ length: base.rows }, (_, i) => i);
    const values = idx.map((i) => cellAt(h, base.at(i), ci));
    const nums = numeric ? values.map((v) => (v === '' || !isNumber(v) ? NaN : Number(v))) : null;
    idx.sort((a, b) => {
      const ea = values[a] === '';
      const eb = values[b] === '';
      if (ea !== eb) return ea ? 1 : -1;
      if (ea) return a - b;
      let c: number;
      if (nums) {
        const x = nums[a];
        const y = nums[b];
        c = Number.isNaN(x) || Number.isNaN(y) ? codePointCompare(values[a], values[b]) : x - y;
      } else c = codePointCompare(values[a], values[b]);
      if (desc) c = -c;
      return c !== 0 ? c : a - b;
    });
    const arr = Int32Array.from(idx, (i) => base.at(i));
    return { rows: arr.length, at: (i) => arr[i] };
  }

  function statsOf(h: Handle, view: View, ci: number, column: string): ColumnStats {
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

  function startGrowth(h: Handle): void {
    if (growMs <= 0 || h.scope === 'merged' || h.available >= h.total) return;
    h.timer = setInterval(() => growOne(h), growMs);
  }

  function growOne(h: Handle): void {
    if (h.closed || h.available >= h.total) {
      if (h.timer) clearInterval(h.timer);
      h.timer = null;
      return;
    }
    h.available = Math.min(h.total, h.available + Math.ceil(h.total / 4));
    const complete = h.available >= h.total;
    emit({
      type: 'table-progress',
      progress: {
        handle: h.id,
        phase: complete ? 'done' : 'reading',
        done: h.available,
        total: h.total,
        elapsedMs: 1,
        chunk: h.parts[0]?.source.chunk,
      },
    });
    emit({ type: 'table-grown', handle: h.id, totalRows: h.available, complete });
    if (complete && h.timer) {
      clearInterval(h.timer);
      h.timer = null;
    }
  }

  function toCsv(v: string): string {
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }

  return {
    saved,
    openHandles: () => [...handles.keys()],
    grow() {
      for (const h of handles.values()) growOne(h);
    },

    async listTables(drop) {
      record('listTables', [drop]);
      const byName = new Map<string, TableSummary>();
      for (const s of sources(drop)) {
        const k = s.table.toLowerCase();
        let t = byName.get(k);
        if (!t) {
          t = { table: s.table, chunks: [], totalRows: 0, columns: [] };
          byName.set(k, t);
        }
        const c: TableChunkInfo = {
          chunk: s.chunk,
          member: s.member,
          rows: s.rows,
          columns: s.columns,
          bytes: s.bytes,
          error: s.error,
          cached: false,
        };
        t.chunks.push(c);
        t.totalRows += s.rows ?? 0;
        for (const col of s.columns) if (!t.columns.includes(col)) t.columns.push(col);
      }
      return [...byName.values()].sort((a, b) =>
        codePointCompare(a.table.toLowerCase(), b.table.toLowerCase()),
      );
    },

    async openTable(drop, request) {
      record('openTable', [drop, request]);
      const requested = request.encoding ?? 'utf-8';
      if (!(TABLE_ENCODINGS as readonly string[]).includes(requested))
        throw new ApiError({ code: 'bad-request', message: `unknown encoding ${String(requested)}` });
      const want = request.table.replace(/\.csv$/i, '').toLowerCase();
      const scopeChunk = typeof request.scope === 'object' && request.scope ? request.scope.chunk : null;
      const all = sources(drop).filter((s) => s.table.toLowerCase() === want);
      if (!all.length)
        throw new ApiError({ code: 'not-found', message: `no table ${request.table} in ${drop}` });
      const inScope = all.filter((s) => scopeChunk === null || s.chunk === scopeChunk);
      if (scopeChunk !== null && !inScope.length)
        throw new ApiError({
          code: 'not-found',
          message: `chunk ${scopeChunk} has no table ${request.table}`,
        });
      const readable = inScope.filter((s) => !s.error);
      const decoded = readable.map((s) => s.decode(requested));
      const columns: string[] = [];
      for (const d of decoded) for (const c of d.header) if (!columns.includes(c)) columns.push(c);
      const scope: TableScope =
        scopeChunk !== null ? { chunk: scopeChunk } : request.scope === 'merged' ? 'merged' : 'all';
      const bases: number[] = [];
      let total = 0;
      for (const d of decoded) {
        bases.push(total);
        total += d.rows;
      }
      const h: Handle = {
        id: `ft${nextId++}`,
        drop,
        table: inScope[0].table,
        scope,
        requested,
        encoding: decoded[0]?.encoding ?? (requested === 'utf-16' ? 'utf-16le' : requested),
        parts: readable.map((source, i) => ({
          source,
          d: decoded[i],
          map: columns.map((c) => decoded[i].header.indexOf(c)),
        })),
        bases,
        dialect: { delimiter: ',', quote: '"', header: true, ...(request.dialect ?? {}) },
        columns,
        withChunk: scope === 'all' || scope === 'merged',
        total,
        available: growMs > 0 ? Math.min(total, 200) : total,
        requestedKey: request.key && request.key.length ? request.key : undefined,
        key: null,
        merged: null,
        mergedView: null,
        views: new Map(),
        kinds: new Map(),
        seq: 0,
        closed: false,
        timer: null,
      };
      if (h.requestedKey) {
        const missing = h.requestedKey.filter((k) => !columns.includes(k));
        if (missing.length)
          throw new ApiError({
            code: 'bad-request',
            message: `no column ${missing.map((m) => JSON.stringify(m)).join(', ')} in ${h.table}`,
          });
        h.key = {
          columns: h.requestedKey,
          source: 'user',
          candidates: choosableKeys(columns),
          duplicatesWithinChunk: null,
          emptyKeys: null,
          replaced: null,
        };
      } else if (scope === 'merged') {
        const named = namedKey(h.table, columns);
        h.key = {
          columns: named ? [named.column] : [],
          source: named ? named.source : 'none',
          candidates: choosableKeys(columns),
          duplicatesWithinChunk: null,
          emptyKeys: null,
          replaced: null,
        };
      }
      handles.set(h.id, h);
      startGrowth(h);
      return info(h);
    },

    async tableInfo(id) {
      record('tableInfo', [id]);
      return info(handleOf(id));
    },

    async getRows(id, req) {
      record('getRows', [id, req]);
      const h = handleOf(id);
      const offset = Math.max(0, Math.floor(req.offset));
      const limit = Math.max(0, Math.min(100_000, Math.floor(req.limit)));
      let view: View;
      let total: number;
      let complete: boolean;
      if (!hasView(req) && h.scope !== 'merged') {
        view = naturalView(h);
        total = h.available;
        complete = h.available >= h.total;
      } else {
        view = await computeView(h, req);
        total = view.rows;
        complete = true;
      }
      const n = Math.max(0, Math.min(limit, total - offset));
      const page: RowsPage = {
        offset,
        rows: [],
        rowNumbers: [],
        rowChunks: [],
        records: [],
        malformed: [],
        totalRows: total,
        complete,
      };
      for (let i = 0; i < n; i++) {
        const pos = view.at(offset + i);
        const r = rowAt(h, pos);
        page.rows.push(r.cells);
        page.rowNumbers.push(pos);
        page.rowChunks.push(r.chunk);
        page.records.push(r.record);
        page.malformed.push(r.malformed);
      }
      return page;
    },

    async columnStats(id, column, view = {}) {
      record('columnStats', [id, column, view]);
      const h = handleOf(id);
      const seq = h.seq;
      const started = Date.now();
      const ci = colIndex(h, column);
      const v = await computeView(h, view);
      await slow(h, seq, 'stats', started);
      let stats: ColumnStats;
      if (isHuge(h) && !hasView(view) && h.scope !== 'merged' && !(h.withChunk && ci === 0))
        stats = hugeStats(h.withChunk ? ci - 1 : ci);
      else if (v.rows > 2_000_000)
        throw new ApiError({
          code: 'bad-request',
          message: `the fake cannot compute statistics over ${v.rows} rows`,
        });
      else stats = statsOf(h, v, ci, column);
      progress(h, 'done', 100, 100, started);
      return stats;
    },

    async cancel(id) {
      record('cancel', [id]);
      const h = handleOf(id);
      h.seq++;
    },

    async closeTable(id) {
      record('closeTable', [id]);
      const h = handles.get(id);
      if (!h) return;
      h.closed = true;
      h.seq++;
      if (h.timer) clearInterval(h.timer);
      handles.delete(id);
    },

    async saveView(id, view) {
      record('saveView', [id, view]);
      const h = handleOf(id);
      const v = await computeView(h, view);
      let csv: string | null = null;
      if (v.rows <= 200_000) {
        const cols = info(h).columns;
        const lines = [cols.map(toCsv).join(',')];
        for (let i = 0; i < v.rows; i++) lines.push(rowAt(h, v.at(i)).cells.map(toCsv).join(','));
        csv = lines.join('\r\n') + '\r\n';
      }
      saved.push({ handle: id, view, rows: v.rows, csv });
      return { saved: true, file: `/home/analyst/${h.table}.csv` };
    },
  };
}
