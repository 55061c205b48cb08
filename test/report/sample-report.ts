// A hand-written ScanReport for the renderer tests: every problem kind, a gap, a
// duplicate, an overlap, a checksum mismatch, chunks with unknown audit keys, a table
// whose rows are unknown, and names and messages built to break escaping: <script>,
// |, commas, quotes, line breaks, and cells a spreadsheet would run as formulas.
import type { Problem, ReportChunk, ReportTable, ScanReport } from '../../src/shared/report';

export const NASTY_CHUNK = 'export_201800_<script>alert("x")</script>|a,b';
export const NASTY_TABLE = 'weird|table,"q"\nline2 <script>alert(1)</script>';
export const SCRIPT_TABLE = '<script>alert(1)</script>';

function table(name: string, rows: number | null, columns: string[], extra: Partial<ReportTable> = {}): ReportTable {
  return { name, rows, columns, bytes: rows === null ? null : rows * 100, ...extra };
}

function chunk(c: Partial<ReportChunk> & Pick<ReportChunk, 'name'>): ReportChunk {
  return {
    hwmFrom: null,
    hwmTo: null,
    createdTs: null,
    maxDataTs: null,
    checksum: 'ok',
    tables: [],
    path: c.name,
    hwmFromTs: null,
    hwmToTs: null,
    metadata: 'ok',
    archive: 'ok',
    bytes: 1000,
    gimVersion: '8.5.116.12',
    gimSchemaVersion: '8.5.116.10',
    keySource: 'metadata',
    files: [`${c.name}.zip`, `${c.name}.zip.sha1`, `${c.name}.extracted.xml`],
    ...c,
    coverage: c.coverage ?? { axis: 'audit-key', from: c.hwmFrom ?? null, to: c.hwmTo ?? null, requestedFrom: null, requestedTo: null },
  };
}

const FACT_COLS = ['INTERACTION_ID', 'CREATE_AUDIT_KEY', 'UPDATE_AUDIT_KEY'];

export const A = 'export_200074_2016_07_12_17_44_45';
export const B = 'export_201500_2016_07_13_17_44_45';
export const B2 = 'export_201500_2016_07_14_01_44_45';
export const D = 'export_201900_2016_07_15_00_20_00';
export const F = 'export_202000_2016_07_15_08_20_00.zip.p7m';
export const E = 'export_unknown';

export const chunks: ReportChunk[] = [
  chunk({
    name: A,
    hwmFrom: 13,
    hwmTo: 200074,
    hwmFromTs: 1468300000,
    hwmToTs: 1468345000,
    createdTs: 1468345485,
    maxDataTs: 1468340000,
    tables: [table('interaction_fact', 1234, FACT_COLS), table('resource_', 12, ['RESOURCE_KEY', 'RESOURCE_NAME'])],
  }),
  chunk({
    name: B,
    hwmFrom: 200911,
    hwmTo: 201500,
    hwmFromTs: 1468400000,
    hwmToTs: 1468431885,
    createdTs: 1468431885,
    maxDataTs: 1468430000,
    checksum: 'mismatch',
    tables: [
      table('interaction_fact', 500, FACT_COLS),
      table('irf_user_data_cust_1', null, ['INTERACTION_RESOURCE_ID']),
      table(SCRIPT_TABLE, 3, ['A']),
    ],
  }),
  chunk({
    name: B2,
    hwmFrom: 200911,
    hwmTo: 201500,
    hwmFromTs: 1468400000,
    hwmToTs: 1468431885,
    createdTs: 1468460685,
    maxDataTs: 1468430000,
    tables: [table('interaction_fact', 500, FACT_COLS)],
    files: [`${B2}.zip`, `${B2}.extracted.xml`],
  }),
  chunk({
    name: NASTY_CHUNK,
    hwmFrom: 201400,
    hwmTo: 201800,
    hwmFromTs: 1468430000,
    hwmToTs: 1468500000,
    createdTs: 1468500000,
    maxDataTs: 1468499000,
    tables: [
      table('interaction_fact', 40, [...FACT_COLS, 'NEW_COLUMN']),
      table(NASTY_TABLE, 7, ['X', 'Y'], { malformedRows: 2 }),
    ],
  }),
  chunk({
    name: D,
    hwmFrom: 201800,
    hwmTo: 201900,
    hwmFromTs: 1468500000,
    hwmToTs: 1468542000,
    createdTs: 1468542000,
    maxDataTs: 1468541000,
    checksum: 'missing',
    archive: 'missing',
    bytes: null,
    tables: [],
    files: [`${D}.extracted.xml`],
  }),
  chunk({
    name: F,
    hwmFrom: null,
    hwmTo: 202000,
    createdTs: 1468570800,
    checksum: 'encrypted',
    archive: 'encrypted',
    metadata: 'invalid',
    keySource: 'name',
    files: [F, `${F}.sha1`, 'export_202000_2016_07_15_08_20_00.extracted.xml'],
  }),
  chunk({
    name: E,
    checksum: 'error',
    archive: 'corrupt',
    metadata: 'missing',
    keySource: 'none',
    gimVersion: null,
    gimSchemaVersion: null,
    files: [`${E}.zip`],
  }),
];

export const problems: Problem[] = [
  {
    kind: 'gap',
    severity: 'error',
    chunk: B,
    previous: A,
    table: null,
    message: 'audit keys 200074..200911 are in no chunk',
    detail: { fromKey: 200074, toKey: 200911 },
  },
  {
    kind: 'late',
    severity: 'warning',
    chunk: B,
    previous: A,
    table: null,
    message: '23 h 58 min between export_200074… and export_201500…, expected 8 h',
    detail: { silenceSeconds: 86400 - 120, cadenceSeconds: 28800 },
  },
  {
    kind: 'checksum-mismatch',
    severity: 'error',
    chunk: B,
    table: null,
    message: `${B}.zip does not match its SHA-1 ("da39a3ee…" expected, "0beec7b5…" found)`,
  },
  {
    kind: 'table-unreadable',
    severity: 'error',
    chunk: B,
    table: 'irf_user_data_cust_1',
    message: 'irf_user_data_cust_1.csv: invalid UTF-8 at byte 1024 (AT&T &lt;export&gt; &amp; co)',
  },
  {
    kind: 'duplicate',
    severity: 'warning',
    chunk: B2,
    previous: B,
    table: null,
    message: 'covers audit keys 200911..201500 like export_201500_2016_07_13_17_44_45',
    action: 'Keep the newer re-export | load it once, "not" twice, <b>really</b>',
  },
  {
    kind: 'checksum-missing',
    severity: 'warning',
    chunk: B2,
    table: null,
    message: `no ${B2}.zip.sha1 beside the archive`,
  },
  {
    kind: 'overlap',
    severity: 'warning',
    chunk: NASTY_CHUNK,
    previous: B2,
    table: null,
    message: 'starts at 201400, before the previous chunk ends (201500)',
    detail: { fromKey: 201400, toKey: 201500 },
  },
  {
    kind: 'out-of-order',
    severity: 'warning',
    chunk: NASTY_CHUNK,
    previous: B2,
    table: null,
    message:
      'name order puts "export_201800_<script>…" after export_201500_2016_07_14_01_44_45, but its audit keys come first',
  },
  {
    kind: 'name-mismatch',
    severity: 'warning',
    chunk: NASTY_CHUNK,
    table: null,
    message: 'the name says 201800,\nthe metadata says 201800 | 201799',
  },
  {
    kind: 'schema-change',
    severity: 'warning',
    chunk: NASTY_CHUNK,
    previous: B2,
    table: 'interaction_fact',
    message: 'interaction_fact: column NEW_COLUMN added',
    detail: { added: ['NEW_COLUMN'] },
  },
  {
    kind: 'malformed-row',
    severity: 'warning',
    chunk: NASTY_CHUNK,
    table: NASTY_TABLE,
    message: '2 rows have 3 fields instead of 2\r\n(first at line 4)',
    detail: { count: 2 },
  },
  {
    kind: 'suspicious-entry',
    severity: 'warning',
    chunk: NASTY_CHUNK,
    table: null,
    message: 'entry ../../etc/passwd escapes the extraction folder',
    detail: { entry: '../../etc/passwd' },
  },
  {
    kind: 'archive-missing',
    severity: 'error',
    chunk: D,
    table: null,
    message: `no ${D}.zip in the chunk folder`,
  },
  {
    kind: 'file-changed',
    severity: 'warning',
    chunk: D,
    table: null,
    message: `${D}.extracted.xml changed while it was read`,
  },
  {
    kind: 'metadata-invalid',
    severity: 'error',
    chunk: F,
    table: null,
    message: 'export_202000_2016_07_15_08_20_00.extracted.xml: no hwm-from',
  },
  {
    kind: 'encrypted',
    severity: 'info',
    chunk: F,
    table: null,
    message: 'the archive is CMS/PKCS#7 encrypted',
  },
  {
    kind: 'metadata-missing',
    severity: 'warning',
    chunk: E,
    table: null,
    message: 'no export_unknown.extracted.xml',
  },
  {
    kind: 'archive-corrupt',
    severity: 'error',
    chunk: E,
    table: null,
    message: 'export_unknown.zip: end of central directory not found (truncated?) in D:\\in\\a\\|b *c*',
  },
  {
    kind: 'stale',
    severity: 'warning',
    chunk: F,
    table: null,
    message: 'the newest export is 3 d 1 h old as of 2016-07-18T10:00:00.000Z (expected every 8 h)',
    detail: { newestTs: 1468570800, asOf: 1468836000 },
  },
  {
    kind: 'future-dated',
    severity: 'warning',
    chunk: F,
    table: null,
    message: "created 2028-03-01T08:20:00Z: after the scan's time 2016-07-18T10:00:00Z",
    detail: { asOf: 1468836000, createdTs: 1835511600, maxDataTs: null, nameTs: null, aheadSeconds: 366675600 },
  },
  {
    kind: 'unexpected-file',
    severity: 'info',
    chunk: null,
    table: null,
    message: '=HYPERLINK("evil") is not part of any chunk',
    detail: { file: '=HYPERLINK("evil")' },
  },
  {
    kind: 'unexpected-file',
    severity: 'info',
    chunk: null,
    table: null,
    message: '-1',
    detail: { file: '+SUM(1,2)' },
  },
  {
    kind: 'unreadable-entry',
    severity: 'error',
    chunk: null,
    table: null,
    message: 'the folder 2016/07/<b>x\\xFF</b> cannot be read (permission denied): any chunk in it is not checked',
    detail: { path: '2016/07/<b>x\\xFF</b>', reason: 'permission denied', code: 'EACCES', entry: 'folder' },
  },
  {
    kind: 'link-not-followed',
    severity: 'info',
    chunk: null,
    table: null,
    message: 'mirror is a link to /, outside the drop: not followed (--follow-links to follow it)',
    detail: { path: 'mirror', target: '/' },
  },
  {
    kind: 'row-count-mismatch',
    severity: 'error',
    chunk: B,
    table: 'interaction_fact',
    message: 'interaction_fact holds 9 records, its stats file declares 12 (-3)',
    detail: { rows: 9, declaredRows: 12, difference: -3 },
  },
  {
    kind: 'missing-table',
    severity: 'warning',
    chunk: B,
    table: 'resource_',
    message: 'resource_ is in most chunks but not in this one',
  },
  {
    kind: 'volume-drop',
    severity: 'warning',
    chunk: B,
    table: 'interaction_fact',
    message: 'interaction_fact holds 9 rows, its usual level is 1200',
    detail: { rows: 9, median: 1200 },
  },
];

export const sampleReport: ScanReport = {
  format: 'gim',
  drop: '/srv/drops/acme "prod" | eu,west <script>alert(1)',
  scannedAt: '2026-11-24T22:00:00Z',
  summary: {
    chunks: chunks.length,
    tables: 5,
    rows: 1234 + 12 + 500 + 3 + 500 + 40 + 7,
    problems: problems.length,
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
    infos: problems.filter((p) => p.severity === 'info').length,
    bytes: 6000,
    hwmFrom: 13,
    hwmTo: 202000,
    firstCreatedTs: 1468345485,
    lastCreatedTs: 1468570800,
  },
  chunks,
  problems,
  tool: { name: 'drop-inspector', version: '0.1.0' },
  options: { cadenceSeconds: 28800, graceSeconds: 3600, asOf: '2016-07-18T10:00:00Z' },
};

/** A drop with nothing wrong. */
export const wholeReport: ScanReport = {
  ...sampleReport,
  drop: '/srv/drops/clean',
  chunks: chunks.slice(0, 1),
  problems: [],
  summary: {
    ...sampleReport.summary,
    chunks: 1,
    tables: 2,
    rows: 1246,
    problems: 0,
    errors: 0,
    warnings: 0,
    infos: 0,
    hwmTo: 200074,
    lastCreatedTs: 1468345485,
  },
};
