// A DropInspectorApi over a hand-made ScanReport, for tests and for looking at the UI
// without the engine. No DOM use: it also runs in Node (test/renderer/dev/fake-server.mjs).
import type {
  ApiErrorShape,
  ApiMethod,
  DropInspectorApi,
  EngineEvent,
  JudgementSettings,
  RecentDrop,
  ScanProgress,
} from '../../src/shared/api';
import type { ScanReport } from '../../src/shared/report';
import { ApiError } from '../../src/renderer/api/errors';
import { createFakeTables, type FakeTables, type SavedFakeView } from './fake-tables';
import { drawable } from './fake-api/report-build';
import { exportContent } from './fake-api/report-export';
import { FAKE_DROP, makeSampleReport } from './fake-api/sample-reports';

export {
  HUGE_COLUMNS,
  HUGE_ROWS,
  HUGE_TABLE,
  NASTY_COLUMNS,
  NASTY_TABLE,
  UTF16_TABLE,
  hugeCell,
  hugeRow,
  nastyRecords,
} from './fake-tables';

// The report fixtures live in fake-api/; they stay importable from here.
export { FAKE_DROP, makeBigReport, makeSampleReport } from './fake-api/sample-reports';

export interface FakeApiOptions {
  /** Reports by drop path. Default: the sample report at FAKE_DROP. */
  reports?: Record<string, ScanReport>;
  /** Errors by drop path (thrown by startScan and getReport). */
  dropErrors?: Record<string, ApiErrorShape>;
  /** Errors by method, whatever the arguments. */
  methodErrors?: Partial<Record<ApiMethod, ApiErrorShape>>;
  initialDrop?: string | null;
  recent?: RecentDrop[];
  /** Scripted progress: one step (one chunk) every stepMs; 0 = only when step() is called. */
  stepMs?: number;
  /** Whether getReport returns the drop's report before a scan (the catalog knows it). Default true. */
  catalogued?: boolean;
  pickFolderResult?: string | null;
  /** Drops whose scan starts but then fails (a 'failed' progress event with this message). */
  scanFailures?: Record<string, string>;
  /** The table browser (fake-tables.ts): extra tables (nasty cells, UTF-16, 10M rows) in every drop. Default true. */
  extraTables?: boolean;
  /** Sorts, filters, statistics and merges take at least this long, with progress events. Default 0. */
  tableDelayMs?: number;
  /** A table's first read grows the row count in 4 steps this far apart. Default 0 (complete at once). */
  tableGrowMs?: number;
}

export interface FakeApi extends DropInspectorApi {
  calls: { method: string; args: unknown[] }[];
  /** Sends an event to every listener. */
  emit(event: EngineEvent): void;
  /** Advances the running scan by one chunk (emits progress; at the end done + report-updated). */
  step(): void;
  /** Runs the scan to the end. */
  finish(): void;
  listenerCount(): number;
  runningJob(): string | null;
  /** The table browser's fake: views saved so far, open handles, growing first reads. */
  tables: Pick<FakeTables, 'openHandles' | 'grow'> & { saved: SavedFakeView[] };
}

export function createFakeApi(options: FakeApiOptions = {}): FakeApi {
  const reports: Record<string, ScanReport> = options.reports ?? { [FAKE_DROP]: makeSampleReport() };
  const listeners = new Set<(e: EngineEvent) => void>();
  const calls: { method: string; args: unknown[] }[] = [];
  const stepMs = options.stepMs ?? 0;
  const scanned = new Map<string, number>(); // chunks available per drop
  if (options.catalogued !== false)
    for (const d of Object.keys(reports)) scanned.set(d, reports[d].chunks.length);
  let job: {
    id: string;
    drop: string;
    done: number;
    timer: ReturnType<typeof setInterval> | null;
    started: number;
  } | null = null;
  let seq = 0;

  function record(method: string, args: unknown[]): void {
    calls.push({ method, args });
    const err = options.methodErrors?.[method as ApiMethod];
    if (err) throw new ApiError(err);
  }

  function check(drop: string): ScanReport {
    const err = options.dropErrors?.[drop];
    if (err) throw new ApiError(err);
    const r = reports[drop];
    if (!r) throw new ApiError({ code: 'not-found', message: `${drop} does not exist` });
    return r;
  }

  function emit(event: EngineEvent): void {
    for (const l of [...listeners]) l(event);
  }

  function progress(phase: ScanProgress['phase']): ScanProgress {
    const j = job!;
    const r = reports[j.drop];
    const total = r.chunks.length;
    const bytesTotal = r.chunks.reduce((s, c) => s + (c.bytes ?? 0), 0);
    const bytesDone = r.chunks.slice(0, j.done).reduce((s, c) => s + (c.bytes ?? 0), 0);
    const elapsedMs = Math.max(1, Date.now() - j.started);
    return {
      jobId: j.id,
      drop: j.drop,
      phase,
      chunksDone: j.done,
      chunksTotal: total,
      bytesDone,
      bytesTotal,
      chunksReused: 0,
      elapsedMs,
      etaMs: j.done > 0 ? Math.round((elapsedMs / j.done) * (total - j.done)) : null,
    };
  }

  function end(phase: 'done' | 'cancelled'): void {
    if (!job) return;
    if (job.timer) clearInterval(job.timer);
    const p = progress(phase);
    const drop = job.drop;
    job = null;
    emit({ type: 'scan-progress', progress: p });
    if (phase === 'done') emit({ type: 'report-updated', drop });
  }

  function step(): void {
    if (!job) return;
    const total = reports[job.drop].chunks.length;
    job.done = Math.min(total, job.done + 1);
    scanned.set(job.drop, Math.max(scanned.get(job.drop) ?? 0, job.done));
    if (job.done >= total) end('done');
    else emit({ type: 'scan-progress', progress: progress('scanning') });
  }

  const tables = createFakeTables({
    reports,
    emit: (e) => emit(e),
    record,
    extraTables: options.extraTables,
    delayMs: options.tableDelayMs,
    growMs: options.tableGrowMs,
  });

  const judgements = new Map<string, JudgementSettings>();
  const api: FakeApi = {
    calls,
    tables: { saved: tables.saved, openHandles: tables.openHandles, grow: tables.grow },
    listTables: tables.listTables,
    openTable: tables.openTable,
    tableInfo: tables.tableInfo,
    getRows: tables.getRows,
    columnStats: tables.columnStats,
    cancel: tables.cancel,
    closeTable: tables.closeTable,
    saveView: tables.saveView,
    emit,
    step,
    finish() {
      while (job) step();
    },
    listenerCount: () => listeners.size,
    runningJob: () => job?.id ?? null,

    async recentDrops() {
      record('recentDrops', []);
      return (
        options.recent ??
        Object.values(reports).map((r) => ({
          path: r.drop,
          format: r.format,
          lastScannedAt: r.scannedAt,
          chunks: r.summary.chunks,
          errors: r.summary.errors,
          warnings: r.summary.warnings,
        }))
      );
    },
    async initialDrop() {
      record('initialDrop', []);
      return options.initialDrop ?? null;
    },
    async startScan(drop, opts) {
      record('startScan', opts === undefined ? [drop] : [drop, opts]);
      const failure = options.scanFailures?.[drop];
      if (failure !== undefined) {
        const id = `job-${++seq}`;
        setTimeout(() => {
          const p: ScanProgress = {
            jobId: id,
            drop,
            phase: 'failed',
            chunksDone: 0,
            chunksTotal: 0,
            bytesDone: 0,
            bytesTotal: 0,
            chunksReused: 0,
            elapsedMs: 3,
            etaMs: null,
            error: failure,
          };
          emit({ type: 'scan-progress', progress: p });
        }, 0);
        return { jobId: id };
      }
      check(drop);
      if (job && job.drop === drop) return { jobId: job.id };
      if (job) end('cancelled');
      const id = `job-${++seq}`;
      job = { id, drop, done: 0, timer: null, started: Date.now() };
      const j = job;
      setTimeout(() => {
        if (job !== j) return;
        emit({ type: 'scan-progress', progress: { ...progress('discovering') } });
        if (stepMs > 0) j.timer = setInterval(step, stepMs);
      }, 0);
      return { jobId: id };
    },
    async cancelScan(jobId) {
      record('cancelScan', [jobId]);
      if (job && job.id === jobId) setTimeout(() => end('cancelled'), 0);
    },
    async openDrop(drop, opts) {
      record('openDrop', opts === undefined ? [drop] : [drop, opts]);
      // As the engine does it: the catalogued report read, then the re-check started.
      let report: ScanReport | null = null;
      try {
        report = await api.getReport(drop, opts);
      } catch {
        // no report yet: the scan makes it
      }
      const { jobId } = await api.startScan(drop, opts);
      return { report, jobId };
    },
    async getReport(drop, opts) {
      record('getReport', opts === undefined ? [drop] : [drop, opts]);
      if (options.scanFailures?.[drop] !== undefined)
        throw new ApiError({ code: 'not-found', message: `${drop} has not been scanned yet` });
      const r = check(drop);
      const done = scanned.get(drop) ?? 0;
      if (done === 0 && !job)
        throw new ApiError({ code: 'not-found', message: `${drop} has not been scanned yet` });
      return done >= r.chunks.length ? r : drawable(r, done);
    },
    async exportReport(drop, format, opts) {
      record('exportReport', opts === undefined ? [drop, format] : [drop, format, opts]);
      return exportContent(check(drop), format);
    },
    async watchDrop(drop, on) {
      record('watchDrop', [drop, on]);
      check(drop);
    },
    async pickFolder() {
      record('pickFolder', []);
      return options.pickFolderResult ?? null;
    },
    async browseFolder(path) {
      record('browseFolder', [path]);
      // A little tree: / holds the fake drops' parent folders; each drop looks like one.
      const drops = Object.keys(reports);
      const parents = [...new Set(drops.map((d) => d.slice(0, d.lastIndexOf('/')) || '/'))];
      if (path === null) {
        return {
          path: null,
          parent: null,
          roots: parents,
          entries: parents.map((p) => ({ name: p, path: p, looksLikeDrop: false })),
          truncated: false,
        };
      }
      const kids = drops.filter((d) => (d.slice(0, d.lastIndexOf('/')) || '/') === path);
      if (!parents.includes(path) && !kids.length && !drops.includes(path)) {
        throw new ApiError({
          code: 'forbidden',
          message: `${path} is outside the folders this browser may show`,
        });
      }
      return {
        path,
        parent: null,
        roots: parents,
        entries: kids.map((d) => ({ name: d.slice(d.lastIndexOf('/') + 1), path: d, looksLikeDrop: true })),
        truncated: false,
      };
    },
    async getJudgement(drop) {
      record('getJudgement', [drop]);
      return judgements.get(drop) ?? { cadenceSeconds: null, graceSeconds: null, asOf: null };
    },
    async setJudgement(drop, settings) {
      record('setJudgement', [drop, settings]);
      judgements.set(drop, settings);
      setTimeout(() => emit({ type: 'report-updated', drop }), 0);
      return settings;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return api;
}
