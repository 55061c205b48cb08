// The Tables view's state as a type: what the store holds (the drop's tables, the open table,
// the view on screen, the cursor, the panels) and the actions it offers. Kept apart from the
// store's code so the views, the row cache and the opening logic can all name it without
// importing the store itself.
import type { StoreApi } from 'zustand/vanilla';
import type { DropInspectorApi, EngineEvent } from '../../shared/api';
import type { Dialect } from '../../shared/family';
import type {
  ColumnStats,
  FilterSpec,
  SortSpec,
  TableEncoding,
  TableHandleInfo,
  TableProgress,
  TableScope,
  TableSummary,
  ViewSpec,
} from '../../shared/table-api';
import type { UiError } from './app-state';

export interface RowEntry {
  /** Cells as decoded; a malformed record has its own number of cells. */
  cells: string[];
  /** Position in the scope's natural order (0-based). */
  rowNumber: number;
  chunk: string;
  /** 1-based record number inside its chunk's member. */
  record: number;
  malformed: boolean;
}

export interface TableSelection {
  table: string;
  scope: TableScope;
  encoding: TableEncoding;
  /** Merge key chosen by the user (merged scope). */
  key?: string[];
  /** Parts of the DSV dialect the user fixed (the rest as the scan detected). */
  dialect?: Partial<Dialect>;
}

/** The user's column layout for a table (by column id, see columnIds). */
export interface ColumnPrefs {
  order: string[];
  sizing: Record<string, number>;
  hidden: Record<string, boolean>;
  pinned: string[];
}

export interface Busy {
  kind: 'open' | 'view';
  view: ViewSpec;
  /** performance.now() when it started. */
  started: number;
}

export interface StatsState {
  column: string;
  view: ViewSpec;
  data: ColumnStats | null;
  loading: boolean;
  error: UiError | null;
}

export interface Cursor {
  /** Position in the view (0-based). */
  row: number;
  /** Index into info.columns. */
  col: number;
}

export interface TableState {
  api: DropInspectorApi;
  drop: string | null;
  /** The Tables tab is showing. */
  active: boolean;
  tables: TableSummary[] | null;
  tablesLoading: boolean;
  tablesError: UiError | null;
  selection: TableSelection | null;
  info: TableHandleInfo | null;
  /** The view on screen. */
  view: ViewSpec;
  /** Rows in the view on screen (grows while a plain view's first read runs). */
  viewTotal: number;
  viewComplete: boolean;
  /** The view on screen has rows to read (its first page came). */
  ready: boolean;
  /** Opening a table or computing a view: what the user waits for. */
  busy: Busy | null;
  /** Latest progress of the open handle (first read, sort, filter, stats, merge). */
  progress: TableProgress | null;
  error: UiError | null;
  notice: string | null;
  /** Bumped when rows arrive in the cache. */
  rowsVersion: number;
  /** Milliseconds from the click to the first rows of the last table opened. */
  firstRowsMs: number | null;
  scrollRequest: { row: number; seq: number } | null;
  cursor: Cursor | null;
  /** Rows selected by their numbers (for copying), inclusive. */
  rowSelection: { anchor: number; focus: number } | null;
  showDates: boolean;
  prefs: Record<string, ColumnPrefs>;
  stats: StatsState | null;
  panel: 'cell' | 'stats' | null;
  saving: boolean;
  /** Asks the filter bar to start a filter on a column (from a column's menu). */
  filterDraft: { column: string | null; seq: number } | null;

  init(): () => void;
  setActive(on: boolean): void;
  setDrop(drop: string | null): void;
  loadTables(): Promise<void>;
  open(request: {
    table: string;
    scope?: TableScope;
    encoding?: TableEncoding;
    key?: string[];
    dialect?: Partial<Dialect>;
  }): Promise<void>;
  /** Activates the Tables view and opens the table scoped to one chunk. */
  openInChunk(table: string, chunk: string): void;
  setScope(scope: TableScope): Promise<void>;
  setEncoding(encoding: TableEncoding): Promise<void>;
  /** Reads a DSV table with these parts of the dialect fixed (undefined: as detected). */
  setDialect(dialect: Partial<Dialect> | undefined): Promise<void>;
  setKey(columns: string[] | undefined): Promise<void>;
  setView(view: ViewSpec): Promise<void>;
  setSort(sort: SortSpec | null): Promise<void>;
  setSearch(search: string): Promise<void>;
  addFilter(filter: FilterSpec): Promise<void>;
  removeFilter(index: number): Promise<void>;
  clearView(): Promise<void>;
  cancel(): Promise<void>;
  retry(): Promise<void>;
  getRow(index: number): RowEntry | undefined;
  requestRows(first: number, last: number): void;
  /** Rows [from, from + count) of the view, from the cache or the engine. */
  fetchRows(from: number, count: number): Promise<RowEntry[]>;
  jumpTo(row: number, col?: number): void;
  setCursor(cursor: Cursor | null): void;
  selectRows(anchor: number, focus?: number): void;
  setShowDates(on: boolean): void;
  setPrefs(table: string, prefs: ColumnPrefs | null): void;
  loadStats(column: string): Promise<void>;
  setPanel(panel: 'cell' | 'stats' | null): void;
  editFilter(column: string | null): void;
  saveView(): Promise<void>;
  showError(error: unknown, context?: string): void;
  dismissError(): void;
  dismissNotice(): void;
  handleEvent(event: EngineEvent): void;
  /** Cache statistics (tests, benchmarks). */
  cacheInfo(): { blocks: number; rows: number; inflight: number };
}

export type TableStore = StoreApi<TableState>;
