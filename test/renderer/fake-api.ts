// A DropInspectorApi over a hand-made ScanReport, for tests and for looking at the UI
// without the engine. No DOM use: it also runs in Node (test/renderer/dev/fake-server.mjs).
import type {
  ApiErrorShape,
  ApiMethod,
  DropInspectorApi,
  EngineEvent,
  ExportedReport,
  JudgementSettings,
  RecentDrop,
  ReportFormat,
  ScanProgress,
} from '../../src/shared/api';
import type { Problem, ReportChunk, ReportTable, ScanReport } from '../../src/shared/report';
import { ApiError } from '../../src/renderer/api/errors';
import { createFakeTables, type FakeTables, type SavedFakeView } from './fake-tables';

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

export const FAKE_DROP = '/drops/site-a';
const T0 = 1468345485; // 2016-07-12 17:44:45 UTC
const H8 = 8 * 3600;

function stamp(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 19).replace(/[-T:]/g, '_');
}

const BASE_COLUMNS: Record<string, string[]> = {
  interaction_fact: [
    'INTERACTION_ID',
    'START_DATE_TIME_KEY',
    'MEDIA_TYPE_KEY',
    'CREATE_AUDIT_KEY',
    'UPDATE_AUDIT_KEY',
  ],
  interaction_resource_fact: [
    'INTERACTION_RESOURCE_ID',
    'INTERACTION_ID',
    'RESOURCE_KEY',
    'CREATE_AUDIT_KEY',
    'UPDATE_AUDIT_KEY',
  ],
  irf_user_data_cust_1: ['INTERACTION_RESOURCE_ID', 'CUSTOM_DATA_1', 'CUSTOM_DATA_2'],
  sm_res_state_fact: ['SM_RES_STATE_FACT_KEY', 'RESOURCE_KEY', 'START_TS', 'END_TS', 'CREATE_AUDIT_KEY'],
  resource_: ['RESOURCE_KEY', 'RESOURCE_NAME', 'RESOURCE_TYPE'],
  gidb_gc_agent: ['ID', 'DBID', 'NAME'],
};

function table(name: string, rows: number | null, columns = BASE_COLUMNS[name]): ReportTable {
  return {
    name,
    rows,
    columns,
    bytes: rows === null ? null : rows * 120 + 200,
    malformedRows: 0,
    checksum: 'ok',
  };
}

interface ChunkSpec {
  from: number | null;
  to: number;
  created: number;
  name?: string;
  checksum?: ReportChunk['checksum'];
  metadata?: ReportChunk['metadata'];
  keySource?: ReportChunk['keySource'];
  tables?: ReportTable[];
  path?: string;
}

function chunk(spec: ChunkSpec, prevCreated: number | null): ReportChunk {
  const name = spec.name ?? `export_${spec.to}_${stamp(spec.created - 1200)}`;
  const tables = spec.tables ?? [
    table('interaction_fact', 1200 + (spec.to % 97) * 7),
    table('interaction_resource_fact', 2400 + (spec.to % 89) * 11),
    table('irf_user_data_cust_1', 800 + (spec.to % 53) * 5),
    table('sm_res_state_fact', 5400 + (spec.to % 71) * 13),
  ];
  const hasMeta = (spec.metadata ?? 'ok') !== 'missing';
  const files = [
    `${name}.zip`,
    ...(spec.checksum === 'missing' ? [] : [`${name}.zip.sha1`]),
    ...(hasMeta ? [`${name}.extracted.xml`] : []),
  ];
  return {
    name,
    hwmFrom: spec.from,
    hwmTo: spec.to,
    createdTs: spec.created,
    maxDataTs: spec.created - 1200,
    checksum: spec.checksum ?? 'ok',
    tables,
    path: spec.path ?? name,
    hwmFromTs: hasMeta ? prevCreated : null,
    hwmToTs: hasMeta ? spec.created : null,
    metadata: spec.metadata ?? 'ok',
    archive: 'ok',
    bytes: tables.reduce((s, t) => s + (t.bytes ?? 0), 0) / 3 + 512,
    gimVersion: '8.5.116.20',
    gimSchemaVersion: '8.5.116.04',
    keySource: spec.keySource ?? 'metadata',
    files,
    coverage: { axis: 'audit-key', from: spec.from, to: spec.to, requestedFrom: null, requestedTo: null },
  };
}

function summarize(drop: string, chunks: ReportChunk[], problems: Problem[], format = 'gim'): ScanReport {
  const tableNames = new Set<string>();
  let rows = 0;
  let bytes = 0;
  for (const c of chunks) {
    bytes += c.bytes ?? 0;
    for (const t of c.tables) {
      tableNames.add(t.name);
      rows += t.rows ?? 0;
    }
  }
  const keyed = chunks.filter((c) => c.hwmTo !== null);
  const created = chunks.map((c) => c.createdTs).filter((t): t is number => t !== null);
  return {
    format,
    drop,
    scannedAt: '2026-11-24T22:00:00Z',
    summary: {
      chunks: chunks.length,
      tables: tableNames.size,
      rows,
      problems: problems.length,
      errors: problems.filter((p) => p.severity === 'error').length,
      warnings: problems.filter((p) => p.severity === 'warning').length,
      infos: problems.filter((p) => p.severity === 'info').length,
      bytes: Math.round(bytes),
      hwmFrom: keyed.length ? Math.min(...keyed.map((c) => c.hwmFrom ?? c.hwmTo!)) : null,
      hwmTo: keyed.length ? Math.max(...keyed.map((c) => c.hwmTo!)) : null,
      firstCreatedTs: created.length ? Math.min(...created) : null,
      lastCreatedTs: created.length ? Math.max(...created) : null,
    },
    chunks: chunks.map((c) => ({ ...c, bytes: c.bytes === null ? null : Math.round(c.bytes) })),
    problems,
    tool: { name: 'drop-inspector', version: '0.1.0' },
    options: { cadenceSeconds: H8, graceSeconds: 3600, asOf: '2026-11-24T22:00:00Z' },
  };
}

/**
 * Twelve GIM chunks with: a gap (202340..203100), a checksum mismatch, a duplicate
 * re-export, a schema change, a late chunk, a chunk without metadata or checksum, a
 * suspiciously small table, and a drop-wide stray file.
 */
export function makeSampleReport(drop = FAKE_DROP): ScanReport {
  const specs: ChunkSpec[] = [
    { from: 13, to: 200074, created: T0 },
    { from: 200074, to: 200911, created: T0 + H8 },
    { from: 200911, to: 201500, created: T0 + 2 * H8 },
    { from: 201500, to: 202340, created: T0 + 3 * H8, checksum: 'mismatch' },
    // missing: 202340..203100 (created T0 + 4 * H8)
    { from: 203100, to: 203990, created: T0 + 5 * H8 },
    {
      from: 203990,
      to: 204800,
      created: T0 + 6 * H8,
      tables: [
        table('interaction_fact', 1450, [...BASE_COLUMNS.interaction_fact, 'LAST_INTERACTION_RESOURCE']),
        table('interaction_resource_fact', 2610),
        table('irf_user_data_cust_1', 910),
        table('sm_res_state_fact', 6020),
        table('resource_', 42),
      ],
    },
    {
      from: 203990,
      to: 204800,
      created: T0 + 6 * H8 + 5400,
      name: `export_204800_${stamp(T0 + 6 * H8 + 4200)}`,
      path: `redelivered/export_204800_${stamp(T0 + 6 * H8 + 4200)}`,
    },
    { from: 204800, to: 205600, created: T0 + 7 * H8 },
    { from: 205600, to: 206400, created: T0 + 7 * H8 + 30 * 3600 }, // late: 30 h after the previous
    {
      from: null,
      to: 207100,
      created: T0 + 8 * H8 + 30 * 3600,
      metadata: 'missing',
      checksum: 'missing',
      keySource: 'name',
    },
    { from: 207100, to: 207900, created: T0 + 9 * H8 + 30 * 3600 },
    {
      from: 207900,
      to: 208700,
      created: T0 + 10 * H8 + 30 * 3600,
      tables: [
        table('interaction_fact', 3), // suspiciously small
        table('interaction_resource_fact', 2590),
        table('irf_user_data_cust_1', 870),
        table('sm_res_state_fact', 5810),
        table('gidb_gc_agent', 12),
      ],
    },
  ];
  const chunks: ReportChunk[] = [];
  let prev: number | null = T0 - H8;
  for (const s of specs) {
    chunks.push(chunk(s, prev));
    prev = s.created;
  }
  const n = (i: number) => chunks[i].name;
  const problems: Problem[] = [
    {
      kind: 'checksum-mismatch',
      severity: 'error',
      chunk: n(3),
      table: null,
      message: `${n(3)}.zip does not match its SHA-1 (expected 3f2a…, got 9b11…)`,
      action: 'Ask for the chunk to be delivered again.',
    },
    {
      kind: 'gap',
      severity: 'error',
      chunk: n(4),
      previous: n(3),
      table: null,
      message: 'audit keys 202340..203100 are in no chunk',
      action: 'Ask the vendor for the export covering audit keys 202340..203100.',
      detail: { from: 202340, to: 203100 },
    },
    {
      kind: 'schema-change',
      severity: 'warning',
      chunk: n(5),
      previous: n(4),
      table: 'interaction_fact',
      message: 'interaction_fact gained column LAST_INTERACTION_RESOURCE',
      action: 'Check that the loader maps the new column.',
    },
    {
      kind: 'duplicate',
      severity: 'warning',
      chunk: n(6),
      previous: n(5),
      table: null,
      message: `${n(6)} covers the same audit keys 203990..204800 as ${n(5)} (a re-export)`,
      action: 'Load only one of them; the later one wins.',
    },
    {
      kind: 'late',
      severity: 'warning',
      chunk: n(8),
      previous: n(7),
      table: null,
      message: '30 h between this chunk and the one before exceeds the 8 h cadence',
      action: 'Check the export schedule on the vendor side.',
    },
    {
      kind: 'metadata-missing',
      severity: 'warning',
      chunk: n(9),
      table: null,
      message: `${n(9)}.extracted.xml is missing: audit keys taken from the name`,
      action: 'Ask for the metadata file.',
    },
    {
      kind: 'checksum-missing',
      severity: 'warning',
      chunk: n(9),
      table: null,
      message: `${n(9)}.zip.sha1 is missing: integrity cannot be checked`,
    },
    {
      kind: 'unexpected-file',
      severity: 'info',
      chunk: null,
      table: null,
      message: 'notes.txt is not part of any chunk',
    },
  ];
  return summarize(drop, chunks, problems);
}

/** A large report (for performance checks): n chunks, a few problems sprinkled in. */
export function makeBigReport(n: number, drop = '/drops/big'): ScanReport {
  const chunks: ReportChunk[] = [];
  const problems: Problem[] = [];
  let key = 1000;
  let created = T0;
  let prev: number | null = T0 - H8;
  for (let i = 0; i < n; i++) {
    const from = key;
    if (i > 0 && i % 997 === 0) {
      const gapTo = key + 300;
      problems.push({
        kind: 'gap',
        severity: 'error',
        chunk: null,
        previous: chunks[i - 1].name,
        table: null,
        message: `audit keys ${key}..${gapTo} are in no chunk`,
        detail: { from: key, to: gapTo },
      });
      key = gapTo;
    }
    const to = key + 500 + ((i * 37) % 400);
    const c = chunk(
      {
        from: i % 997 === 0 && i > 0 ? key : from,
        to,
        created,
        checksum: i % 1531 === 7 ? 'mismatch' : 'ok',
      },
      prev,
    );
    if (
      problems.length &&
      problems[problems.length - 1].chunk === null &&
      problems[problems.length - 1].kind === 'gap'
    )
      problems[problems.length - 1].chunk = c.name;
    if (c.checksum === 'mismatch')
      problems.push({
        kind: 'checksum-mismatch',
        severity: 'error',
        chunk: c.name,
        table: null,
        message: `${c.name}.zip does not match its SHA-1`,
      });
    if (i % 2111 === 50)
      problems.push({
        kind: 'schema-change',
        severity: 'warning',
        chunk: c.name,
        table: 'interaction_fact',
        message: 'interaction_fact lost a column',
      });
    chunks.push(c);
    prev = created;
    key = to;
    created += H8;
  }
  return summarize(drop, chunks, problems);
}

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

function drawable(report: ScanReport, done: number): ScanReport {
  // While scanning, only the finished chunks (and their problems) are in the report.
  const chunks = report.chunks.slice(0, done);
  const names = new Set(chunks.map((c) => c.name));
  const problems = report.problems.filter((p) => p.chunk === null || names.has(p.chunk));
  return summarize(report.drop, chunks, problems, report.format);
}

function exportContent(report: ScanReport, format: ReportFormat): ExportedReport {
  const base = `drop-report-${report.drop.split('/').filter(Boolean).pop() ?? 'drop'}`;
  switch (format) {
    case 'json':
      return { fileName: `${base}.json`, mime: 'application/json', content: JSON.stringify(report, null, 2) };
    case 'csv':
      return {
        fileName: `${base}.csv`,
        mime: 'text/csv',
        content: [
          'kind,severity,chunk,table,message',
          ...report.problems.map((p) =>
            [p.kind, p.severity, p.chunk ?? '', p.table ?? '', JSON.stringify(p.message)].join(','),
          ),
        ].join('\n'),
      };
    case 'md':
      return {
        fileName: `${base}.md`,
        mime: 'text/markdown',
        content: `# Drop report\n\n${report.problems.map((p) => `- **${p.severity}** ${p.kind}: ${p.message}`).join('\n')}\n`,
      };
    case 'html':
      return {
        fileName: `${base}.html`,
        mime: 'text/html',
        content: `<!doctype html><title>Drop report</title><h1>${report.problems.length} problems</h1>`,
      };
  }
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
