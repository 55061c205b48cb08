// The Tables view's state (zustand; one store per App, next to the app store): the drop's
// tables, the open table (an engine handle), the applied view (sort / filter / search) and a
// page cache of its rows.
//
// The store's actions are here; the rows' page cache and its fetching are in
// table-row-cache.ts, opening a table and computing a view in table-opening.ts, the state's
// type in table-types.ts and the pure view helpers in table-view-spec.ts. A new view (sort,
// filter, search, scope, encoding, key) keeps the previous one on screen until its first page
// arrives; long ones report progress (table-progress events) and can be cancelled.
import { createStore } from 'zustand/vanilla';
import type { DropInspectorApi } from '../../shared/api';
import type { TableScope, TableSummary } from '../../shared/table-api';
import { isCancelled, toApiError } from '../api/errors';
import type { AppStore } from './app-state';
import { createRowCache, now } from './table-row-cache';
import { createTableOpening, type TableSeqs } from './table-opening';
import type { TableState, TableStore } from './table-types';
import { cleanView, defaultScope, isPlainView } from './table-view-spec';

const TABLES_RELIST_MS = 500;

export function createTableStore(api: DropInspectorApi, app?: AppStore): TableStore {
  const seqs: TableSeqs = { open: 0, view: 0, stats: 0, scroll: 0 };
  let relistTimer: ReturnType<typeof setTimeout> | null = null;

  const store = createStore<TableState>()((set, get) => {
    const rows = createRowCache(api, get, set);
    const opening = createTableOpening(api, get, set, rows, seqs);
    /** The open table's scope was chosen by default (not by the user), so it may widen. */
    let scopeDefaulted = false;
    /** The open table's chunks in the list when it was opened (or last read again): name → version. */
    let chunksAtOpen = new Map<string, string>();

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
          rows.clearTimer();
          opening.stopInfo();
          if (relistTimer) clearTimeout(relistTimer);
          relistTimer = null;
          opening.closeCurrent();
        };
      },

      setActive(on) {
        if (get().active === on) return;
        set({ active: on });
        if (on && !get().tables && !get().tablesLoading) void get().loadTables();
      },

      setDrop(drop) {
        if (get().drop === drop) return;
        opening.closeCurrent();
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
          const summary = sel && get().tables?.find((t) => t.table.toLowerCase() === sel.table.toLowerCase());
          if (sel && summary) {
            const was = chunksAtOpen;
            chunksAtOpen = versionsOf(summary);
            if (scopeDefaulted && defaultScope(summary) === 'all' && sel.scope !== 'all') await opening.reopen({ scope: 'all', key: undefined });
            else if (readsAnew(sel.scope, was, chunksAtOpen)) await opening.reopen({});
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
        chunksAtOpen = summary ? versionsOf(summary) : new Map();
        const sameTable = prev && prev.table.toLowerCase() === request.table.toLowerCase();
        await opening.openWith(
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
        return opening.reopen({ scope, key: undefined });
      },
      setEncoding: (encoding) => opening.reopen({ encoding }),
      setDialect: (dialect) => opening.reopen({ dialect: dialect && Object.keys(dialect).length ? dialect : undefined }),
      setKey: (key) => {
        scopeDefaulted = false;
        return opening.reopen({ key, scope: 'merged' });
      },

      async setView(view) {
        if (!get().info) return;
        await opening.runView(cleanView(view), 'view', now());
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
        if (busy) seqs.view++;
        if (stats?.loading) seqs.stats++;
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
          await opening.openWith(selection, null);
          return;
        }
        await opening.runView(get().view, get().ready ? 'view' : 'open', now());
      },

      getRow: (index) => rows.getRow(index),
      requestRows: (first, last) => rows.request(first, last),
      fetchRows: (from, count) => rows.fetchRows(from, count),

      jumpTo(row, col) {
        const total = get().viewTotal;
        if (total <= 0) return;
        const r = Math.max(0, Math.min(total - 1, Math.floor(row)));
        const c = col ?? get().cursor?.col ?? 0;
        set({ scrollRequest: { row: r, seq: ++seqs.scroll }, cursor: { row: r, col: c }, rowSelection: null });
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
        const seq = ++seqs.stats;
        set({
          panel: 'stats',
          stats: { column, view, data: null, loading: true, error: null },
          progress: null,
        });
        try {
          const data = await api.columnStats(info.handle, column, cleanView(view));
          if (seq === seqs.stats) set({ stats: { column, view, data, loading: false, error: null } });
        } catch (e) {
          if (seq === seqs.stats)
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
        if (event.type === 'table-part-left') {
          if (event.handle !== info.handle) return;
          // The rows after the part moved up: every row held for the handle is stale. The grid
          // asks again for what it shows; the problems bar lists the part once info comes.
          rows.dropHandle(info.handle);
          set((s) => ({ rowsVersion: s.rowsVersion + 1 }));
          rows.afterGrowth();
          opening.scheduleInfo(info.handle);
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
          rows.afterGrowth();
        }
        if (event.complete) opening.scheduleInfo(info.handle);
      },

      cacheInfo: () => rows.info(),
    };
  });
  return store;
}

/** A table's chunks in the list, each with its version (what changes when its files do). */
function versionsOf(summary: TableSummary): Map<string, string> {
  return new Map(summary.chunks.map((c) => [c.chunk, c.version ?? '']));
}

/**
 * Whether a view of `scope` reads anew, its chunks' versions having gone from `was` to `now`:
 * a chunk it holds replaced (read again by a re-scan: a file re-transferred) or gone, else it
 * keeps the rows, or the failure, of the files before; across all chunks, also one added (a
 * scan still adding them). A merged view is not merged again for each chunk a scan adds.
 */
function readsAnew(scope: TableScope, was: Map<string, string>, now: Map<string, string>): boolean {
  const changed = (c: string): boolean => was.has(c) && now.get(c) !== was.get(c);
  if (scope === 'all') return [...was.keys()].some(changed) || [...now.keys()].some((c) => !was.has(c));
  if (scope === 'merged') return [...was.keys()].some(changed);
  return now.has(scope.chunk) && changed(scope.chunk);
}
