// ScanReports built from chunk specs: a chunk's tables, files and coverage, the summary over
// the chunks and problems, and the report as far as a running scan got.
import type { Problem, ReportChunk, ReportTable, ScanReport } from '../../../src/shared/report';

export const T0 = 1468345485; // 2016-07-12 17:44:45 UTC
export const H8 = 8 * 3600;

export function stamp(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 19).replace(/[-T:]/g, '_');
}

export const BASE_COLUMNS: Record<string, string[]> = {
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

export function table(name: string, rows: number | null, columns = BASE_COLUMNS[name]): ReportTable {
  return {
    name,
    rows,
    columns,
    bytes: rows === null ? null : rows * 120 + 200,
    malformedRows: 0,
    checksum: 'ok',
  };
}

export interface ChunkSpec {
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

export function chunk(spec: ChunkSpec, prevCreated: number | null): ReportChunk {
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

export function summarize(
  drop: string,
  chunks: ReportChunk[],
  problems: Problem[],
  format = 'gim',
): ScanReport {
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

export function drawable(report: ScanReport, done: number): ScanReport {
  // While scanning, only the finished chunks (and their problems) are in the report.
  const chunks = report.chunks.slice(0, done);
  const names = new Set(chunks.map((c) => c.name));
  const problems = report.problems.filter((p) => p.chunk === null || names.has(p.chunk));
  return summarize(report.drop, chunks, problems, report.format);
}
