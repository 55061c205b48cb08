// The table browser on a bulk drop through `drop-inspector rows`: a record type in one request
// (both sections' files of a request read as one table), across all requests in time order,
// and merged by its id column (later requests win) — exactly the generator's truth.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBulkDrop, type BulkDropManifest } from '../fixtures/bulk-drop';
import { removeDir, tempDir } from '../engine/harness';

const CLI = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'out/cli/drop-inspector.mjs');
let work: string;
let m: BulkDropManifest;

interface RowsDoc {
  columns: string[];
  totalRows: number;
  rows: string[][];
  stderr: string;
}
function rows(args: string[]): RowsDoc {
  const r = spawnSync(
    process.execPath,
    [CLI, 'rows', m.root, ...args, '--json', '--catalog', path.join(work, 'c.sqlite')],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`rows failed (${r.status}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<RowsDoc, 'stderr'>), stderr: r.stderr };
}

beforeAll(async () => {
  work = tempDir('di-bulk-rows-');
  m = await writeBulkDrop(path.join(work, 'drop'), { seed: 45, requests: 4, defects: ['second-section'] });
});
afterAll(() => removeDir(work));

describe('bulk tables', () => {
  it("one request: a record type, its sections' files together", () => {
    const sectioned = m.chunks.find((c) => c.defect === 'second-section')!;
    const d = rows(['session', '--chunk', sectioned.name, '--limit', '1000']);
    expect(d.totalRows).toBe(sectioned.tables.session);
    expect(d.columns).toContain('app_version');
    const page = rows(['page', '--chunk', m.chunks[0].name, '--limit', '1']);
    expect(page.totalRows).toBe(m.chunks[0].tables.page);
    expect(page.columns).toEqual(['page_id', 'session_id', 'time', 'url', 'load_ms']);
  });
  it('all requests, concatenated in time order', () => {
    const d = rows(['session', '--limit', '100000']);
    expect(d.totalRows).toBe(m.totals.session);
    const order = [...new Set(d.rows.map((r) => r[0]))];
    expect(order).toEqual(m.chunks.map((c) => c.name));
  });
  it('merged by the id column: each session once, the later request winning', () => {
    const d = rows(['session', '--merged', '--limit', '100000']);
    expect(d.totalRows).toBe(m.merged.session);
    const id = d.columns.indexOf('session_id');
    expect(new Set(d.rows.map((r) => r[id])).size).toBe(m.merged.session);
    expect(rows(['error', '--merged', '--limit', '1']).totalRows).toBe(m.merged.error);
  });
});
