// Keeping the report on screen current: fetching it (the newest ask wins; while a scan runs,
// at most one refresh per REFRESH_INTERVAL_MS), applying it with the selection carried over,
// and asking for a scan. Separate from the store's actions (store.ts, scan-events.ts), which
// share this bookkeeping through the ReportSync object.
import type { StoreApi } from 'zustand/vanilla';
import type { ApiErrorShape, DropInspectorApi, ScanOptions } from '../../shared/api';
import type { ScanReport } from '../../shared/report';
import { toApiError } from '../api/errors';
import { indexReport, problemKey } from './derive';
import { REFRESH_INTERVAL_MS, type AppState } from './app-state';

/** Report refresh and selection bookkeeping (not state: nothing renders from it). */
export interface SyncBook {
  issued: number;
  applied: number;
  lastFetchAt: number;
  throttleTimer: ReturnType<typeof setTimeout> | null;
  /** The fetch asked for when the last scan said "done" (handleEvent). */
  doneFetch: number | null;
  selectedProblemKey: string | null;
  selectionIsAuto: boolean;
}

/** One store's bookkeeping and the helpers its actions share. */
export interface ReportSync {
  book: SyncBook;
  set: StoreApi<AppState>['setState'];
  get: StoreApi<AppState>['getState'];
  fail(error: unknown, context?: string): void;
  applyReport(report: ScanReport): void;
  /** Fetches the report; failures are shown unless quiet. Resolves to the error, if any. */
  fetchReport(quiet?: boolean): Promise<ApiErrorShape | null>;
  scheduleRefresh(): void;
  clearThrottle(): void;
  scanAsked(): void;
  startScan(drop: string, options?: ScanOptions, quiet?: boolean): Promise<ApiErrorShape | null>;
}

export function createReportSync(
  api: DropInspectorApi,
  set: StoreApi<AppState>['setState'],
  get: StoreApi<AppState>['getState'],
): ReportSync {
  const book: SyncBook = {
    issued: 0,
    applied: 0,
    lastFetchAt: -Infinity,
    throttleTimer: null,
    doneFetch: null,
    selectedProblemKey: null,
    selectionIsAuto: true,
  };

  function fail(error: unknown, context?: string): void {
    set({ error: { ...toApiError(error), context } });
  }

  function applyReport(report: ScanReport): void {
    const { selectedChunk, selectedProblem } = get();
    const idx = indexReport(report);
    let nextChunk = selectedChunk && idx.chunkByName.has(selectedChunk) ? selectedChunk : null;
    let nextProblem: number | null = null;
    if (selectedProblem !== null && book.selectedProblemKey !== null) {
      const found = report.problems.findIndex((p) => problemKey(p) === book.selectedProblemKey);
      nextProblem = found >= 0 ? found : null;
    }
    // Until the user picks something, the selection follows the worst problem, so its
    // chunk's detail shows at once (also while a first scan fills the report in).
    if (book.selectionIsAuto && report.problems.length) {
      const first =
        idx.problemsBySeverity.find((i) => report.problems[i].chunk) ?? idx.problemsBySeverity[0];
      if (first !== undefined) {
        nextProblem = first;
        nextChunk = report.problems[first].chunk;
        book.selectedProblemKey = problemKey(report.problems[first]);
      }
    }
    if (nextProblem === null) book.selectedProblemKey = null;
    set({ report, selectedChunk: nextChunk, selectedProblem: nextProblem, loadingReport: false, confirmedAt: null });
  }

  /** Fetches the report; failures are shown unless quiet. Resolves to the error, if any. */
  async function fetchReport(quiet = false): Promise<ApiErrorShape | null> {
    const drop = get().drop;
    if (!drop) return null;
    const mine = ++book.issued;
    book.lastFetchAt = Date.now();
    try {
      const report = await api.getReport(drop);
      if (get().drop !== drop || mine < book.applied) return null;
      book.applied = mine;
      applyReport(report);
      return null;
    } catch (e) {
      const err = toApiError(e);
      if (get().drop !== drop || mine < book.applied) return err;
      set({ loadingReport: false });
      // While a scan runs the catalog may have nothing yet: the scan's own events tell.
      if (!quiet && !get().scanning) set({ error: { ...err, context: `Reading the report of ${drop}` } });
      return err;
    }
  }

  function scheduleRefresh(): void {
    if (book.throttleTimer) return;
    const wait = Math.max(0, book.lastFetchAt + REFRESH_INTERVAL_MS - Date.now());
    if (wait === 0) {
      void fetchReport();
      return;
    }
    book.throttleTimer = setTimeout(() => {
      book.throttleTimer = null;
      void fetchReport();
    }, wait);
  }

  function clearThrottle(): void {
    if (book.throttleTimer) clearTimeout(book.throttleTimer);
    book.throttleTimer = null;
  }

  /** The state of a scan about to be asked for (startScan, openDrop). */
  function scanAsked(): void {
    book.doneFetch = null;
    set({ scanning: true, progress: null, error: null });
  }

  /** Starts a scan; resolves to the error, if any (shown unless quiet). */
  async function startScan(
    drop: string,
    options?: ScanOptions,
    quiet = false,
  ): Promise<ApiErrorShape | null> {
    scanAsked();
    try {
      const { jobId } = await api.startScan(drop, options);
      if (get().drop === drop) set({ jobId });
      return null;
    } catch (e) {
      const err = toApiError(e);
      if (get().drop === drop) {
        set({ scanning: false, jobId: null, progress: null });
        if (!quiet) set({ error: { ...err, context: `Scanning ${drop}` } });
      }
      return err;
    }
  }

  return { book, set, get, fail, applyReport, fetchReport, scheduleRefresh, clearThrottle, scanAsked, startScan };
}
