// `drop-inspector rows`: the JSON document (columns, offset, totalRows, rows with every cell
// a string as decoded), --csv, --chunk / --merged, scanning an unknown drop first.
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { rowsCommand, type RowsValues } from '../../src/cli/rows-command';
import { closeDuck } from '../../src/engine/tables/analysis';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from '../engine/harness';
import { concatenated, truthOf } from './truth';

let work: string;
let m: GimDropManifest;
let out: string[];
let err: string[];
const savedCache = process.env.DROP_INSPECTOR_CACHE;

beforeAll(async () => {
  work = tempDir('di-rows-cli-');
  m = await writeGimDrop(path.join(work, 'drop'), {
    seed: 51,
    chunks: 3,
    rowsPerTable: 30,
    tables: ['interaction_fact', 'gidb_gc_skill'],
    absentEvery: 0,
  });
  process.env.DROP_INSPECTOR_CACHE = path.join(work, 'cache');
});

afterAll(async () => {
  if (savedCache === undefined) delete process.env.DROP_INSPECTOR_CACHE;
  else process.env.DROP_INSPECTOR_CACHE = savedCache;
  await closeDuck();
  removeDir(work);
});

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (s: string | Uint8Array) => (out.push(String(s)), true),
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(
    (s: string | Uint8Array) => (err.push(String(s)), true),
  );
});
afterEach(() => vi.restoreAllMocks());

const run = (args: string[], values: RowsValues): Promise<number> =>
  rowsCommand(args, { catalog: path.join(work, 'catalog.sqlite'), ...values });

describe('drop-inspector rows', () => {
  it('--json: one document; scans a drop the catalog does not know first', async () => {
    const truth = concatenated(await truthOf(m, 'interaction_fact'));
    expect(await run([m.root, 'interaction_fact'], { json: true, offset: '25', limit: '40' })).toBe(0);
    const doc = JSON.parse(out.join(''));
    expect(Object.keys(doc)).toEqual(['columns', 'offset', 'totalRows', 'rows']);
    expect(doc.columns).toEqual(truth.columns);
    expect(doc.offset).toBe(25);
    expect(doc.totalRows).toBe(truth.rows.length);
    expect(doc.rows).toEqual(truth.rows.slice(25, 65));
    for (const r of doc.rows) for (const c of r) expect(typeof c).toBe('string');
  });

  it('--chunk and --offset past the end', async () => {
    const truth = (await truthOf(m, 'interaction_fact'))[2];
    expect(
      await run([m.root, 'INTERACTION_FACT.csv'], {
        json: true,
        chunk: truth.chunk,
        offset: '3',
        limit: '4',
      }),
    ).toBe(0);
    const doc = JSON.parse(out.join(''));
    expect(doc).toEqual({
      columns: truth.header,
      offset: 3,
      totalRows: truth.rows.length,
      rows: truth.rows.slice(3, 7),
    });
    out = [];
    await run([m.root, 'interaction_fact'], { json: true, chunk: truth.chunk, offset: '1000' });
    expect(JSON.parse(out.join(''))).toMatchObject({ offset: 1000, totalRows: truth.rows.length, rows: [] });
  });

  it('--merged: totalRows is the merged count; the key is told on stderr', async () => {
    const parts = await truthOf(m, 'gidb_gc_skill');
    const ids = new Set(parts.flatMap((p) => p.rows.map((r) => r[0])));
    expect(await run([m.root, 'gidb_gc_skill'], { merged: true, json: true, limit: '1000' })).toBe(0);
    const doc = JSON.parse(out.join(''));
    expect(doc.totalRows).toBe(ids.size);
    expect(doc.rows.length).toBe(ids.size);
    expect(new Set(doc.rows.map((r: string[]) => r[1]))).toEqual(ids);
    expect(err.join('')).toMatch(/merged by ID \(unique-column\)/);
  });

  it('--csv writes RFC 4180 that reads back to the same cells; the default is a text table', async () => {
    const truth = concatenated(await truthOf(m, 'interaction_fact'));
    await run([m.root, 'interaction_fact'], { csv: true, limit: '20' });
    const back = Papa.parse<string[]>(out.join(''), { newline: '\r\n' }).data.filter((r) => r.length > 1);
    expect(back).toEqual([truth.columns, ...truth.rows.slice(0, 20)]);
    out = [];
    await run([m.root, 'interaction_fact'], { limit: '3' });
    expect(out.join('').split('\n')[0]).toMatch(/^#\s+_chunk\s+INTERACTION_ID/);
    expect(err.join('')).toMatch(/rows 1–3 of \d+ across 3 chunks/);
  });

  it('refuses bad arguments', async () => {
    await expect(run([m.root], {})).rejects.toThrow(/drop folder and a table/);
    await expect(run([m.root, 'interaction_fact'], { chunk: 'x', merged: true })).rejects.toThrow(/exclude/);
    await expect(run([m.root, 'interaction_fact'], { offset: '-1' })).rejects.toThrow(/whole number/);
    await expect(run([m.root, 'interaction_fact'], { encoding: 'ebcdic' })).rejects.toThrow(/--encoding/);
    await expect(run([m.root, 'nope'], {})).rejects.toThrow(/no table nope/);
    await expect(run([m.root, 'interaction_fact'], { chunk: 'export_nope' })).rejects.toThrow(/no chunk/);
  });
});
