// The app state's shape (zustand): what every view reads and the actions it may call, and
// the view list. Separate from the store's implementation (store.ts) so that components and
// the table store import the types without importing the actions.
import type { StoreApi } from 'zustand/vanilla';
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
  /**
   * When a scan that found the drop unchanged confirmed the report on screen (kept as it
   * is, ScanProgress.unchanged): the time to show as its scan's; null once another report comes.
   */
  confirmedAt: string | null;
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
