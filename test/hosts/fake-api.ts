// A scripted DropInspectorApi for the host tests: records every call, answers canned
// values, throws on cue, and emits events when told.
import type {
  DropInspectorApi,
  EngineEvent,
  ExportedReport,
  FolderListing,
  JudgementSettings,
  OpenedDrop,
  RecentDrop,
  ReportFormat,
  SavedView,
  ScanOptions,
} from '../../src/shared/api';
import type {
  ColumnStats,
  OpenTableRequest,
  RowsPage,
  RowsRequest,
  TableHandleInfo,
  TableSummary,
  ViewSpec,
} from '../../src/shared/table-api';
import type { ScanReport } from '../../src/shared/report';

export interface RecordedCall {
  method: string;
  args: unknown[];
}

/** A drop whose getReport throws a plain Error (→ 'internal'). */
export const BOOM = 'boom';
/** A drop whose getReport throws an error with code 'catalog-too-new'. */
export const TOO_NEW = 'too-new';

export class FakeApi implements DropInspectorApi {
  readonly calls: RecordedCall[] = [];
  readonly listeners = new Set<(event: EngineEvent) => void>();
  recent: RecentDrop[] = [
    {
      path: '/data/drops/alpha',
      format: 'gim',
      lastScannedAt: '2024-05-01T08:00:00.000Z',
      chunks: 42,
      errors: 1,
      warnings: 3,
    },
    { path: '/data/drops/β-ünïcode', format: null, lastScannedAt: null, chunks: 0, errors: 0, warnings: 0 },
  ];
  initial: string | null = '/data/drops/alpha';
  picked: string | null = null;
  private nextJob = 1;

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  emit(event: EngineEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  async recentDrops(): Promise<RecentDrop[]> {
    this.record('recentDrops', []);
    return this.recent;
  }

  async initialDrop(): Promise<string | null> {
    this.record('initialDrop', []);
    return this.initial;
  }

  async startScan(drop: string, options?: ScanOptions): Promise<{ jobId: string }> {
    this.record('startScan', options === undefined ? [drop] : [drop, options]);
    return { jobId: `job-${this.nextJob++}` };
  }

  async openDrop(drop: string, options?: ScanOptions): Promise<OpenedDrop> {
    this.record('openDrop', options === undefined ? [drop] : [drop, options]);
    return { report: null, jobId: `job-${this.nextJob++}` };
  }

  async cancelScan(jobId: string): Promise<void> {
    this.record('cancelScan', [jobId]);
    if (jobId === 'missing') throw Object.assign(new Error(`No scan job ${jobId}`), { code: 'not-found' });
  }

  async getReport(drop: string, options?: ScanOptions): Promise<ScanReport> {
    this.record('getReport', options === undefined ? [drop] : [drop, options]);
    if (drop.endsWith(`/${BOOM}`)) throw new Error('kaboom: the fake engine failed');
    if (drop.endsWith(`/${TOO_NEW}`)) {
      throw Object.assign(new Error('The catalog was written by a newer version.'), {
        code: 'catalog-too-new',
      });
    }
    return fakeReport(drop, options);
  }

  async exportReport(drop: string, format: ReportFormat, options?: ScanOptions): Promise<ExportedReport> {
    this.record('exportReport', options === undefined ? [drop, format] : [drop, format, options]);
    const mime = { json: 'application/json', md: 'text/markdown', csv: 'text/csv', html: 'text/html' }[
      format
    ];
    return {
      fileName: `report.${format}`,
      mime,
      content: `report of ${drop} as ${format} — ✓ "quoted" \n line2`,
    };
  }

  async watchDrop(drop: string, on: boolean): Promise<void> {
    this.record('watchDrop', [drop, on]);
  }

  async pickFolder(): Promise<string | null> {
    this.record('pickFolder', []);
    return this.picked;
  }

  judgement: JudgementSettings = { cadenceSeconds: null, graceSeconds: null, asOf: null };

  async browseFolder(path: string | null): Promise<FolderListing> {
    this.record('browseFolder', [path]);
    return {
      path,
      parent: null,
      roots: ['/data'],
      entries: [{ name: 'drops', path: '/data/drops', looksLikeDrop: false }],
      truncated: false,
    };
  }

  async getJudgement(drop: string): Promise<JudgementSettings> {
    this.record('getJudgement', [drop]);
    return this.judgement;
  }

  async setJudgement(drop: string, settings: JudgementSettings): Promise<JudgementSettings> {
    this.record('setJudgement', [drop, settings]);
    this.judgement = settings;
    return settings;
  }

  // --- table browser: canned answers, every call recorded

  async saveView(handle: string, view: ViewSpec): Promise<SavedView> {
    this.record('saveView', [handle, view]);
    return { saved: false };
  }

  async listTables(drop: string): Promise<TableSummary[]> {
    this.record('listTables', [drop]);
    return [{ table: 'interaction_fact', chunks: [], totalRows: 0, columns: ['INTERACTION_ID'] }];
  }

  async openTable(drop: string, request: OpenTableRequest): Promise<TableHandleInfo> {
    this.record('openTable', [drop, request]);
    return this.info('h1', request.table);
  }

  async tableInfo(handle: string): Promise<TableHandleInfo> {
    this.record('tableInfo', [handle]);
    return this.info(handle, 'interaction_fact');
  }

  async getRows(handle: string, request: RowsRequest): Promise<RowsPage> {
    this.record('getRows', [handle, request]);
    const rows = Array.from({ length: Math.min(request.limit, 3) }, (_, i) => [
      String(request.offset + i),
      'a,"b"\nc',
      '',
    ]);
    return {
      offset: request.offset,
      rows,
      rowNumbers: rows.map((_, i) => request.offset + i),
      rowChunks: rows.map(() => 'export_1'),
      records: rows.map((_, i) => request.offset + i + 1),
      malformed: rows.map(() => false),
      totalRows: 3,
      complete: true,
    };
  }

  async columnStats(handle: string, column: string, view?: ViewSpec): Promise<ColumnStats> {
    this.record('columnStats', view ? [handle, column, view] : [handle, column]);
    return {
      column,
      rows: 3,
      empty: 0,
      distinct: 3,
      kind: 'number',
      min: '0',
      max: '2',
      top: [],
      histogram: null,
    };
  }

  async cancel(handle: string): Promise<void> {
    this.record('cancel', [handle]);
  }

  async closeTable(handle: string): Promise<void> {
    this.record('closeTable', [handle]);
  }

  private info(handle: string, table: string): TableHandleInfo {
    return {
      handle,
      table,
      scope: 'all',
      encoding: 'utf-8',
      columns: ['_chunk', 'INTERACTION_ID', 'SUBJECT'],
      totalRows: 3,
      complete: true,
      key: null,
      problems: { malformedRows: 0, invalidChars: 0, unreadable: [] },
      chunks: ['export_1'],
    };
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

export function fakeReport(drop: string, options?: ScanOptions): ScanReport {
  return {
    format: 'gim',
    drop,
    scannedAt: '2024-05-01T08:00:00.000Z',
    summary: { chunks: 2, errors: 0, warnings: 1 } as unknown as ScanReport['summary'],
    chunks: [],
    problems: [
      {
        kind: 'late',
        severity: 'warning',
        chunk: 'chunk-0002',
        previous: 'chunk-0001',
        table: null,
        message: 'Chunk arrived 3 h late — ünïcode ✓',
        detail: { lateSeconds: 10800, nested: { list: [1, 2, 3], nil: null } },
      },
    ],
    tool: { name: 'drop-inspector', version: '0.0.0-test' },
    options: {
      cadenceSeconds: options?.cadenceSeconds ?? 28800,
      graceSeconds: 3600,
      asOf: options?.asOf ?? '2024-05-01T09:00:00.000Z',
    },
  };
}
