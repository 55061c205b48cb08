// The Tables view's state (zustand; one store per App, next to the app store): the drop's
// tables, the open table (an engine handle), the applied view (sort / filter / search) and a
// page cache of its rows.
//
// Rows are fetched with getRows in blocks of BLOCK_ROWS and kept in an LRU of MAX_BLOCKS
// blocks, so memory stays flat however far a 10-million-row table is scrolled. The grid asks
// for the rows it shows (requestRows); during a fast scroll the asks are debounced and only
// the last range is fetched. A new view (sort, filter, search, scope, encoding, key) keeps the
// previous one on screen until its first page arrives; long ones report progress
// (table-progress events) and can be cancelled.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DropInspectorApi, EngineEvent } from '../../shared/api';
import type { Dialect } from '../../shared/family';
import type {
  ColumnStats,
  FilterSpec,
  RowsPage,
  SortSpec,
  TableEncoding,
  TableHandleInfo,
  TableProgress,
  TableScope,
  TableSummary,
  ViewSpec,
} from '../../shared/table-api';
import { isCancelled, toApiError } from '../api/errors';
import type { AppStore, UiError } from './app-state';

/** Rows per getRows block. */
export const BLOCK_ROWS = 200;
/** Blocks kept (LRU): 64 × 200 = 12,800 rows whatever the table's size. */
export const MAX_BLOCKS = 64;
/** Quiet time before fetching during a burst of scrolling. */
export const FETCH_DEBOUNCE_MS = 40;
/** A request after this much quiet is fetched at once (no debounce). */
export const IDLE_MS = 120;
/** Blocks per getRows call, and calls in flight at once. */
export const MAX_FETCH_BLOCKS = 4;
export const MAX_INFLIGHT = 3;

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

/** The view as the engine wants it: no empty search, no empty filter list. */
export function cleanView(view: ViewSpec): ViewSpec {
  const out: ViewSpec = {};
  if (view.sort) out.sort = view.sort;
  if (view.filter && view.filter.length) out.filter = view.filter;
  if (view.search && view.search !== '') out.search = view.search;
  return out;
}

export function viewKey(view: ViewSpec): string {
  const v = cleanView(view);
  return JSON.stringify([v.sort ?? null, v.filter ?? [], v.search ?? '']);
}

export function isPlainView(view: ViewSpec): boolean {
  const v = cleanView(view);
  return !v.sort && !v.filter && !v.search;
}

export function scopeKey(scope: TableScope): string {
  return typeof scope === 'object' ? `chunk:${scope.chunk}` : scope;
}

/** Unique ids for a header that may repeat a name: NAME, NAME#2, ... */
export function columnIds(columns: string[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = (seen.get(c) ?? 0) + 1;
    seen.set(c, n);
    return n === 1 ? c : `${c}#${n}`;
  });
}

/** The default scope for a table: its only chunk, else all chunks. */
export function defaultScope(summary: TableSummary | undefined): TableScope {
  if (summary && summary.chunks.length === 1) return { chunk: summary.chunks[0].chunk };
  return 'all';
}

/** Keeps the parts of a view that still apply to these columns. */
function carryView(view: ViewSpec, columns: string[]): ViewSpec {
  const out: ViewSpec = {};
  if (view.sort && columns.includes(view.sort.column)) out.sort = view.sort;
  const filter = (view.filter ?? []).filter((f) => f.column === undefined || columns.includes(f.column));
  if (filter.length) out.filter = filter;
  if (view.search) out.search = view.search;
  return out;
}

const TABLES_RELIST_MS = 500;
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function createTableStore(api: DropInspectorApi, app?: AppStore): TableStore {
  // The page cache and fetch bookkeeping: not state, nothing renders from it directly.
  const cache = new Map<string, RowEntry[]>();
  const inflight = new Set<string>();
  const failedAt = new Map<string, number>();
  let wanted: { first: number; last: number } | null = null;
  let lastAsk = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let openSeq = 0;
  let viewSeq = 0;
  let statsSeq = 0;
  let scrollSeq = 0;
  let infoTimer: ReturnType<typeof setTimeout> | null = null;
  let relistTimer: ReturnType<typeof setTimeout> | null = null;

  const blockKey = (handle: string, vkey: string, block: number): string =>
    `${handle}\u0001${vkey}\u0001${block}`;

  const store = createStore<TableState>()((set, get) => {
    function current(): { handle: string; vkey: string } | null {
      const { info, ready, view } = get();
      return info && ready ? { handle: info.handle, vkey: viewKey(view) } : null;
    }

    function toRows(page: RowsPage): RowEntry[] {
      return page.rows.map((cells, i) => ({
        cells,
        rowNumber: page.rowNumbers[i],
        chunk: page.rowChunks[i],
        record: page.records[i],
        malformed: page.malformed[i],
      }));
    }

    function protectedKeys(): Set<string> {
      const cur = current();
      const keep = new Set<string>();
      if (!cur || !wanted) return keep;
      for (let b = Math.floor(wanted.first / BLOCK_ROWS); b <= Math.floor(wanted.last / BLOCK_ROWS); b++)
        keep.add(blockKey(cur.handle, cur.vkey, b));
      return keep;
    }

    function evict(): void {
      if (cache.size <= MAX_BLOCKS) return;
      const keep = protectedKeys();
      for (const k of cache.keys()) {
        if (cache.size <= MAX_BLOCKS) break;
        if (!keep.has(k)) cache.delete(k);
      }
    }

    /** Stores a page's rows as blocks (a page starts on a block boundary). */
    function storePage(handle: string, vkey: string, offset: number, page: RowsPage): void {
      const rows = toRows(page);
      for (let i = 0; i * BLOCK_ROWS < Math.max(rows.length, 1); i++) {
        const block = Math.floor(offset / BLOCK_ROWS) + i;
        const part = rows.slice(i * BLOCK_ROWS, (i + 1) * BLOCK_ROWS);
        if (part.length === 0 && i > 0) break;
        const k = blockKey(handle, vkey, block);
        cache.delete(k);
        cache.set(k, part);
      }
      evict();
    }

    function dropHandle(handle: string): void {
      for (const k of [...cache.keys()]) if (k.startsWith(`${handle}\u0001`)) cache.delete(k);
    }

    function missingBlocks(): number[] {
      const cur = current();
      if (!cur || !wanted) return [];
      const total = get().viewTotal;
      if (total <= 0) return [];
      const margin = BLOCK_ROWS / 2;
      const b0 = Math.floor(Math.max(0, wanted.first - margin) / BLOCK_ROWS);
      const b1 = Math.floor(Math.min(total - 1, wanted.last + margin) / BLOCK_ROWS);
      const out: number[] = [];
      const t = now();
      for (let b = b0; b <= b1; b++) {
        const k = blockKey(cur.handle, cur.vkey, b);
        const rows = cache.get(k);
        if (rows) {
          // Touch (LRU), and refetch a short block the view has grown past.
          cache.delete(k);
          cache.set(k, rows);
          if (rows.length === BLOCK_ROWS || b * BLOCK_ROWS + rows.length >= total) continue;
        }
        if (inflight.has(k)) continue;
        const failed = failedAt.get(k);
        if (failed !== undefined && t - failed < 2000) continue;
        out.push(b);
      }
      return out;
    }

    function fetchWanted(): void {
      timer = null;
      const cur = current();
      if (!cur) return;
      const blocks = missingBlocks();
      // Runs of consecutive blocks, fetched nearest-first (the middle of the range).
      const runs: number[][] = [];
      for (const b of blocks) {
        const run = runs[runs.length - 1];
        if (run && run[run.length - 1] === b - 1 && run.length < MAX_FETCH_BLOCKS) run.push(b);
        else runs.push([b]);
      }
      for (const run of runs) {
        if (inflight.size >= MAX_INFLIGHT * MAX_FETCH_BLOCKS) break;
        void fetchRun(cur.handle, cur.vkey, get().view, run);
      }
    }

    async function fetchRun(handle: string, vkey: string, view: ViewSpec, run: number[]): Promise<void> {
      const keys = run.map((b) => blockKey(handle, vkey, b));
      keys.forEach((k) => inflight.add(k));
      const offset = run[0] * BLOCK_ROWS;
      try {
        const page = await api.getRows(handle, {
          ...cleanView(view),
          offset,
          limit: run.length * BLOCK_ROWS,
        });
        keys.forEach((k) => failedAt.delete(k));
        if (get().info?.handle !== handle) return;
        storePage(handle, vkey, offset, page);
        const cur = current();
        if (cur && cur.handle === handle && cur.vkey === vkey) {
          const plainGrowth = isPlainView(get().view) && page.totalRows > get().viewTotal;
          set((s) => ({
            rowsVersion: s.rowsVersion + 1,
            ...(plainGrowth ? { viewTotal: page.totalRows, viewComplete: page.complete } : {}),
          }));
        }
      } catch (e) {
        const t = now();
        keys.forEach((k) => failedAt.set(k, t));
        const cur = current();
        // A read the user made obsolete (another table, a newer view) is not an error.
        if (cur && cur.handle === handle && cur.vkey === vkey && !isCancelled(e))
          set({
            error: {
              ...toApiError(e),
              context: `Reading rows ${offset + 1}–${offset + run.length * BLOCK_ROWS}`,
            },
          });
      } finally {
        keys.forEach((k) => inflight.delete(k));
      }
      // More of the wanted range may still be missing (in-flight cap).
      if (missingBlocks().length && !timer) timer = setTimeout(fetchWanted, 0);
    }

    function clearTimer(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    }

    function scheduleInfo(handle: string): void {
      if (infoTimer) return;
      infoTimer = setTimeout(() => {
        infoTimer = null;
        api
          .tableInfo(handle)
          .then((info) => {
            if (get().info?.handle === handle) set({ info });
          })
          .catch(() => {});
      }, 50);
    }

    /** Computes a view's first page; the view on screen stays until it comes. */
    async function runView(view: ViewSpec, kind: 'open' | 'view', started: number): Promise<void> {
      const info = get().info;
      if (!info) return;
      const handle = info.handle;
      const seq = ++viewSeq;
      const prev = get().busy;
      set({ busy: { kind, view, started }, progress: null, error: null, notice: null });
      // A view nobody waits for any more: stop computing it.
      if (prev && prev.kind === 'view' && kind === 'view') await api.cancel(handle).catch(() => {});
      if (seq !== viewSeq) return;
      try {
        const page = await api.getRows(handle, { ...cleanView(view), offset: 0, limit: BLOCK_ROWS });
        if (seq !== viewSeq || get().info?.handle !== handle) return;
        const vkey = viewKey(view);
        storePage(handle, vkey, 0, page);
        const cursor = get().cursor;
        set((s) => ({
          view: cleanView(view),
          viewTotal: page.totalRows,
          viewComplete: page.complete,
          ready: true,
          busy: null,
          progress: null,
          rowsVersion: s.rowsVersion + 1,
          scrollRequest: { row: 0, seq: ++scrollSeq },
          cursor: cursor && page.totalRows > 0 ? { row: 0, col: cursor.col } : null,
          rowSelection: null,
          ...(kind === 'open' ? { firstRowsMs: Math.round(now() - started) } : {}),
        }));
        if (kind === 'open' && (info.scope === 'merged' || !info.complete)) scheduleInfo(handle);
      } catch (e) {
        if (seq !== viewSeq) return;
        if (isCancelled(e)) {
          set({ busy: null, progress: null });
          return;
        }
        set({
          busy: null,
          progress: null,
          error: {
            ...toApiError(e),
            context: kind === 'open' ? `Reading ${info.table}` : describeView(view),
          },
        });
      }
    }

    /** The open table's scope was chosen by default (not by the user), so it may widen. */
    let scopeDefaulted = false;
    /** How many chunks the open table had in the list when it was opened (or last widened). */
    let chunksAtOpen = 0;

    async function reopen(change: Partial<TableSelection>): Promise<void> {
      const sel = get().selection;
      if (!sel) return;
      const next = { ...sel, ...change };
      // Keep the view the user asked for last (one being computed, else the one on screen).
      const busy = get().busy;
      await openWith(next, busy && busy.kind === 'view' ? busy.view : get().view);
    }

    async function openWith(sel: TableSelection, carry: ViewSpec | null): Promise<void> {
      const drop = get().drop;
      if (!drop) return;
      const started = now();
      const seq = ++openSeq;
      viewSeq++;
      statsSeq++;
      clearTimer();
      wanted = null;
      const old = get().info;
      if (old) {
        dropHandle(old.handle);
        void api.closeTable(old.handle).catch(() => {});
      }
      set({
        selection: sel,
        info: null,
        ready: false,
        view: {},
        viewTotal: 0,
        viewComplete: false,
        busy: { kind: 'open', view: {}, started },
        progress: null,
        error: null,
        notice: null,
        stats: null,
        cursor: null,
        rowSelection: null,
        firstRowsMs: null,
        panel: get().panel === 'stats' ? null : get().panel,
      });
      let info: TableHandleInfo;
      try {
        info = await api.openTable(drop, {
          table: sel.table,
          scope: sel.scope,
          encoding: sel.encoding,
          ...(sel.key && sel.key.length ? { key: sel.key } : {}),
          ...(sel.dialect && Object.keys(sel.dialect).length ? { dialect: sel.dialect } : {}),
        });
      } catch (e) {
        if (seq === openSeq)
          set({ busy: null, error: isCancelled(e) ? null : { ...toApiError(e), context: `Opening ${sel.table}` } });
        return;
      }
      if (seq !== openSeq || get().drop !== drop) {
        void api.closeTable(info.handle).catch(() => {});
        return;
      }
      set({ info, viewTotal: info.totalRows, viewComplete: info.complete });
      await runView(carry ? carryView(carry, info.columns) : {}, 'open', started);
    }

    function closeCurrent(): void {
      const old = get().info;
      openSeq++;
      viewSeq++;
      statsSeq++;
      clearTimer();
      wanted = null;
      if (old) {
        dropHandle(old.handle);
        void api.closeTable(old.handle).catch(() => {});
      }
    }

    return {
      api,
      drop: null,
      active: false,
      tables: null,
      tablesLoading: false,
      tablesError: null,
      selection: null,
      info: null,
      view: {},
      viewTotal: 0,
      viewComplete: false,
      ready: false,
      busy: null,
      progress: null,
      error: null,
      notice: null,
      rowsVersion: 0,
      firstRowsMs: null,
      scrollRequest: null,
      cursor: null,
      rowSelection: null,
      showDates: false,
      prefs: {},
      stats: null,
      panel: null,
      saving: false,
      filterDraft: null,

      init() {
        let unsubscribe: () => void = () => {};
        try {
          unsubscribe = api.onEvent((e) => get().handleEvent(e));
        } catch {
          /* the app store reports event failures */
        }
        let unfollow: () => void = () => {};
        if (app) {
          get().setDrop(app.getState().drop);
          unfollow = app.subscribe((s, prev) => {
            if (s.drop !== prev.drop) get().setDrop(s.drop);
            if (s.view !== prev.view || s.openScreen !== prev.openScreen) get().setActive(false);
          });
        }
        return () => {
          unsubscribe();
          unfollow();
          clearTimer();
          if (infoTimer) clearTimeout(infoTimer);
          infoTimer = null;
          if (relistTimer) clearTimeout(relistTimer);
          relistTimer = null;
          closeCurrent();
        };
      },

      setActive(on) {
        if (get().active === on) return;
        set({ active: on });
        if (on && !get().tables && !get().tablesLoading) void get().loadTables();
      },

      setDrop(drop) {
        if (get().drop === drop) return;
        closeCurrent();
        set({
          drop,
          active: false,
          tables: null,
          tablesError: null,
          selection: null,
          info: null,
          ready: false,
          view: {},
          viewTotal: 0,
          busy: null,
          progress: null,
          error: null,
          notice: null,
          stats: null,
          cursor: null,
          rowSelection: null,
        });
      },

      async loadTables() {
        const drop = get().drop;
        if (!drop) return;
        set({ tablesLoading: true, tablesError: null });
        try {
          const tables = await api.listTables(drop);
          if (get().drop !== drop) return;
          set({ tables: Array.isArray(tables) ? tables : [], tablesLoading: false });
          // A table opened during a first scan got the scope its chunks had then (one chunk): when
          // the scan adds more, the default widens to all of them — unless the user chose the scope.
          const sel = get().selection;
          if (sel && scopeDefaulted) {
            const summary = get().tables?.find((t) => t.table.toLowerCase() === sel.table.toLowerCase());
            const wider = defaultScope(summary);
            const known = chunksAtOpen;
            chunksAtOpen = summary?.chunks.length ?? known;
            if (wider === 'all' && sel.scope !== 'all') await reopen({ scope: 'all', key: undefined });
            // Opened across all chunks while the scan was still adding them: take in the new ones.
            else if (sel.scope === 'all' && summary && summary.chunks.length > known) await reopen({});
          }
        } catch (e) {
          if (get().drop === drop)
            set({ tablesLoading: false, tablesError: { ...toApiError(e), context: 'Listing the tables' } });
        }
      },

      async open(request) {
        // The default scope depends on the table's chunks: list the tables first if need be.
        if (!request.scope && !get().tables && get().drop) await get().loadTables();
        const summary = get().tables?.find((t) => t.table.toLowerCase() === request.table.toLowerCase());
        const prev = get().selection;
        scopeDefaulted = !request.scope;
        chunksAtOpen = get().tables?.find((t) => t.table.toLowerCase() === request.table.toLowerCase())?.chunks.length ?? 0;
        const sameTable = prev && prev.table.toLowerCase() === request.table.toLowerCase();
        await openWith(
          {
            table: summary?.table ?? request.table,
            scope: request.scope ?? defaultScope(summary),
            encoding: request.encoding ?? (sameTable ? prev.encoding : 'utf-8'),
            ...(request.key ? { key: request.key } : {}),
            ...((request.dialect ?? (sameTable ? prev.dialect : undefined)) ? { dialect: request.dialect ?? prev!.dialect } : {}),
          },
          null,
        );
      },

      openInChunk(table, chunk) {
        get().setActive(true);
        void get().open({ table, scope: { chunk } });
      },

      setScope: (scope) => {
        scopeDefaulted = false;
        return reopen({ scope, key: undefined });
      },
      setEncoding: (encoding) => reopen({ encoding }),
      setDialect: (dialect) => reopen({ dialect: dialect && Object.keys(dialect).length ? dialect : undefined }),
      setKey: (key) => {
        scopeDefaulted = false;
        return reopen({ key, scope: 'merged' });
      },

      async setView(view) {
        if (!get().info) return;
        await runView(cleanView(view), 'view', now());
      },

      setSort(sort) {
        const v = get().busy?.kind === 'view' ? get().busy!.view : get().view;
        const { sort: _old, ...rest } = v;
        return get().setView(sort ? { ...rest, sort } : rest);
      },

      setSearch(search) {
        const v = get().busy?.kind === 'view' ? get().busy!.view : get().view;
        if ((v.search ?? '') === search) return Promise.resolve();
        return get().setView({ ...v, search });
      },

      addFilter(filter) {
        const v = get().busy?.kind === 'view' ? get().busy!.view : get().view;
        return get().setView({ ...v, filter: [...(v.filter ?? []), filter] });
      },

      removeFilter(index) {
        const v = get().busy?.kind === 'view' ? get().busy!.view : get().view;
        return get().setView({ ...v, filter: (v.filter ?? []).filter((_, i) => i !== index) });
      },

      clearView() {
        return get().setView({});
      },

      async cancel() {
        const { info, busy, stats } = get();
        if (!info) return;
        const wasView = busy?.kind === 'view';
        if (busy) viewSeq++;
        if (stats?.loading) statsSeq++;
        set({
          busy: null,
          progress: null,
          notice: busy
            ? wasView || get().ready
              ? 'Cancelled: the previous view is shown.'
              : 'Cancelled.'
            : stats?.loading
              ? 'Statistics cancelled.'
              : null,
          ...(stats?.loading ? { stats: { ...stats, loading: false } } : {}),
        });
        try {
          await api.cancel(info.handle);
        } catch (e) {
          set({ error: { ...toApiError(e), context: 'Cancelling' } });
        }
      },

      async retry() {
        const { info, selection } = get();
        if (!info && selection) {
          await openWith(selection, null);
          return;
        }
        await runView(get().view, get().ready ? 'view' : 'open', now());
      },

      getRow(index) {
        const cur = current();
        if (!cur) return undefined;
        const b = Math.floor(index / BLOCK_ROWS);
        return cache.get(blockKey(cur.handle, cur.vkey, b))?.[index - b * BLOCK_ROWS];
      },

      requestRows(first, last) {
        wanted = { first: Math.max(0, first), last: Math.max(first, last) };
        if (!missingBlocks().length) return;
        const t = now();
        const idle = t - lastAsk > IDLE_MS && inflight.size === 0;
        lastAsk = t;
        clearTimer();
        if (idle) fetchWanted();
        else timer = setTimeout(fetchWanted, FETCH_DEBOUNCE_MS);
      },

      async fetchRows(from, count) {
        const info = get().info;
        if (!info) return [];
        const out: RowEntry[] = [];
        let missing = false;
        for (let i = from; i < from + count; i++) {
          const r = get().getRow(i);
          if (!r) {
            missing = true;
            break;
          }
          out.push(r);
        }
        if (!missing) return out;
        const page = await api.getRows(info.handle, { ...cleanView(get().view), offset: from, limit: count });
        return toRows(page);
      },

      jumpTo(row, col) {
        const total = get().viewTotal;
        if (total <= 0) return;
        const r = Math.max(0, Math.min(total - 1, Math.floor(row)));
        const c = col ?? get().cursor?.col ?? 0;
        set({ scrollRequest: { row: r, seq: ++scrollSeq }, cursor: { row: r, col: c }, rowSelection: null });
      },

      setCursor(cursor) {
        set({ cursor });
      },

      selectRows(anchor, focus) {
        if (anchor < 0) {
          set({ rowSelection: null });
          return;
        }
        set({ rowSelection: { anchor, focus: focus ?? anchor } });
      },

      setShowDates(on) {
        set({ showDates: on });
      },

      setPrefs(table, prefs) {
        const key = table.toLowerCase();
        set((s) => {
          const next = { ...s.prefs };
          if (prefs) next[key] = prefs;
          else delete next[key];
          return { prefs: next };
        });
      },

      async loadStats(column) {
        const info = get().info;
        if (!info) return;
        const view = get().view;
        const seq = ++statsSeq;
        set({
          panel: 'stats',
          stats: { column, view, data: null, loading: true, error: null },
          progress: null,
        });
        try {
          const data = await api.columnStats(info.handle, column, cleanView(view));
          if (seq === statsSeq) set({ stats: { column, view, data, loading: false, error: null } });
        } catch (e) {
          if (seq === statsSeq)
            set({
              stats: {
                column,
                view,
                data: null,
                loading: false,
                error: isCancelled(e) ? null : { ...toApiError(e), context: `Statistics of ${column}` },
              },
            });
        }
      },

      setPanel(panel) {
        set({ panel });
      },

      editFilter(column) {
        set((s) => ({ filterDraft: { column, seq: (s.filterDraft?.seq ?? 0) + 1 } }));
      },

      async saveView() {
        const { info, view } = get();
        if (!info || get().saving) return;
        set({ saving: true, notice: null });
        try {
          const r = await api.saveView(info.handle, cleanView(view));
          if (r && r.saved)
            set({
              notice: r.file
                ? `Saved the view to ${r.file}`
                : 'Saving the view as CSV: the download has started.',
            });
        } catch (e) {
          set({ error: { ...toApiError(e), context: 'Saving the view as CSV' } });
        } finally {
          set({ saving: false });
        }
      },

      showError(error, context) {
        set({ error: { ...toApiError(error), context } });
      },
      dismissError: () => set({ error: null }),
      dismissNotice: () => set({ notice: null }),

      handleEvent(event) {
        // The drop's tables change while it is scanned (a first scan adds chunks one by one):
        // the list is fetched again, at most every TABLES_RELIST_MS.
        if (event.type === 'report-updated') {
          if (event.drop === get().drop && (get().tables !== null || get().tablesError !== null) && !relistTimer) {
            relistTimer = setTimeout(() => {
              relistTimer = null;
              void get().loadTables();
            }, TABLES_RELIST_MS);
          }
          return;
        }
        const info = get().info;
        if (!info) return;
        if (event.type === 'table-progress') {
          if (event.progress.handle !== info.handle) return;
          set({ progress: event.progress });
          return;
        }
        if (event.type !== 'table-grown' || event.handle !== info.handle) return;
        set({ info: { ...info, totalRows: event.totalRows, complete: event.complete } });
        if (get().ready && isPlainView(get().view) && info.scope !== 'merged') {
          set((s) => ({
            viewTotal: event.totalRows,
            viewComplete: event.complete,
            rowsVersion: s.rowsVersion + 1,
          }));
          if (wanted && missingBlocks().length && !timer) timer = setTimeout(fetchWanted, FETCH_DEBOUNCE_MS);
        }
        if (event.complete) scheduleInfo(info.handle);
      },

      cacheInfo() {
        let rows = 0;
        for (const b of cache.values()) rows += b.length;
        return { blocks: cache.size, rows, inflight: inflight.size };
      },
    };
  });
  return store;
}

const OP_LABELS: Record<FilterSpec['op'], string> = {
  contains: 'contains',
  'not-contains': 'does not contain',
  equals: '=',
  'not-equals': '≠',
  'starts-with': 'starts with',
  'ends-with': 'ends with',
  empty: 'is empty',
  'not-empty': 'is not empty',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  regex: 'matches',
  malformed: 'malformed rows',
};

export function filterLabel(f: FilterSpec): string {
  if (f.op === 'malformed') return 'Malformed rows only';
  const col = f.column ?? 'any column';
  if (f.op === 'empty' || f.op === 'not-empty') return `${col} ${OP_LABELS[f.op]}`;
  return `${col} ${OP_LABELS[f.op]} ${JSON.stringify(f.value ?? '')}${f.caseSensitive ? ' (Aa)' : ''}`;
}

/** A view in words: while it is computed ("Sorting by X"), or once shown (done: "Sorted by X"). */
export function describeView(view: ViewSpec, done = false): string {
  const parts: string[] = [];
  if (view.search) parts.push(`${done ? 'Search' : 'Searching'} ${JSON.stringify(view.search)}`);
  for (const f of view.filter ?? []) parts.push(`Filter ${filterLabel(f)}`);
  if (view.sort) parts.push(`${done ? 'Sorted' : 'Sorting'} by ${view.sort.column}${view.sort.desc ? ' (descending)' : ''}`);
  return parts.join(', ') || (done ? 'natural order' : 'Reading the rows');
}

export { OP_LABELS };
