// The table browser's API: what the grid UI calls, whatever hosts it (Electron IPC, HTTP,
// or in-process for the CLI and tests). Implemented by src/engine/tables/table-service.ts.
//
// Model
// - A table is every member <table>.csv of the drop's chunks (names compared case-blind).
// - Scope: one chunk ({ chunk }), 'all' (the chunks' tables concatenated in continuity
//   order, with the chunk as the first column), or 'merged' (one row per primary key: the
//   record from the latest chunk in continuity order; within a chunk the later record).
// - Rows are addressed by position in a *view*: the scope's rows in their natural order
//   (file order; for 'merged', the winning records in their concatenation order), optionally
//   filtered, searched and sorted over the whole table. Every cell is a string exactly as
//   decoded; an empty field is ''. Malformed records are returned as they are (their own
//   number of cells) and flagged, never dropped.
// - First read: a table's member is inflated once into a cache outside the drop (a row
//   index for random access); the first page is served while that goes on. Sorting,
//   filtering, searching, statistics and the merged view use an analysis store built from
//   the cache on first need (DuckDB). Both are reused across runs until the archive changes.
import type { Dialect, MergePolicy, ReadWay } from './family';

export const TABLE_ENCODINGS = ['utf-8', 'windows-1252', 'latin1', 'utf-16', 'utf-16le', 'utf-16be'] as const;
export type TableEncoding = (typeof TABLE_ENCODINGS)[number];

/** Name of the chunk column in 'all' and 'merged' scopes (first column). */
export const CHUNK_COLUMN = '_chunk';

export type TableScope = { chunk: string } | 'all' | 'merged';

export interface TableChunkInfo {
  chunk: string;
  /** Zip member name. */
  member: string;
  /** Records (header excluded) as counted by the scan; null when unreadable. */
  rows: number | null;
  columns: string[];
  bytes: number | null;
  /** Why the member cannot be read (from the scan), else null. */
  error: string | null;
  /** Its rows are already in the table cache (for the default encoding). */
  cached: boolean;
  /** What changes when the chunk's files do (its catalog fingerprint): a chunk replaced since a table was opened reads anew. */
  version?: string;
}

export interface TableSummary {
  /** Table name as the first chunk (in continuity order) writes it. */
  table: string;
  /** Chunks holding the table, in continuity order. */
  chunks: TableChunkInfo[];
  /** Sum of the chunks' row counts (readable chunks). */
  totalRows: number;
  /** Union of the chunks' columns, in order of first appearance. */
  columns: string[];
  /** What the merged scope holds: how the family's warehouse combines the chunks. */
  merge?: MergePolicy;
}

export interface OpenTableRequest {
  table: string;
  scope: TableScope;
  /** Default 'utf-8' (a leading BOM is dropped; a UTF-16 BOM switches to UTF-16). */
  encoding?: TableEncoding;
  /** For 'merged': the key column(s) to merge by, instead of the inferred key. */
  key?: string[];
  /**
   * Parts of the DSV dialect to read with instead of what the scan detected (delimiter,
   * quote, header); DSV tables only.
   */
  dialect?: Partial<Dialect>;
}

export type KeySource =
  /** A key gim.md names for this table (INTERACTION_FACT: INTERACTION_ID, ...). */
  | 'known'
  /** <TABLE>_KEY (or <TABLE>_ID) exists. */
  | 'table-name'
  /** The first *_KEY / *_ID / ID column that is unique within every chunk. */
  | 'unique-column'
  | 'user'
  /** No candidate: nothing is merged (every record is its own key). */
  | 'none';

export interface KeyInfo {
  columns: string[];
  source: KeySource;
  /** Other columns the user could choose (key-like names first). */
  candidates: string[];
  /** Key values that occur more than once inside one chunk (the later record wins); null until checked. */
  duplicatesWithinChunk: number | null;
  /** Records whose key is empty (each kept as its own row); null until checked. */
  emptyKeys: number | null;
  /** Records replaced by a later one. */
  replaced: number | null;
}

export interface TableProblems {
  /** Records whose field count differs from the header's, or that end inside quotes. */
  malformedRows: number;
  /** Bytes invalid in the encoding, shown as U+FFFD. */
  invalidChars: number;
  /** Chunks whose member cannot be read (listed with the reason). */
  unreadable: Array<{ chunk: string; error: string }>;
}

export interface TableHandleInfo {
  handle: string;
  table: string;
  scope: TableScope;
  /** Encoding in effect (after BOM detection). */
  encoding: TableEncoding;
  /** Column names; in 'all' and 'merged' scopes the first is CHUNK_COLUMN. */
  columns: string[];
  /** Records in the scope (natural order, no filter); grows while the first read runs. */
  totalRows: number;
  /** totalRows is final (every chunk read). */
  complete: boolean;
  /** For 'merged' (and as a suggestion for the others); null until known. */
  key: KeyInfo | null;
  problems: TableProblems;
  /** Chunks of the scope, in continuity order. */
  chunks: string[];
  /** How a DSV table is read (detected by the scan, or as overridden); null for other layouts. */
  dialect?: Dialect | null;
  /** The layout of its parts ('dsv', 'jsonl', …). */
  layout?: string | null;
  /**
   * Where the scope's chunks are not all read one way (dialect and layout above are its first
   * part's): each way, with how many chunks, in the order first met; absent where they are.
   */
  readWays?: ReadWay[];
  /**
   * How the family's warehouse combines the chunks, which is what the merged scope shows:
   * upsert by key, or the newest snapshot alone (a daily dump is a full one: no key merges it).
   */
  merge?: MergePolicy;
}

export type FilterOp =
  | 'contains'
  | 'not-contains'
  | 'equals'
  | 'not-equals'
  | 'starts-with'
  | 'ends-with'
  | 'empty'
  | 'not-empty'
  /** Numeric comparison where the column is numeric and the value a number; else code-point order. */
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'regex'
  /** Only malformed records (column and value ignored). */
  | 'malformed';

export interface FilterSpec {
  /** Column name; omitted = any column. */
  column?: string;
  op: FilterOp;
  value?: string;
  /** contains / equals / starts-with / ends-with / regex: default false (case-blind). */
  caseSensitive?: boolean;
}

export interface SortSpec {
  column: string;
  desc?: boolean;
  /**
   * 'auto' (default): numeric order when every non-empty value of the column is a number,
   * else code-point (binary UTF-8) order; the chunk column in continuity order. Empty cells
   * (and, sorting as numbers, non-numbers) come last either way; ties keep the view's
   * natural order.
   */
  as?: 'auto' | 'text' | 'number';
}

export interface ViewSpec {
  sort?: SortSpec;
  /** Further sort keys, for rows equal by `sort` (the CLI's repeated --sort). */
  thenBy?: SortSpec[];
  /** All must match. */
  filter?: FilterSpec[];
  /** Case-blind substring of any cell (the chunk name included). */
  search?: string;
}

export interface RowsRequest extends ViewSpec {
  offset: number;
  limit: number;
}

export interface RowsPage {
  offset: number;
  /** Cells as decoded; a malformed record has its own number of cells. */
  rows: string[][];
  /** Position of each row in the scope's natural order (0-based). */
  rowNumbers: number[];
  /** Chunk of each row. */
  rowChunks: string[];
  /** 1-based data record number of each row inside its chunk's member. */
  records: number[];
  malformed: boolean[];
  /** Rows in the view (after filter / search); for the plain view, the scope's records so far. */
  totalRows: number;
  /** totalRows is final. */
  complete: boolean;
}

export interface ColumnStats {
  column: string;
  rows: number;
  empty: number;
  distinct: number;
  kind: 'number' | 'time' | 'text';
  /** Numeric or code-point order, per kind. */
  min: string | null;
  max: string | null;
  top: Array<{ value: string; count: number }>;
  /**
   * Bins over [min, max] for number and time columns (time: Unix seconds): for whole numbers,
   * bins of whole width, each [from, to] inclusive (from = to: a bin of one value); else of
   * equal width, each [from, to) but the last, which holds max.
   */
  histogram: Array<{ from: number; to: number; count: number }> | null;
}

export type TablePhase =
  | 'reading'
  | 'analysing'
  | 'merging'
  | 'sorting'
  | 'filtering'
  | 'stats'
  | 'exporting'
  | 'done'
  | 'cancelled'
  | 'failed';

export interface TableProgress {
  handle: string;
  phase: TablePhase;
  /** Rows (reading: records indexed) or bytes done, per phase; total null when unknown. */
  done: number;
  total: number | null;
  /** The chunk being read, if any. */
  chunk?: string;
  elapsedMs: number;
  error?: string;
}

export type TableEvent =
  | { type: 'table-progress'; progress: TableProgress }
  /** More rows became available (totalRows grew) or the first read finished. */
  | { type: 'table-grown'; handle: string; totalRows: number; complete: boolean }
  /**
   * A part of a many-part handle failed its first read and left it (listed in the handle's
   * problems.unreadable from now on): the rows after it moved up, so rows fetched before are stale.
   */
  | { type: 'table-part-left'; handle: string; chunk: string; error: string };

export interface ExportResult {
  file: string;
  rows: number;
  bytes: number;
}

export interface TableApi {
  /** Tables of a scanned drop, with their chunks in continuity order and row counts. */
  listTables(drop: string): Promise<TableSummary[]>;
  /** Opens a table; returns at once (the first read goes on; watch table-grown). */
  openTable(drop: string, request: OpenTableRequest): Promise<TableHandleInfo>;
  /** The handle's current state (totalRows, complete, key, problems). */
  tableInfo(handle: string): Promise<TableHandleInfo>;
  /** A page of a view. The first page of a plain view comes without waiting for the first read to end. */
  getRows(handle: string, request: RowsRequest): Promise<RowsPage>;
  columnStats(handle: string, column: string, view?: ViewSpec): Promise<ColumnStats>;
  /** Writes the view as CSV (RFC 4180, CRLF, UTF-8, header first) to `file`. */
  exportView(handle: string, view: ViewSpec, file: string): Promise<ExportResult>;
  /** Cancels the handle's running sort / filter / stats / export (the first read keeps going). */
  cancel(handle: string): Promise<void>;
  closeTable(handle: string): Promise<void>;
  onTableEvent(listener: (event: TableEvent) => void): () => void;
}

export type TableApiMethod = Exclude<keyof TableApi, 'onTableEvent'>;
export const TABLE_API_METHODS: readonly TableApiMethod[] = [
  'listTables',
  'openTable',
  'tableInfo',
  'getRows',
  'columnStats',
  'exportView',
  'cancel',
  'closeTable',
] as const;
