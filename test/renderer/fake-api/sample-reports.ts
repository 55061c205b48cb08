// The reports the fake serves: the sample drop with one of each problem, and a big one for
// performance checks.
import type { Problem, ReportChunk, ScanReport } from '../../../src/shared/report';
import { BASE_COLUMNS, H8, T0, chunk, stamp, summarize, table, type ChunkSpec } from './report-build';

export const FAKE_DROP = '/drops/site-a';

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
