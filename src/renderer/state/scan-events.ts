// What the engine's events do to the app state: a changed report is fetched again (at the
// refresh rate while a scan runs), a scan's progress is shown and its end settles the report
// and the error, if any. Separate from the user's actions (store.ts).
import type { ApiErrorShape, EngineEvent, ScanProgress } from '../../shared/api';
import { API_ERROR_CODES } from '../api/errors';
import type { ReportSync } from './report-sync';

/**
 * The code of a failed scan. ScanProgress carries only the message; take a code if the
 * host adds one (errorCode), else tell the common cases from the engine's wording.
 */
export function failureCode(p: ScanProgress): ApiErrorShape['code'] {
  const given = (p as ScanProgress & { errorCode?: unknown }).errorCode;
  if (typeof given === 'string' && (API_ERROR_CODES as readonly string[]).includes(given))
    return given as ApiErrorShape['code'];
  const m = (p.error ?? '').toLowerCase();
  if (/recognis|recogniz|unknown (drop )?(family|format)|no known drop/.test(m)) return 'unknown-format';
  if (/newer version|too new|written by .*drop-inspector/.test(m)) return 'catalog-too-new';
  if (/cannot be listed|eacces|eperm|permission denied|unreadable/.test(m)) return 'unreadable';
  if (/enotdir|not a (directory|folder)/.test(m)) return 'not-a-directory';
  if (/enoent|no such (file|folder|directory)|does not exist/.test(m)) return 'not-found';
  return 'internal';
}

/**
 * A report on screen younger than this is kept when a scan finds the drop unchanged: its
 * time checks' words ("12 d old as of …") are that old at most.
 */
export const KEEP_SHOWN_MS = 60_000;

/**
 * Whether a scan that found the drop unchanged (ScanProgress.unchanged) leaves the report on
 * screen as it is: a whole report of this drop, fetched (or opened) moments ago, with the
 * same problem counts (a time check that changed since would change them).
 */
function keepsShownReport(sync: ReportSync, p: ScanProgress): boolean {
  const shown = sync.get().report;
  const u = p.unchanged;
  return (
    !!u &&
    !!shown &&
    !shown.incomplete &&
    Date.now() - sync.book.lastFetchAt < KEEP_SHOWN_MS &&
    shown.summary.errors === u.errors &&
    shown.summary.warnings === u.warnings &&
    shown.summary.infos === u.infos
  );
}

/** The store's handleEvent. */
export function handleEngineEvent(sync: ReportSync, event: EngineEvent): void {
  const { book, set, get } = sync;
  const { drop, jobId } = get();
  if (!drop) return;
  if (event.type === 'report-updated') {
    if (event.drop !== drop) {
      void get().refreshRecent();
      return;
    }
    // During a scan the engine may say so after every chunk: keep to the refresh rate.
    if (get().scanning) sync.scheduleRefresh();
    else if (book.doneFetch !== null && book.applied < book.doneFetch) {
      // The engine says so once more as a scan ends, after its "done": the report asked
      // for then, still on its way, already is the one the scan left.
      book.doneFetch = null;
    } else {
      sync.clearThrottle();
      void sync.fetchReport();
    }
    return;
  }
  if (event.type !== 'scan-progress') return;
  const p = event.progress;
  if (p.drop !== drop && p.jobId !== jobId) return;
  const finished = p.phase === 'done' || p.phase === 'cancelled' || p.phase === 'failed';
  if (finished) {
    sync.clearThrottle();
    set({ progress: p, scanning: false, jobId: null });
    if (p.phase === 'failed') {
      const err: ApiErrorShape = { code: failureCode(p), message: p.error || 'The scan failed.' };
      void sync.fetchReport(true).then(() => {
        if (get().drop !== drop) return;
        if (get().report) set({ error: { ...err, context: `Scanning ${drop}` } });
        // Nothing to show: back to the open screen, the path kept for correcting it.
        else
          set({
            drop: null,
            openAttempt: drop,
            loadingReport: false,
            error: { ...err, context: `Opening ${drop}` },
          });
      });
    } else if (p.phase === 'done') {
      if (keepsShownReport(sync, p)) {
        // The drop is as the catalog held it, and so is the report on screen: confirmed, now.
        set({ rechecking: false, confirmedAt: p.unchanged!.scannedAt });
      } else {
        // The drop confirmed (or corrected) the catalogued report.
        void sync.fetchReport().then(() => {
          if (get().drop === drop) set({ rechecking: false });
        });
        book.doneFetch = book.issued;
      }
    } else {
      void sync.fetchReport();
    }
    void get().refreshRecent();
  } else {
    set({ progress: p, scanning: true, jobId: p.jobId });
    // Only once the scan has recorded a chunk is there more to show (a re-scan of an
    // unchanged drop records none: its report was fetched for nothing, twice).
    if (p.chunksDone > p.chunksReused) sync.scheduleRefresh();
  }
}
