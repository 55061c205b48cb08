// Opening a table and computing a view, for the table store: a handle opened (or reopened with
// another scope, encoding, dialect or key, keeping the user's view), a view's first page
// fetched while the previous view stays on screen, the handle closed. Separate from the
// store's actions because this is where the sequence numbers decide which answer is still
// wanted: an answer for a table or view the user has left is dropped here, never shown.
import type { StoreApi } from 'zustand/vanilla';
import type { DropInspectorApi } from '../../shared/api';
import type { TableHandleInfo, ViewSpec } from '../../shared/table-api';
import { isCancelled, toApiError } from '../api/errors';
import { BLOCK_ROWS, now, type RowCache } from './table-row-cache';
import type { TableSelection, TableState } from './table-types';
import { carryView, cleanView, describeView, viewKey } from './table-view-spec';

/**
 * Counters bumped when what they number is superseded; an answer whose number is no longer
 * current is dropped. Shared with the store (cancel, statistics, go to row).
 */
export interface TableSeqs {
  open: number;
  view: number;
  stats: number;
  scroll: number;
}

export interface TableOpening {
  /** Computes a view's first page; the view on screen stays until it comes. */
  runView(view: ViewSpec, kind: 'open' | 'view', started: number): Promise<void>;
  /** Opens the selected table again with a change, keeping the view the user asked for last. */
  reopen(change: Partial<TableSelection>): Promise<void>;
  /** Opens a table; carry: the view to apply once open (its parts that still apply). */
  openWith(sel: TableSelection, carry: ViewSpec | null): Promise<void>;
  /** Closes the open table (if any) and drops every answer still on its way. */
  closeCurrent(): void;
  /** Fetches the handle's info again shortly (totals settled, key inferred), once at a time. */
  scheduleInfo(handle: string): void;
  /** Stops a pending refresh of the handle's info. */
  stopInfo(): void;
}

export function createTableOpening(
  api: DropInspectorApi,
  get: () => TableState,
  set: StoreApi<TableState>['setState'],
  rows: RowCache,
  seqs: TableSeqs,
): TableOpening {
  let infoTimer: ReturnType<typeof setTimeout> | null = null;

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

  async function runView(view: ViewSpec, kind: 'open' | 'view', started: number): Promise<void> {
    const info = get().info;
    if (!info) return;
    const handle = info.handle;
    const seq = ++seqs.view;
    const prev = get().busy;
    set({ busy: { kind, view, started }, progress: null, error: null, notice: null });
    // A view nobody waits for any more: stop computing it.
    if (prev && prev.kind === 'view' && kind === 'view') await api.cancel(handle).catch(() => {});
    if (seq !== seqs.view) return;
    try {
      const page = await api.getRows(handle, { ...cleanView(view), offset: 0, limit: BLOCK_ROWS });
      if (seq !== seqs.view || get().info?.handle !== handle) return;
      const vkey = viewKey(view);
      rows.storePage(handle, vkey, 0, page);
      const cursor = get().cursor;
      set((s) => ({
        view: cleanView(view),
        viewTotal: page.totalRows,
        viewComplete: page.complete,
        ready: true,
        busy: null,
        progress: null,
        rowsVersion: s.rowsVersion + 1,
        scrollRequest: { row: 0, seq: ++seqs.scroll },
        cursor: cursor && page.totalRows > 0 ? { row: 0, col: cursor.col } : null,
        rowSelection: null,
        ...(kind === 'open' ? { firstRowsMs: Math.round(now() - started) } : {}),
      }));
      if (kind === 'open' && (info.scope === 'merged' || !info.complete)) scheduleInfo(handle);
    } catch (e) {
      if (seq !== seqs.view) return;
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
    const seq = ++seqs.open;
    seqs.view++;
    seqs.stats++;
    rows.reset();
    const old = get().info;
    if (old) {
      rows.dropHandle(old.handle);
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
      if (seq === seqs.open)
        set({
          busy: null,
          error: isCancelled(e) ? null : { ...toApiError(e), context: `Opening ${sel.table}` },
        });
      return;
    }
    if (seq !== seqs.open || get().drop !== drop) {
      void api.closeTable(info.handle).catch(() => {});
      return;
    }
    set({ info, viewTotal: info.totalRows, viewComplete: info.complete });
    await runView(carry ? carryView(carry, info.columns) : {}, 'open', started);
  }

  function closeCurrent(): void {
    const old = get().info;
    seqs.open++;
    seqs.view++;
    seqs.stats++;
    rows.reset();
    if (old) {
      rows.dropHandle(old.handle);
      void api.closeTable(old.handle).catch(() => {});
    }
  }

  return {
    runView,
    reopen,
    openWith,
    closeCurrent,
    scheduleInfo,
    stopInfo() {
      if (infoTimer) clearTimeout(infoTimer);
      infoTimer = null;
    },
  };
}
