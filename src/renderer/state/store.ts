// App state (zustand): the open drop, its report, scan progress and the selection every
// view shares. One store per App instance (tests create their own).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ApiErrorShape,
  DropInspectorApi,
  EngineEvent,
  JudgementSettings,
  RecentDrop,
  ReportFormat,
  ScanOptions,
  ScanProgress,
} from '../../shared/api';
import type { ProblemKind, ScanReport, Severity } from '../../shared/report';
import { API_ERROR_CODES, toApiError } from '../api/errors';
import { saveExport } from '../api/download';
import { indexReport, problemKey } from './derive';

export type ViewId = 'overview' | 'timeline' | 'chunks' | 'coverage' | 'problems';
export const VIEWS: { id: ViewId; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'chunks', label: 'Chunks' },
  { id: 'coverage', label: 'Coverage' },
  { id: 'problems', label: 'Problems' },
];

export interface UiError extends ApiErrorShape {
  /** What we were doing, e.g. "Opening /x". */
  context?: string;
}

export interface ProblemFilter {
  severities: Severity[];
  kind: ProblemKind | 'all';
}

/** Minimum milliseconds between report refreshes while a scan runs. */
export const REFRESH_INTERVAL_MS = 500;

export interface AppState {
  api: DropInspectorApi;
  drop: string | null;
  report: ScanReport | null;
  loadingReport: boolean;
  recent: RecentDrop[];
  error: UiError | null;
  progress: ScanProgress | null;
  jobId: string | null;
  scanning: boolean;
  /** The report on screen came from the catalog and the running scan has not yet confirmed it
   *  against the drop (chunks deleted since the last scan may still show): the view says so. */
  rechecking: boolean;
  watching: boolean;
  exporting: ReportFormat | null;
  /** Show the open screen even though a drop is open ("Open another…"). */
  openScreen: boolean;
  /** The path of the last open that failed (to correct it on the open screen). */
  openAttempt: string | null;
  view: ViewId;
  selectedChunk: string | null;
  selectedProblem: number | null;
  /** Bumped when the timeline should bring the selected chunk into view. */
  focusSeq: number;
  timelineAxis: 'key' | 'time';
  problemFilter: ProblemFilter;
  /** The open drop's remembered judgement settings (null until read). */
  judgement: JudgementSettings | null;
  /** Which overlay is open: the help panel or the judgement settings. */
  overlay: 'help' | 'settings' | null;

  init(): () => void;
  refreshRecent(): Promise<void>;
  openDrop(path: string, options?: ScanOptions): Promise<void>;
  rescan(options?: ScanOptions): Promise<void>;
  cancelScan(): Promise<void>;
  toggleWatch(): Promise<void>;
  exportReport(format: ReportFormat): Promise<void>;
  pickFolder(): Promise<string | null>;
  refreshReport(): Promise<void>;
  handleEvent(event: EngineEvent): void;
  selectChunk(name: string | null, opts?: { focus?: boolean }): void;
  selectProblem(index: number | null, opts?: { focus?: boolean }): void;
  setView(view: ViewId): void;
  setOpenScreen(on: boolean): void;
  setTimelineAxis(axis: 'key' | 'time'): void;
  setProblemFilter(filter: Partial<ProblemFilter>): void;
  showError(error: unknown, context?: string): void;
  dismissError(): void;
  setOverlay(overlay: 'help' | 'settings' | null): void;
  /** Saves the drop's judgement settings; the report is judged by them at once. */
  saveJudgement(settings: JudgementSettings): Promise<boolean>;
}

export type AppStore = StoreApi<AppState>;

const ALL_SEVERITIES: Severity[] = ['error', 'warning', 'info'];

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

export function createAppStore(api: DropInspectorApi): AppStore {
  // Report refresh bookkeeping (not state: nothing renders from it).
  let issued = 0;
  let applied = 0;
  let lastFetchAt = -Infinity;
  let throttleTimer: ReturnType<typeof setTimeout> | null = null;
  /** The fetch asked for when the last scan said "done" (handleEvent). */
  let doneFetch: number | null = null;
  let selectedProblemKey: string | null = null;
  let selectionIsAuto = true;

  const store = createStore<AppState>()((set, get) => {
    function fail(error: unknown, context?: string): void {
      set({ error: { ...toApiError(error), context } });
    }

    function applyReport(report: ScanReport): void {
      const { selectedChunk, selectedProblem } = get();
      const idx = indexReport(report);
      let nextChunk = selectedChunk && idx.chunkByName.has(selectedChunk) ? selectedChunk : null;
      let nextProblem: number | null = null;
      if (selectedProblem !== null && selectedProblemKey !== null) {
        const found = report.problems.findIndex((p) => problemKey(p) === selectedProblemKey);
        nextProblem = found >= 0 ? found : null;
      }
      // Until the user picks something, the selection follows the worst problem, so its
      // chunk's detail shows at once (also while a first scan fills the report in).
      if (selectionIsAuto && report.problems.length) {
        const first =
          idx.problemsBySeverity.find((i) => report.problems[i].chunk) ?? idx.problemsBySeverity[0];
        if (first !== undefined) {
          nextProblem = first;
          nextChunk = report.problems[first].chunk;
          selectedProblemKey = problemKey(report.problems[first]);
        }
      }
      if (nextProblem === null) selectedProblemKey = null;
      set({ report, selectedChunk: nextChunk, selectedProblem: nextProblem, loadingReport: false });
    }

    /** Fetches the report; failures are shown unless quiet. Resolves to the error, if any. */
    async function fetchReport(quiet = false): Promise<ApiErrorShape | null> {
      const drop = get().drop;
      if (!drop) return null;
      const mine = ++issued;
      lastFetchAt = Date.now();
      try {
        const report = await api.getReport(drop);
        if (get().drop !== drop || mine < applied) return null;
        applied = mine;
        applyReport(report);
        return null;
      } catch (e) {
        const err = toApiError(e);
        if (get().drop !== drop || mine < applied) return err;
        set({ loadingReport: false });
        // While a scan runs the catalog may have nothing yet: the scan's own events tell.
        if (!quiet && !get().scanning) set({ error: { ...err, context: `Reading the report of ${drop}` } });
        return err;
      }
    }

    function scheduleRefresh(): void {
      if (throttleTimer) return;
      const wait = Math.max(0, lastFetchAt + REFRESH_INTERVAL_MS - Date.now());
      if (wait === 0) {
        void fetchReport();
        return;
      }
      throttleTimer = setTimeout(() => {
        throttleTimer = null;
        void fetchReport();
      }, wait);
    }

    function clearThrottle(): void {
      if (throttleTimer) clearTimeout(throttleTimer);
      throttleTimer = null;
    }

    /** Starts a scan; resolves to the error, if any (shown unless quiet). */
    /** The state of a scan about to be asked for (startScan, openDrop). */
    function scanAsked(): void {
      doneFetch = null;
      set({ scanning: true, progress: null, error: null });
    }

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

    return {
      api,
      drop: null,
      report: null,
      loadingReport: false,
      recent: [],
      error: null,
      progress: null,
      jobId: null,
      scanning: false,
      rechecking: false,
      watching: false,
      exporting: null,
      openScreen: false,
      openAttempt: null,
      view: 'overview',
      selectedChunk: null,
      selectedProblem: null,
      focusSeq: 0,
      timelineAxis: 'key',
      problemFilter: { severities: [...ALL_SEVERITIES], kind: 'all' },
      judgement: null,
      overlay: null,

      init() {
        let unsubscribe: () => void = () => {};
        try {
          unsubscribe = api.onEvent((e) => get().handleEvent(e));
        } catch (e) {
          fail(e, 'Listening for scan events');
        }
        void get().refreshRecent();
        void (async () => {
          try {
            const initial = await api.initialDrop();
            if (initial && !get().drop) await get().openDrop(initial);
          } catch (e) {
            fail(e, 'Asking for the drop to open');
          }
        })();
        return () => {
          unsubscribe();
          clearThrottle();
        };
      },

      async refreshRecent() {
        try {
          const recent = await api.recentDrops();
          set({ recent: Array.isArray(recent) ? recent : [] });
        } catch (e) {
          fail(e, 'Listing recent drops');
        }
      },

      async openDrop(path, options) {
        const drop = path.trim();
        if (!drop) {
          set({ error: { code: 'bad-request', message: 'Type the path of a drop folder first.' } });
          return;
        }
        clearThrottle();
        selectionIsAuto = true;
        selectedProblemKey = null;
        const prev = get();
        if (prev.watching && prev.drop && prev.drop !== drop) {
          api.watchDrop(prev.drop, false).catch(() => {});
        }
        set({
          drop,
          report: null,
          loadingReport: true,
          error: null,
          progress: null,
          jobId: null,
          rechecking: false,
          watching: false,
          openScreen: false,
          openAttempt: null,
          selectedChunk: null,
          selectedProblem: null,
          view: 'overview',
          judgement: null,
        });
        api.getJudgement(drop).then(
          (judgement) => {
            if (get().drop === drop) set({ judgement });
          },
          () => {},
        );
        // What the catalog knows shows at once; the scan then brings it up to date. The engine
        // reads the catalog before it starts the scan (openDrop), so what shows is the last
        // scan's report (never a first scan's partial one), marked "re-checking" until this
        // scan confirms it; the scan does not wait for the report to be drawn here.
        const mine = ++issued;
        lastFetchAt = Date.now();
        scanAsked();
        try {
          const opened = await api.openDrop(drop, options);
          if (get().drop !== drop) return;
          set({ jobId: opened.jobId });
          if (!opened.report) set({ loadingReport: false });
          else if (mine >= applied) {
            applied = mine;
            set({ rechecking: true });
            applyReport(opened.report);
          }
        } catch (e) {
          if (get().drop !== drop) return;
          // Nothing to show: back to the open screen, the path kept for correcting it.
          set({
            scanning: false,
            jobId: null,
            progress: null,
            drop: null,
            loadingReport: false,
            openAttempt: drop,
            error: { ...toApiError(e), context: `Opening ${drop}` },
          });
        }
        void get().refreshRecent();
      },

      async rescan(options) {
        const { drop, scanning } = get();
        if (!drop || scanning) return;
        await startScan(drop, options);
      },

      async cancelScan() {
        const { jobId } = get();
        if (!jobId) return;
        try {
          await api.cancelScan(jobId);
        } catch (e) {
          fail(e, 'Cancelling the scan');
        }
      },

      async toggleWatch() {
        const { drop, watching } = get();
        if (!drop) return;
        try {
          await api.watchDrop(drop, !watching);
          if (get().drop === drop) set({ watching: !watching });
        } catch (e) {
          fail(e, watching ? 'Stopping the watch' : 'Watching for new chunks');
        }
      },

      async exportReport(format) {
        const { drop } = get();
        if (!drop) return;
        set({ exporting: format });
        try {
          const exported = await api.exportReport(drop, format);
          saveExport(exported);
        } catch (e) {
          fail(e, `Exporting the report as ${format.toUpperCase()}`);
        } finally {
          set({ exporting: null });
        }
      },

      async pickFolder() {
        try {
          return await api.pickFolder();
        } catch (e) {
          fail(e, 'Choosing a folder');
          return null;
        }
      },

      async refreshReport() {
        await fetchReport();
      },

      handleEvent(event) {
        const { drop, jobId } = get();
        if (!drop) return;
        if (event.type === 'report-updated') {
          if (event.drop !== drop) {
            void get().refreshRecent();
            return;
          }
          // During a scan the engine may say so after every chunk: keep to the refresh rate.
          if (get().scanning) scheduleRefresh();
          else if (doneFetch !== null && applied < doneFetch) {
            // The engine says so once more as a scan ends, after its "done": the report asked
            // for then, still on its way, already is the one the scan left.
            doneFetch = null;
          } else {
            clearThrottle();
            void fetchReport();
          }
          return;
        }
        if (event.type !== 'scan-progress') return;
        const p = event.progress;
        if (p.drop !== drop && p.jobId !== jobId) return;
        const finished = p.phase === 'done' || p.phase === 'cancelled' || p.phase === 'failed';
        if (finished) {
          clearThrottle();
          set({ progress: p, scanning: false, jobId: null });
          if (p.phase === 'failed') {
            const err: ApiErrorShape = { code: failureCode(p), message: p.error || 'The scan failed.' };
            void fetchReport(true).then(() => {
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
            // The drop confirmed (or corrected) the catalogued report.
            void fetchReport().then(() => {
              if (get().drop === drop) set({ rechecking: false });
            });
            doneFetch = issued;
          } else {
            void fetchReport();
          }
          void get().refreshRecent();
        } else {
          set({ progress: p, scanning: true, jobId: p.jobId });
          // Only once the scan has recorded a chunk is there more to show (a re-scan of an
          // unchanged drop records none: its report was fetched for nothing, twice).
          if (p.chunksDone > p.chunksReused) scheduleRefresh();
        }
      },

      selectChunk(name, opts) {
        selectionIsAuto = false;
        selectedProblemKey = null;
        set((s) => ({
          selectedChunk: name,
          selectedProblem: null,
          focusSeq: opts?.focus ? s.focusSeq + 1 : s.focusSeq,
        }));
      },

      selectProblem(index, opts) {
        selectionIsAuto = false;
        const report = get().report;
        const p = index !== null && report ? report.problems[index] : undefined;
        selectedProblemKey = p ? problemKey(p) : null;
        set((s) => ({
          selectedProblem: p ? index : null,
          selectedChunk: p ? (p.chunk ?? s.selectedChunk) : s.selectedChunk,
          focusSeq: opts?.focus === false ? s.focusSeq : s.focusSeq + 1,
        }));
      },

      setView: (view) => set({ view }),
      setOpenScreen: (on) => set({ openScreen: on }),
      setTimelineAxis: (timelineAxis) => set({ timelineAxis }),
      setProblemFilter: (filter) => set((s) => ({ problemFilter: { ...s.problemFilter, ...filter } })),
      showError: (error, context) => fail(error, context),
      dismissError: () => set({ error: null }),
      setOverlay: (overlay) => set({ overlay }),

      async saveJudgement(settings) {
        const { drop } = get();
        if (!drop) return false;
        try {
          const judgement = await api.setJudgement(drop, settings);
          if (get().drop !== drop) return false;
          set({ judgement });
          clearThrottle();
          await fetchReport();
          return true;
        } catch (e) {
          fail(e, 'Saving the judgement settings');
          return false;
        }
      },
    };
  });
  return store;
}
