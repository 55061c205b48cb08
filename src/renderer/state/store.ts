// App state (zustand): the open drop, its report, scan progress and the selection every
// view shares. One store per App instance (tests create their own). The state's shape is in
// app-state.ts, the report's fetching in report-sync.ts, the engine's events in scan-events.ts.
import { createStore } from 'zustand/vanilla';
import type { DropInspectorApi } from '../../shared/api';
import type { Severity } from '../../shared/report';
import { toApiError } from '../api/errors';
import { saveExport } from '../api/download';
import { problemKey } from './derive';
import type { AppState, AppStore } from './app-state';
import { createReportSync } from './report-sync';
import { handleEngineEvent } from './scan-events';

const ALL_SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export function createAppStore(api: DropInspectorApi): AppStore {
  const store = createStore<AppState>()((set, get) => {
    const sync = createReportSync(api, set, get);
    const { book } = sync;

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
      confirmedAt: null,
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
          sync.fail(e, 'Listening for scan events');
        }
        void get().refreshRecent();
        void (async () => {
          try {
            const initial = await api.initialDrop();
            if (initial && !get().drop) await get().openDrop(initial);
          } catch (e) {
            sync.fail(e, 'Asking for the drop to open');
          }
        })();
        return () => {
          unsubscribe();
          sync.clearThrottle();
        };
      },

      async refreshRecent() {
        try {
          const recent = await api.recentDrops();
          set({ recent: Array.isArray(recent) ? recent : [] });
        } catch (e) {
          sync.fail(e, 'Listing recent drops');
        }
      },

      async openDrop(path, options) {
        const drop = path.trim();
        if (!drop) {
          set({ error: { code: 'bad-request', message: 'Type the path of a drop folder first.' } });
          return;
        }
        sync.clearThrottle();
        book.selectionIsAuto = true;
        book.selectedProblemKey = null;
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
        const mine = ++book.issued;
        book.lastFetchAt = Date.now();
        sync.scanAsked();
        try {
          const opened = await api.openDrop(drop, options);
          if (get().drop !== drop) return;
          set({ jobId: opened.jobId });
          if (!opened.report) set({ loadingReport: false });
          else if (mine >= book.applied) {
            book.applied = mine;
            set({ rechecking: true });
            sync.applyReport(opened.report);
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
        await sync.startScan(drop, options);
      },

      async cancelScan() {
        const { jobId } = get();
        if (!jobId) return;
        try {
          await api.cancelScan(jobId);
        } catch (e) {
          sync.fail(e, 'Cancelling the scan');
        }
      },

      async toggleWatch() {
        const { drop, watching } = get();
        if (!drop) return;
        try {
          await api.watchDrop(drop, !watching);
          if (get().drop === drop) set({ watching: !watching });
        } catch (e) {
          sync.fail(e, watching ? 'Stopping the watch' : 'Watching for new chunks');
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
          sync.fail(e, `Exporting the report as ${format.toUpperCase()}`);
        } finally {
          set({ exporting: null });
        }
      },

      async pickFolder() {
        try {
          return await api.pickFolder();
        } catch (e) {
          sync.fail(e, 'Choosing a folder');
          return null;
        }
      },

      async refreshReport() {
        await sync.fetchReport();
      },

      handleEvent(event) {
        handleEngineEvent(sync, event);
      },

      selectChunk(name, opts) {
        book.selectionIsAuto = false;
        book.selectedProblemKey = null;
        set((s) => ({
          selectedChunk: name,
          selectedProblem: null,
          focusSeq: opts?.focus ? s.focusSeq + 1 : s.focusSeq,
        }));
      },

      selectProblem(index, opts) {
        book.selectionIsAuto = false;
        const report = get().report;
        const p = index !== null && report ? report.problems[index] : undefined;
        book.selectedProblemKey = p ? problemKey(p) : null;
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
      showError: (error, context) => sync.fail(error, context),
      dismissError: () => set({ error: null }),
      setOverlay: (overlay) => set({ overlay }),

      async saveJudgement(settings) {
        const { drop } = get();
        if (!drop) return false;
        try {
          const judgement = await api.setJudgement(drop, settings);
          if (get().drop !== drop) return false;
          set({ judgement });
          sync.clearThrottle();
          await sync.fetchReport();
          return true;
        } catch (e) {
          sync.fail(e, 'Saving the judgement settings');
          return false;
        }
      },
    };
  });
  return store;
}
