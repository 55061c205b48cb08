// The fake table service's shapes: its options and methods, an open handle, a view.
import type {
  ColumnStats,
  KeyInfo,
  OpenTableRequest,
  RowsPage,
  RowsRequest,
  TableEncoding,
  TableEvent,
  TableHandleInfo,
  TableScope,
  TableSummary,
  ViewSpec,
} from '../../../src/shared/table-api';
import type { SavedView } from '../../../src/shared/api';
import type { ScanReport } from '../../../src/shared/report';
import type { Dialect } from '../../../src/shared/family';
import type { Decoded, Source } from './source';

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

export interface View {
  rows: number;
  /** Natural position of the view's i-th row. */
  at(i: number): number;
}

export interface Handle {
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
