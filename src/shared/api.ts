// The one API the renderer uses, whatever hosts it: Electron IPC through the preload
// (src/preload) or HTTP on loopback (src/server). Both hosts implement exactly this
// interface over the same engine service (src/engine/service.ts).
import type { ScanReport } from './report';
import type { TableApi, TableEvent, ViewSpec } from './table-api';
import { API_SPEC } from './api-methods';

export type ReportFormat = 'json' | 'md' | 'csv' | 'html';

export interface RecentDrop {
  path: string;
  format: string | null;
  lastScannedAt: string | null;
  chunks: number;
  errors: number;
  warnings: number;
}

export interface ScanOptions {
  /** Re-hash and re-read every archive even if unchanged since the last scan. */
  verify?: boolean;
  /** Expected seconds between runs (Info Mart default 8 h). */
  cadenceSeconds?: number;
  /** Extra seconds of silence tolerated before "late"/"stale" (default half the cadence). */
  graceSeconds?: number;
  /** ISO time the "stale" check is judged at (default: now). */
  asOf?: string;
}

/**
 * How a drop is judged (the CLI's --cadence, --grace, --as-of), remembered per drop in the
 * catalog. null means the default: the family's cadence (or one inferred from the chunks), grace
 * half the cadence, as of now. Checks
 * are pure functions of the catalog, so a change re-judges at once, without re-reading.
 */
export interface JudgementSettings {
  cadenceSeconds: number | null;
  graceSeconds: number | null;
  asOf: string | null;
}

/** A folder in the host's folder browser (the browser host has no native picker). */
export interface FolderEntry {
  name: string;
  path: string;
  /** The folder looks like a drop some family recognises (cheap: names only). */
  looksLikeDrop: boolean;
}

export interface FolderListing {
  /** The folder listed; null for the list of roots. */
  path: string | null;
  /** Its parent, when that is still inside an allowed root; null otherwise. */
  parent: string | null;
  /** The folders one may browse from: the home folder, recent drops' folders, the host's --browse-root. */
  roots: string[];
  /** Sub-folders, by name (hidden ones left out); at most MAX_FOLDER_ENTRIES. */
  entries: FolderEntry[];
  /** More sub-folders than were listed. */
  truncated: boolean;
}

export interface ScanProgress {
  jobId: string;
  drop: string;
  phase: 'discovering' | 'scanning' | 'checking' | 'done' | 'cancelled' | 'failed';
  chunksDone: number;
  chunksTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Chunks whose catalog entry was reused unchanged. */
  chunksReused: number;
  elapsedMs: number;
  /** Estimated milliseconds left; null until it can be told. */
  etaMs: number | null;
  /** Requests made to the drop's store so far (S3: HTTP requests, retries included; 0 locally). */
  storageRequests?: number;
  /** Object bytes read from the drop's store so far (listing excluded). */
  storageBytes?: number;
  /** Set when phase is 'failed'. */
  error?: string;
  /** The failure's kind, when phase is 'failed' and the engine knows it. */
  errorCode?: ApiErrorShape['code'];
  /**
   * On 'done' of a scan that found the drop as its last scan left it (nothing read or
   * recorded; the kept verdict's time checks judged again as of now): the problem counts of
   * the report it leaves, whose chunks, tables and rows are the catalog's as they were. No
   * report-updated follows such a scan: a UI showing a report of the drop with these counts,
   * fetched moments ago, has it already.
   */
  unchanged?: { errors: number; warnings: number; infos: number; /** ISO time the scan ended (the catalog's last scan). */ scannedAt: string };
}

export type EngineEvent =
  | { type: 'scan-progress'; progress: ScanProgress }
  /** A scan finished (or a watched drop changed and was re-scanned): fetch the report again. */
  | { type: 'report-updated'; drop: string }
  /** The table browser's events (first-read progress, rows becoming available). */
  | TableEvent;

export interface ExportedReport {
  fileName: string;
  mime: string;
  content: string;
}

/**
 * Every error code a host can answer: the one list (hosts map it to statuses, the UI to
 * headings). 'cancelled' is a request the UI itself made obsolete (a newer sort, another
 * table): not a failure, and never logged.
 */
export const API_ERROR_CODES = [
  'not-found',
  'not-a-directory',
  'unreadable',
  'unknown-format',
  'catalog-too-new',
  'bad-request',
  'forbidden',
  'cancelled',
  /** A table operation needs more memory or spill space than allowed (says which). */
  'too-large',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** An error the UI shows as a message, never as a crash. */
export interface ApiErrorShape {
  code: ApiErrorCode;
  message: string;
}

/** A drop as openDrop gives it. */
export interface OpenedDrop {
  /** The catalogued report (null: the drop was never scanned into this catalog). */
  report: ScanReport | null;
  /** The re-check scan. */
  jobId: string;
}

/** Where a saved table view went. */
export interface SavedView {
  saved: boolean;
  /** The file written (Electron), when known. */
  file?: string;
}

/** The whole API: the drop inspection methods and the table browser's (src/shared/table-api.ts). */
export interface DropInspectorApi extends Omit<TableApi, 'onTableEvent' | 'exportView'> {
  /** Drops the catalog knows, newest first. */
  recentDrops(): Promise<RecentDrop[]>;
  /** The drop the host was started with (serve <drop>, npm start), if any. */
  initialDrop(): Promise<string | null>;
  /** Starts (or joins) a scan of the drop; progress arrives as events. */
  startScan(drop: string, options?: ScanOptions): Promise<{ jobId: string }>;
  cancelScan(jobId: string): Promise<void>;
  /** The report from the catalog as it stands (no scan). */
  getReport(drop: string, options?: ScanOptions): Promise<ScanReport>;
  /**
   * Opens a drop: the report as the catalog holds it (null where it holds none), read before
   * a re-check scan starts (or is joined), so it is never that scan's partial one; the scan's
   * progress arrives as events.
   */
  openDrop(drop: string, options?: ScanOptions): Promise<OpenedDrop>;
  exportReport(drop: string, format: ReportFormat, options?: ScanOptions): Promise<ExportedReport>;
  /** Watch the drop and re-scan when chunks arrive. */
  watchDrop(drop: string, on: boolean): Promise<void>;
  /** Native folder picker; null where the host has none (browser) or the user cancelled. */
  pickFolder(): Promise<string | null>;
  /**
   * Lists the sub-folders of `path` (null: the allowed roots), for the Open screen's folder
   * browser. A path outside every allowed root is refused ('forbidden').
   */
  browseFolder(path: string | null): Promise<FolderListing>;
  /** The drop's remembered judgement settings (defaults where none was set). */
  getJudgement(drop: string): Promise<JudgementSettings>;
  /** Remembers the drop's judgement settings; reports are judged by them from now on. */
  setJudgement(drop: string, settings: JudgementSettings): Promise<JudgementSettings>;
  /**
   * Saves a table view (sorted, filtered) as CSV where the user chooses: a save dialog in
   * Electron, a streamed download in the browser.
   */
  saveView(handle: string, view: ViewSpec): Promise<SavedView>;
  /** Subscribe to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

/** Methods callable over a transport (everything except onEvent). */
export type ApiMethod = Exclude<keyof DropInspectorApi, 'onEvent'>;
/** Every method, from the one method table (api-methods.ts). */
export const API_METHODS = Object.keys(API_SPEC) as readonly ApiMethod[];
