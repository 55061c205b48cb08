// The engine as one object implementing DropInspectorApi: what the Electron main process,
// the HTTP host and tests all use. Plain Node: never imports electron.
import { randomUUID } from 'node:crypto';
import type {
  OpenedDrop,
  DropInspectorApi,
  EngineEvent,
  ExportedReport,
  FolderListing,
  JudgementSettings,
  RecentDrop,
  ReportFormat,
  ScanOptions,
  ScanProgress,
} from '../shared/api';
import type { Judgement } from './checks/time';
import { browseRoots, listFolder } from './fs/browse';
import type { ScanReport } from '../shared/report';
import { Catalog } from './catalog/catalog';
import { defaultCatalogPath } from './catalog/location';
import { EngineError } from './model';
import { cadenceOf, judgementOf } from './options';
import { isS3Url } from './storage/location';
import { renderReport, reportFileName } from './report/index';
import { buildReport } from './report/build-report';
import { resolveDrop, scanDrop } from './scan';
import { startingProgress } from './scan-progress';
import type { TableService } from './tables/table-service';
import type { ExportResult, ViewSpec } from '../shared/table-api';

export interface EngineServiceOptions {
  catalogPath?: string;
  nativeBinding?: string;
  initialDrop?: string | null;
  /** How often a watched drop is looked at for new chunks. */
  watchIntervalMs?: number;
  /** Where the table browser keeps its cache (default: the user's cache directory). */
  tableCacheDir?: string;
  /** Folders the folder browser may show besides the home folder and known drops' folders. */
  browseRoots?: string[];
  /** How a scan batches finished chunks into transactions (default scan.ts SAVE_BATCH; tests). */
  saveBatch?: { chunks: number; ms: number };
}

export interface EngineService extends DropInspectorApi {
  close(): Promise<void>;
  readonly catalog: Catalog;
  /** Writes a table view as CSV to a file (hosts call it: Electron after a save dialog, HTTP for a download). */
  exportView(handle: string, view: ViewSpec, file: string): Promise<ExportResult>;
  /**
   * Reads a drop's report from the catalog now, for the openDrop that comes next (hosts call
   * it for the drop the app starts with, while the app loads): see READ_AHEAD_MS.
   */
  readAhead(dropPath: string): Promise<void>;
}

/**
 * How long a report read ahead may be taken by openDrop. The app loads in well under a
 * second (in Chromium here: the host idles ~0.2 s between sending the app's script and the
 * app's openDrop, and building a 1,000-chunk report took ~0.11 s of the ~0.14 s openDrop
 * answered in). What openDrop shows is the last scan's report anyway, which the scan it
 * starts then confirms or corrects; a report read ahead is taken only while the catalog
 * holds what it was read from (readStamp), no scan runs on the drop and no options were given.
 */
export const READ_AHEAD_MS = 10_000;

interface Job {
  id: string;
  drop: string;
  controller: AbortController;
  done: Promise<void>;
  /** Its latest progress (null before the first). */
  progress(): ScanProgress | null;
}

const FORMATS: ReportFormat[] = ['json', 'md', 'csv', 'html'];

export function createEngineService(options: EngineServiceOptions = {}): EngineService {
  const catalog = new Catalog(options.catalogPath ?? defaultCatalogPath(), {
    nativeBinding: options.nativeBinding,
  });
  // Subscribers (one per open window or event stream): a set, not an EventEmitter, so any
  // number of streams is normal (no MaxListenersExceededWarning) and one listener that throws
  // does not keep the event from the others.
  const listeners = new Set<(e: EngineEvent) => void>();
  const jobs = new Map<string, Job>();
  /** The scan running on a drop, if any (one at a time per drop). */
  const jobOf = (drop: string): Job | undefined => [...jobs.values()].find((j) => j.drop === drop);
  const watches = new Map<string, NodeJS.Timeout>();
  const emit = (e: EngineEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch {
        // a subscriber's failure is its own (a closed stream)
      }
    }
  };
  // The table engine (and DuckDB) load on the first table call: opening a drop does not wait for them.
  let tablesReady: Promise<TableService> | null = null;
  const tables = (): Promise<TableService> =>
    (tablesReady ??= import('./tables/table-service').then(({ TableService }) => {
      const t = new TableService({ catalog, cacheDir: options.tableCacheDir });
      t.onTableEvent(emit);
      return t;
    }));

  /** The drop's remembered judgement, with what the caller gave taking precedence. */
  function judged(drop: string, opts: ScanOptions): Judgement {
    const saved = judgementOf(catalog.dropSettings(drop));
    return cadenceOf({
      cadenceSeconds: opts.cadenceSeconds ?? saved.cadenceSeconds ?? undefined,
      graceSeconds: opts.graceSeconds ?? saved.graceSeconds ?? undefined,
      asOf: opts.asOf ?? saved.asOf ?? undefined,
    });
  }

  /** Starts (or joins) a scan of a resolved drop. */
  function startScanOf(drop: string, opts: ScanOptions): { jobId: string } {
    const running = jobOf(drop);
    if (running) return { jobId: running.id };
    const id = randomUUID();
    const controller = new AbortController();
    let last: ScanProgress | null = null;
    const done = scanDrop(drop, {
      catalog,
      verify: opts.verify,
      signal: controller.signal,
      cadence: judged(drop, opts),
      saveBatch: options.saveBatch,
      onProgress: (p) => emit({ type: 'scan-progress', progress: (last = { ...p, jobId: id }) }),
      onRecorded: () => emit({ type: 'report-updated', drop }),
    })
      // A drop found as the catalog held it changes no report (ScanProgress.unchanged).
      .then(() => {
        if (!last?.unchanged) emit({ type: 'report-updated', drop });
      })
      .catch((e: Error) => {
        const cancelled = e.name === 'AbortError';
        emit({
          type: 'scan-progress',
          progress: {
            ...(last ?? startingProgress(drop)),
            jobId: id,
            phase: cancelled ? 'cancelled' : 'failed',
            ...(cancelled
              ? {}
              : { error: e.message, errorCode: e instanceof EngineError ? e.code : 'internal' }),
          },
        });
        if (cancelled) emit({ type: 'report-updated', drop });
      })
      .finally(() => jobs.delete(id));
    jobs.set(id, { id, drop, controller, done, progress: () => last });
    return { jobId: id };
  }

  /** What a drop's report is read from, as the catalog holds it now (a report read ahead is only taken while this holds). */
  function readStamp(drop: string): string {
    const row = catalog.drop(drop);
    if (!row) return '';
    return JSON.stringify([row.id, row.format, row.last_scanned_at, catalog.chunksRev(row.id), catalog.dropSettings(drop)]);
  }

  /** The report read ahead for openDrop (readAhead), with when and from what it was read. */
  let ahead: { drop: string; at: number; stamp: string; report: ScanReport } | null = null;

  /** The report read ahead of a drop, where it may be taken now (and none is kept after). */
  function takeAhead(drop: string, opts: ScanOptions): ScanReport | null {
    const kept = ahead;
    ahead = null;
    if (!kept || kept.drop !== drop || Date.now() - kept.at > READ_AHEAD_MS) return null;
    if (Object.values(opts).some((v) => v !== undefined) || jobOf(drop)) return null;
    return readStamp(drop) === kept.stamp ? kept.report : null;
  }

  /** A resolved drop's report from the catalog as it stands. */
  function reportOf(drop: string, opts: ScanOptions): ScanReport {
    // Asked for while a scan records chunks (the app refreshes on each batch): the chunks
    // so far, without the checks that need them all.
    const p = jobOf(drop)?.progress();
    const recording =
      p && p.phase === 'scanning' ? { recorded: p.chunksDone, total: p.chunksTotal } : undefined;
    return buildReport(catalog, drop, judged(drop, opts), undefined, recording);
  }

  const service: EngineService = {
    catalog,

    async recentDrops(): Promise<RecentDrop[]> {
      return catalog.recentDrops().map((d) => ({
        path: d.path,
        format: d.format,
        lastScannedAt: d.last_scanned_at,
        chunks: catalog.chunkCount(d.id),
        errors: d.errors,
        warnings: d.warnings,
      }));
    },

    async initialDrop() {
      return options.initialDrop ?? null;
    },

    async startScan(dropPath: string, opts: ScanOptions = {}): Promise<{ jobId: string }> {
      return startScanOf(await resolveDrop(dropPath), opts);
    },

    async cancelScan(jobId: string) {
      const job = jobs.get(jobId);
      if (!job) return;
      job.controller.abort();
      await job.done;
    },

    async getReport(dropPath: string, opts: ScanOptions = {}): Promise<ScanReport> {
      return reportOf(await resolveDrop(dropPath), opts);
    },

    async openDrop(dropPath: string, opts: ScanOptions = {}): Promise<OpenedDrop> {
      // Resolved once (an S3 drop's resolving lists its prefix: a request each time).
      const drop = await resolveDrop(dropPath);
      // Read whole before the scan starts (both on this thread, one after the other): what
      // shows first is the last scan's report, which the scan then confirms or corrects. The
      // scan does not wait for the report to reach the UI and be drawn (~0.4 s for 1,000
      // chunks in Chromium here) as it did when the UI asked for the two in turn.
      // One that cannot be read (never scanned, a family this version does not know) is none:
      // the scan makes it anew, and a report asked for after it says what still fails.
      let report: ScanReport | null = null;
      try {
        report = takeAhead(drop, opts) ?? reportOf(drop, opts);
      } catch {
        // no report yet: the scan makes it
      }
      return { report, jobId: startScanOf(drop, opts).jobId };
    },

    async readAhead(dropPath: string) {
      // A bucket's resolving is a request: its drop is not read ahead.
      if (isS3Url(dropPath)) return;
      try {
        const drop = await resolveDrop(dropPath);
        if (jobOf(drop)) return;
        const stamp = readStamp(drop);
        if (!stamp) return;
        const mine = (ahead = { drop, at: Date.now(), stamp, report: reportOf(drop, {}) });
        // Not kept past its use: a page that never opens it leaves no report held.
        setTimeout(() => {
          if (ahead === mine) ahead = null;
        }, READ_AHEAD_MS).unref();
      } catch {
        // none to read ahead: openDrop says why, if anything is wrong
        ahead = null;
      }
    },

    async getJudgement(dropPath: string): Promise<JudgementSettings> {
      return judgementOf(catalog.dropSettings(await resolveDrop(dropPath)));
    },

    async setJudgement(dropPath: string, settings: JudgementSettings): Promise<JudgementSettings> {
      const drop = await resolveDrop(dropPath);
      const clean = judgementOf(settings as unknown as Record<string, unknown>);
      // Refused here rather than at report time: an "as of" the checks cannot read.
      cadenceOf({
        cadenceSeconds: clean.cadenceSeconds ?? undefined,
        graceSeconds: clean.graceSeconds ?? undefined,
        asOf: clean.asOf ?? undefined,
      });
      catalog.saveDropSettings(drop, { ...clean });
      emit({ type: 'report-updated', drop });
      return clean;
    },

    async browseFolder(dir: string | null = null): Promise<FolderListing> {
      const known = catalog.recentDrops().map((d) => d.path);
      if (options.initialDrop) known.push(options.initialDrop);
      return listFolder(dir ?? null, browseRoots(options.browseRoots ?? [], known));
    },

    async exportReport(
      dropPath: string,
      format: ReportFormat,
      opts: ScanOptions = {},
    ): Promise<ExportedReport> {
      if (!FORMATS.includes(format))
        throw new EngineError(
          'bad-request',
          `unknown report format ${String(format)} (use ${FORMATS.join(', ')})`,
        );
      const report = await service.getReport(dropPath, opts);
      const r = renderReport(report, format);
      return { fileName: reportFileName(report, format), mime: r.mime, content: r.content };
    },

    async watchDrop(dropPath: string, on: boolean) {
      const drop = await resolveDrop(dropPath);
      clearInterval(watches.get(drop));
      watches.delete(drop);
      if (!on) return;
      // Polling, not fs.watch: drops often sit on network shares where change events never
      // arrive. A scan of an unchanged drop only stats its files. An S3 prefix is listed each
      // time (requests are billed): once a minute is enough there.
      const timer = setInterval(
        () => {
          if (jobOf(drop)) return;
          void service.startScan(drop).catch(() => undefined);
        },
        options.watchIntervalMs ?? (isS3Url(drop) ? 60_000 : 5000),
      );
      timer.unref();
      watches.set(drop, timer);
    },

    async pickFolder() {
      return null;
    },

    // Where a view is saved is the host's business (a dialog, a download); the engine alone cannot say.
    async saveView() {
      return { saved: false };
    },

    listTables: async (drop) => (await tables()).listTables(drop),
    openTable: async (drop, request) => (await tables()).openTable(drop, request),
    tableInfo: async (handle) => (await tables()).tableInfo(handle),
    getRows: async (handle, request) => (await tables()).getRows(handle, request),
    columnStats: async (handle, column, view) => (await tables()).columnStats(handle, column, view),
    cancel: async (handle) => (await tables()).cancel(handle),
    closeTable: async (handle) => (await tables()).closeTable(handle),
    exportView: async (handle, view, file) => (await tables()).exportView(handle, view, file),

    onEvent(listener) {
      // Wrapped: the same function subscribed twice gets events twice and is removed once per call.
      const own = (e: EngineEvent): void => listener(e);
      listeners.add(own);
      return () => void listeners.delete(own);
    },

    async close() {
      for (const t of watches.values()) clearInterval(t);
      watches.clear();
      await Promise.all([...jobs.values()].map((j) => (j.controller.abort(), j.done)));
      if (tablesReady) {
        await (await tablesReady).close();
        const { closeDuck } = await import('./tables/analysis');
        await closeDuck();
      }
      catalog.close();
    },
  };
  return service;
}
