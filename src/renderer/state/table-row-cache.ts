// The table store's page cache of rows, and the fetching that fills it. Kept out of the store's
// actions because it is bookkeeping, not state: nothing renders from it directly, and it only
// tells the store (rowsVersion, an error) when rows arrive or a read fails.
//
// Rows are fetched with getRows in blocks of BLOCK_ROWS and kept in an LRU of MAX_BLOCKS
// blocks, so memory stays flat however far a 10-million-row table is scrolled. The grid asks
// for the rows it shows (request); during a fast scroll the asks are debounced and only the
// last range is fetched.
import type { StoreApi } from 'zustand/vanilla';
import type { DropInspectorApi } from '../../shared/api';
import type { RowsPage, ViewSpec } from '../../shared/table-api';
import { isCancelled, toApiError } from '../api/errors';
import type { RowEntry, TableState } from './table-types';
import { cleanView, isPlainView, viewKey } from './table-view-spec';

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

/** The clock the cache and the store time things by (tests run without performance). */
export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A page from the engine as the rows the grid shows. */
export function toRows(page: RowsPage): RowEntry[] {
  return page.rows.map((cells, i) => ({
    cells,
    rowNumber: page.rowNumbers[i],
    chunk: page.rowChunks[i],
    record: page.records[i],
    malformed: page.malformed[i],
  }));
}

export interface RowCache {
  /** Stores a page's rows as blocks (a page starts on a block boundary). */
  storePage(handle: string, vkey: string, offset: number, page: RowsPage): void;
  /** Forgets every block of a closed handle. */
  dropHandle(handle: string): void;
  /** Stops a pending fetch. */
  clearTimer(): void;
  /** Stops a pending fetch and forgets the range the grid asked for (a new table or view). */
  reset(): void;
  getRow(index: number): RowEntry | undefined;
  request(first: number, last: number): void;
  fetchRows(from: number, count: number): Promise<RowEntry[]>;
  /** The view grew: fetch what the grid asked for that is now there. */
  afterGrowth(): void;
  info(): { blocks: number; rows: number; inflight: number };
}

export function createRowCache(
  api: DropInspectorApi,
  get: () => TableState,
  set: StoreApi<TableState>['setState'],
): RowCache {
  const cache = new Map<string, RowEntry[]>();
  const inflight = new Set<string>();
  const failedAt = new Map<string, number>();
  let wanted: { first: number; last: number } | null = null;
  let lastAsk = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const blockKey = (handle: string, vkey: string, block: number): string =>
    `${handle}\u0001${vkey}\u0001${block}`;

  function current(): { handle: string; vkey: string } | null {
    const { info, ready, view } = get();
    return info && ready ? { handle: info.handle, vkey: viewKey(view) } : null;
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

  return {
    storePage,
    dropHandle,
    clearTimer,

    reset() {
      clearTimer();
      wanted = null;
    },

    getRow(index) {
      const cur = current();
      if (!cur) return undefined;
      const b = Math.floor(index / BLOCK_ROWS);
      return cache.get(blockKey(cur.handle, cur.vkey, b))?.[index - b * BLOCK_ROWS];
    },

    request(first, last) {
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

    afterGrowth() {
      if (wanted && missingBlocks().length && !timer) timer = setTimeout(fetchWanted, FETCH_DEBOUNCE_MS);
    },

    info() {
      let rows = 0;
      for (const b of cache.values()) rows += b.length;
      return { blocks: cache.size, rows, inflight: inflight.size };
    },
  };
}
