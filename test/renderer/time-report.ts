// A bulk-export report (time-range axis), shared by the report and the app timeline tests.
import type { Problem, ReportChunk, ScanReport } from '../../src/shared/report';

export const H = 3600;
export const T0 = Date.UTC(2026, 10, 1) / 1000;

function chunk(name: string, reqFrom: number, reqTo: number, to: number): ReportChunk {
  return {
    name,
    hwmFrom: null,
    hwmTo: null,
    createdTs: reqTo + 600,
    maxDataTs: to,
    checksum: 'missing',
    tables: [{ name: 'session', rows: 10, columns: ['session_id'] }],
    path: `${name}.zip`,
    hwmFromTs: null,
    hwmToTs: null,
    metadata: 'ok',
    archive: 'ok',
    bytes: 1000,
    gimVersion: null,
    gimSchemaVersion: null,
    keySource: 'none',
    files: [`${name}.zip`],
    coverage: { axis: 'time-range', from: reqFrom, to, requestedFrom: reqFrom, requestedTo: reqTo },
  } as ReportChunk;
}

/** r1 whole; r2's window (06–12) missing; r3 exported to 17:00 of 18:00; r4 whole. */
const chunks = [chunk('r1', T0, T0 + 6 * H, T0 + 6 * H), chunk('r3', T0 + 12 * H, T0 + 18 * H, T0 + 17 * H), chunk('r4', T0 + 18 * H, T0 + 24 * H, T0 + 24 * H)];
const problems: Problem[] = [
  { kind: 'gap', severity: 'error', chunk: 'r3', previous: 'r1', table: null, message: 'no request covers 06:00–12:00', detail: { axis: 'time-range', fromTs: T0 + 6 * H, toTs: T0 + 12 * H } },
  { kind: 'gap', severity: 'error', chunk: 'r3', table: null, message: 'exported to 17:00 of 18:00', detail: { axis: 'time-range', inside: true, fromTs: T0 + 17 * H, toTs: T0 + 18 * H } },
];

export const timeReport = {
  format: 'bulk',
  drop: '/srv/drops/bulk',
  scannedAt: '2026-11-03T00:00:00Z',
  summary: { chunks: 3, tables: 1, rows: 30, problems: 2, errors: 2, warnings: 0, infos: 0, bytes: 3000, hwmFrom: null, hwmTo: null, firstCreatedTs: T0 + 6 * H + 600, lastCreatedTs: T0 + 24 * H + 600 },
  chunks,
  problems,
  tool: { name: 'drop-inspector', version: '0.1.0' },
  options: { cadenceSeconds: 6 * H, graceSeconds: 3 * H, asOf: '2026-11-03T00:00:00Z' },
  axis: 'time-range',
} as ScanReport;
