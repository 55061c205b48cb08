// Issue 11, small and fast: the typed analysis store (types verified per cell, exact text
// kept), typed sorts against the text order, the top-N first page against the full sort,
// statistics on typed columns, the DuckDB export against the truth, the CLI's view flags
// and `stats`, and DuckDB's resource failures as 'too-large' errors.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { rowsCommand } from '../../src/cli/rows-command';
import { statsCommand } from '../../src/cli/stats-command';
import { parseFilter, parseSort, parseView } from '../../src/cli/view-args';
import { EngineError } from '../../src/engine/model';
import { closeDuck, duckMemoryDefault, queryRows, translateDuckError, withConnection } from '../../src/engine/tables/duck';
import { readSegmentInfo } from '../../src/engine/tables/store-schema';
import { TableService } from '../../src/engine/tables/table-service';
import { pruneStats } from '../../src/engine/tables/branch-prune';
import { exportSplit } from '../../src/engine/tables/export-split';
import { topNStats } from '../../src/engine/tables/top-n';
import type { FilterSpec } from '../../src/shared/table-api';
import { removeDir, scan, tempDir, type Scanned } from '../engine/harness';
import { chunkName, writeCustomDrop } from './custom-drop';

let work: string;
let scanned: Scanned;
let svc: TableService;
const drop = (): string => path.join(work, 'drop');

// N rows: ID 1..N (BIGINT), AMOUNT whole and decimal numbers (DOUBLE), PADDED numbers with
// leading zeros after the sample's first 20,000 rows (text: "07" is not 7), WHEN timestamps,
// NAME text, CODE integers with one "N/A" after the sample (text, and not numeric). Chunk 0
// holds rows 1..22,000 (both late surprises), chunk 1 the rest (none).
const N = 24_000;
function table(): Buffer {
  const lines = ['ID,AMOUNT,PADDED,WHEN,NAME,CODE'];
  for (let i = 1; i <= N; i++) {
    const amount = i % 7 === 0 ? '' : ((i * 37) % 1000) / 4 + 0.5;
    const padded = i > 20_500 && i <= 22_000 && i % 5 === 0 ? `0${i % 9}` : String(i % 9);
    const when = `2024-0${1 + (i % 9)}-1${i % 10} 0${i % 10}:${String(i % 60).padStart(2, '0')}:00`;
    const name = i % 11 === 0 ? '' : `name ${String.fromCharCode(97 + (i % 26))}${i % 13}`;
    const code = i === 21_000 ? 'N/A' : String((i * 7919) % 5000);
    lines.push([i, amount, padded, when, name, code].join(','));
  }
  return Buffer.from(lines.join('\n') + '\n');
}
let rows: string[][];
const COL = { ID: 0, AMOUNT: 1, PADDED: 2, WHEN: 3, NAME: 4, CODE: 5 };

beforeAll(async () => {
  work = tempDir('di-scale-');
  const data = table();
  rows = data
    .toString()
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  await writeCustomDrop(drop(), [
    { members: { 'facts.csv': data.subarray(0, data.indexOf('\n22001,') + 1) } },
    {
      members: {
        'facts.csv': Buffer.concat([Buffer.from('ID,AMOUNT,PADDED,WHEN,NAME,CODE\n'), data.subarray(data.indexOf('\n22001,') + 1)]),
        'broken.csv': Buffer.from('A,B\n1,x\n2,y,extra\n3,"q""uote"\n'),
      },
    },
  ]);
  scanned = await scan(drop());
  svc = new TableService({ catalog: scanned.catalog, cacheDir: path.join(work, 'cache'), workers: 1 });
});

const splitMinRows = exportSplit.minRows;
afterEach(() => {
  exportSplit.minRows = splitMinRows;
});

afterAll(async () => {
  await svc?.close();
  await closeDuck();
  scanned?.catalog.close();
  removeDir(work);
});

/** Rows of the truth (no chunk column) sorted like the engine: empty last, ties in natural order. */
function sortedTruth(col: number, cmp: (a: string, b: string) => number, desc = false): string[][] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = a.r[col];
      const y = b.r[col];
      if ((x === '') !== (y === '')) return x === '' ? 1 : -1;
      const c = x === '' ? 0 : cmp(x, y) * (desc ? -1 : 1);
      return c || a.i - b.i;
    })
    .map((x) => x.r);
}
const byNumber = (a: string, b: string): number => Number(a) - Number(b);
const byCodePoint = (a: string, b: string): number => (Buffer.compare(Buffer.from(a), Buffer.from(b)) as number);

async function page(handle: string, req: Parameters<TableService['getRows']>[1]): Promise<string[][]> {
  return (await svc.getRows(handle, req)).rows.map((r) => r.slice(1));
}

describe('the typed analysis store', () => {
  it('stores numbers and times in their types only where every cell reads back exactly', async () => {
    const h = await svc.openTable(drop(), { table: 'facts', scope: 'all' });
    await svc.getRows(h.handle, { offset: 0, limit: 1, sort: { column: 'ID' } });
    const base = path.join(work, 'cache', 'e');
    const infos = readdirSync(base)
      .filter((n) => !n.startsWith('.'))
      .map((n) => ({ dir: path.join(base, n), meta: JSON.parse(readFileSync(path.join(base, n, 'meta.json'), 'utf8')) }))
      .filter((e) => e.meta.source.member === 'facts.csv')
      .sort((a, b) => (a.meta.source.archive.includes(chunkName(0)) ? -1 : b.meta.source.archive.includes(chunkName(0)) ? 1 : 0))
      .map((e) => readSegmentInfo(e.dir, 0, 6));
    expect(infos).toHaveLength(2);
    const [first, second] = infos;
    // Chunk 0's PADDED has "07" after 20,500 plain digits (the sample says BIGINT, the cells
    // say no), and CODE one "N/A": both are written again as text; CODE is then not numeric.
    expect(first.types).toEqual(['BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'VARCHAR', 'VARCHAR']);
    expect(first.numeric[COL.PADDED]).toBe(true);
    expect(first.numeric[COL.CODE]).toBe(false);
    expect(second.types).toEqual(['BIGINT', 'DOUBLE', 'BIGINT', 'TIMESTAMP', 'VARCHAR', 'BIGINT']);
    // Every cell still reads as its exact text, through the store as through the cache.
    const all = await svc.getRows(h.handle, { offset: 0, limit: N, filter: [{ column: 'ID', op: 'gte', value: '1' }] });
    expect(all.rows.map((r) => r.slice(1))).toEqual(rows);
    await svc.closeTable(h.handle);
  });

  it('sorts typed numbers as numbers and as text when asked; times and text by their text', async () => {
    const h = await svc.openTable(drop(), { table: 'facts', scope: 'all' });
    const at = async (column: string, as: 'auto' | 'text' | 'number', desc = false): Promise<string[][]> => [
      ...(await page(h.handle, { offset: 0, limit: 50, sort: { column, as, desc } })),
      ...(await page(h.handle, { offset: N - 50, limit: 50, sort: { column, as, desc } })),
    ];
    const ends = (t: string[][]): string[][] => [...t.slice(0, 50), ...t.slice(N - 50)];
    expect(await at('AMOUNT', 'auto')).toEqual(ends(sortedTruth(COL.AMOUNT, byNumber)));
    expect(await at('AMOUNT', 'auto', true)).toEqual(ends(sortedTruth(COL.AMOUNT, byNumber, true)));
    expect(await at('ID', 'text')).toEqual(ends(sortedTruth(COL.ID, byCodePoint)));
    expect(await at('WHEN', 'auto')).toEqual(ends(sortedTruth(COL.WHEN, byCodePoint)));
    // PADDED: text in one chunk, typed in the other; the scope reads it as text, still numeric.
    expect(await at('PADDED', 'auto')).toEqual(ends(sortedTruth(COL.PADDED, byNumber)));
    // CODE holds "N/A": not numeric, so 'auto' is code-point order.
    expect(await at('CODE', 'auto')).toEqual(ends(sortedTruth(COL.CODE, byCodePoint)));
    expect(await at('NAME', 'auto', true)).toEqual(ends(sortedTruth(COL.NAME, byCodePoint, true)));
    await svc.closeTable(h.handle);
  });

  it('the top-N first pages equal the full sort, which later pages reuse', async () => {
    const h = await svc.openTable(drop(), { table: 'facts', scope: 'all' });
    const sort = { column: 'AMOUNT', desc: true };
    const head = await svc.getRows(h.handle, { offset: 100, limit: 200, sort, thenBy: [{ column: 'NAME' }] });
    expect(head.totalRows).toBe(N);
    // Far in (past the top-N bound): the full sort's positions; then the head again from them.
    const far = await svc.getRows(h.handle, { offset: 20_000, limit: 10, sort, thenBy: [{ column: 'NAME' }] });
    const again = await svc.getRows(h.handle, { offset: 100, limit: 200, sort, thenBy: [{ column: 'NAME' }] });
    expect(again.rowNumbers).toEqual(head.rowNumbers);
    const truth = rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) => {
        const x = a.r[COL.AMOUNT];
        const y = b.r[COL.AMOUNT];
        if ((x === '') !== (y === '')) return x === '' ? 1 : -1;
        const n = x === '' ? 0 : Number(y) - Number(x);
        const nx = a.r[COL.NAME];
        const ny = b.r[COL.NAME];
        const t = (nx === '') !== (ny === '') ? (nx === '' ? 1 : -1) : byCodePoint(nx, ny);
        return n || t || a.i - b.i;
      });
    expect(head.rowNumbers).toEqual(truth.slice(100, 300).map((x) => x.i));
    expect(far.rowNumbers).toEqual(truth.slice(20_000, 20_010).map((x) => x.i));
    // A filtered sort's head counts the view's rows.
    const f = await svc.getRows(h.handle, { offset: 0, limit: 5, sort: { column: 'ID', desc: true }, filter: [{ column: 'NAME', op: 'empty' }] });
    expect(f.totalRows).toBe(rows.filter((r) => r[COL.NAME] === '').length);
    expect(f.rows[0][1]).toBe(String(rows.filter((r) => r[COL.NAME] === '').at(-1)![0]));
    await svc.closeTable(h.handle);
  });

  it('a first page merged from the stores\' heads or bounded from one store equals the full sort: ties, empties, both directions, filters', async () => {
    // kept: the stores the bounded query read (a store whose least id, greatest descending,
    // is beyond the bound is left out).
    // heads: merged from the stores' recorded heads, no query (a first page of at most
    // HEAD_ROWS rows, by one typed column, unfiltered); the others are past them.
    type Case = { sort: { column: string; desc?: boolean }; offset: number; limit: number; filter?: FilterSpec[]; keep?: (r: string[]) => boolean; bounded: boolean; heads?: boolean; branch?: number; kept?: number };
    const cases: Case[] = [
      { sort: { column: 'ID' }, offset: 0, limit: 100, bounded: false, heads: true },
      { sort: { column: 'ID', desc: true }, offset: 0, limit: 100, bounded: false, heads: true },
      // Ties: ~24 rows per AMOUNT, ~133 per WHEN (in both stores), in position order.
      { sort: { column: 'AMOUNT' }, offset: 0, limit: 100, bounded: false, heads: true },
      { sort: { column: 'WHEN' }, offset: 0, limit: 100, bounded: false, heads: true },
      { sort: { column: 'WHEN', desc: true }, offset: 56, limit: 200, bounded: false, heads: true },
      { sort: { column: 'ID' }, offset: 200, limit: 100, bounded: true, branch: 0, kept: 1 },
      // Chunk 1 holds the greatest ids but only 2,000 rows: the bound comes from chunk 0.
      { sort: { column: 'ID', desc: true }, offset: 9_900, limit: 100, bounded: true, branch: 0, kept: 2 },
      // Bounded from the store its first page lies in (chunk 1: the greatest ids).
      { sort: { column: 'ID', desc: true }, offset: 200, limit: 100, bounded: true, branch: 1, kept: 1 },
      // The bound is chunk 1's least id (its 2,000 rows are the first page), one above chunk
      // 0's greatest; a row more and chunk 0 bounds it, and both are read.
      { sort: { column: 'ID', desc: true }, offset: 1_900, limit: 100, bounded: true, branch: 1, kept: 1 },
      { sort: { column: 'ID', desc: true }, offset: 1_900, limit: 101, bounded: true, branch: 0, kept: 2 },
      // DOUBLE with ~24 rows per value and every 7th cell empty.
      { sort: { column: 'AMOUNT' }, offset: 9_000, limit: 1_000, bounded: true, kept: 2 },
      { sort: { column: 'AMOUNT', desc: true }, offset: 0, limit: 300, bounded: true, kept: 2 },
      { sort: { column: 'WHEN', desc: true }, offset: 400, limit: 100, bounded: true, kept: 2 },
      { sort: { column: 'ID', desc: true }, offset: 0, limit: 100, filter: [{ column: 'NAME', op: 'contains', value: 'a' }], keep: (r) => r[COL.NAME].includes('a'), bounded: true, kept: 1 },
      // The store with the most keys holds only 10 rows of the view: no bound, same answer.
      { sort: { column: 'ID' }, offset: 0, limit: 100, filter: [{ column: 'ID', op: 'gt', value: '21990' }], keep: (r) => Number(r[COL.ID]) > 21990, bounded: false },
      // Text keys, empty cells last in both directions; numeric text ('auto': numbers) is not bounded.
      { sort: { column: 'NAME' }, offset: 0, limit: 100, bounded: true },
      { sort: { column: 'NAME', desc: true }, offset: 0, limit: 500, bounded: true },
      { sort: { column: 'NAME' }, offset: 300, limit: 100, filter: [{ column: 'NAME', op: 'contains', value: 'e' }], keep: (r) => r[COL.NAME].includes('e'), bounded: true },
      { sort: { column: 'PADDED' }, offset: 0, limit: 100, bounded: false },
    ];
    exportSplit.minRows = 1000; // cut into runs, inside a store where the cut falls
    for (const c of cases) {
      const h = await svc.openTable(drop(), { table: 'facts', scope: 'all' });
      const before = topNStats.bounded;
      const merged = topNStats.fromHeads;
      const got = await svc.getRows(h.handle, { offset: c.offset, limit: c.limit, sort: c.sort, filter: c.filter });
      expect(topNStats.bounded - before, JSON.stringify(c)).toBe(c.bounded ? 1 : 0);
      expect(topNStats.fromHeads - merged, JSON.stringify(c)).toBe(c.heads ? 1 : 0);
      if (c.branch !== undefined) expect(topNStats.lastBranch, JSON.stringify(c)).toBe(c.branch);
      if (c.kept !== undefined) expect(topNStats.lastKept, JSON.stringify(c)).toBe(c.kept);
      const col = COL[c.sort.column as keyof typeof COL];
      const cmp = c.sort.column === 'WHEN' || c.sort.column === 'NAME' ? byCodePoint : byNumber;
      const truth = rows
        .map((r, i) => ({ r, i }))
        .filter((x) => !c.keep || c.keep(x.r))
        .sort((a, b) => {
          const x = a.r[col];
          const y = b.r[col];
          if ((x === '') !== (y === '')) return x === '' ? 1 : -1;
          return (x === '' ? 0 : cmp(x, y) * (c.sort.desc ? -1 : 1)) || a.i - b.i;
        });
      expect(got.totalRows, JSON.stringify(c)).toBe(truth.length);
      expect(got.rowNumbers, JSON.stringify(c)).toEqual(truth.slice(c.offset, c.offset + c.limit).map((x) => x.i));
      await svc.closeTable(h.handle);
    }
  });

  it('statistics of typed columns: exact min/max text, numeric histogram; filters on typed columns', async () => {
    const h = await svc.openTable(drop(), { table: 'facts', scope: { chunk: chunkName(0) } });
    const first = rows.slice(0, 22_000);
    const amounts = first.map((r) => r[COL.AMOUNT]).filter((v) => v !== '');
    const s = await svc.columnStats(h.handle, 'AMOUNT');
    expect(s).toMatchObject({ rows: 22_000, empty: 22_000 - amounts.length, kind: 'number', distinct: new Set(amounts).size });
    expect(s.min).toBe(amounts.reduce((a, b) => (Number(b) < Number(a) ? b : a)));
    expect(s.max).toBe(amounts.reduce((a, b) => (Number(b) > Number(a) ? b : a)));
    expect(s.histogram!.reduce((n, b) => n + b.count, 0)).toBe(amounts.length);
    const w = await svc.columnStats(h.handle, 'WHEN');
    expect(w.kind).toBe('time');
    expect(w.min).toBe(first.map((r) => r[COL.WHEN]).sort()[0]);
    const eq = await svc.getRows(h.handle, { offset: 0, limit: 5, filter: [{ column: 'ID', op: 'equals', value: '77' }] });
    expect(eq.rows).toEqual([rows[76]]);
    // A search for letters skips the typed columns; digits find them.
    const letters = await svc.getRows(h.handle, { offset: 0, limit: 1, search: 'NAME B1' });
    expect(letters.totalRows).toBe(first.filter((r) => r[COL.NAME].includes('name b1')).length);
    const digits = await svc.getRows(h.handle, { offset: 0, limit: 1, search: '1999' });
    expect(digits.totalRows).toBe(first.filter((r) => r.some((c) => c.includes('1999'))).length);
    expect(digits.totalRows).toBeGreaterThan(10);
    await svc.closeTable(h.handle);
  });

  it('exports a view by DuckDB (exact cells), and a table with malformed rows by the row path', async () => {
    const h = await svc.openTable(drop(), { table: 'facts', scope: 'all' });
    const file = path.join(work, 'view.csv');
    const view = { sort: { column: 'CODE' }, filter: [{ column: 'NAME', op: 'contains' as const, value: 'name a' }] };
    const res = await svc.exportView(h.handle, view, file);
    const back = Papa.parse<string[]>(readFileSync(file, 'utf8'), { skipEmptyLines: false }).data;
    expect(back[0]).toEqual(['_chunk', 'ID', 'AMOUNT', 'PADDED', 'WHEN', 'NAME', 'CODE']);
    const expected = await svc.getRows(h.handle, { ...view, offset: 0, limit: 100_000 });
    expect(back.slice(1, -1)).toEqual(expected.rows);
    expect(res.rows).toBe(expected.rows.length);
    expect(readFileSync(file, 'utf8').endsWith('\r\n')).toBe(true);
    const b = await svc.openTable(drop(), { table: 'broken', scope: { chunk: chunkName(1) } });
    await svc.exportView(b.handle, {}, path.join(work, 'broken.csv'));
    expect(readFileSync(path.join(work, 'broken.csv'), 'utf8')).toBe('A,B\r\n1,x\r\n2,y,extra\r\n3,"q""uote"\r\n');
  });

  it('a natural-order export runs on one thread (two at once too), in order, and the threads come back', async () => {
    // Cut into runs written at once (export-split.ts) as a 1M-row view is: lowered to these rows.
    exportSplit.minRows = 1000;
    const threads = async (): Promise<string> => String((await withConnection({}, (con) => queryRows(con, "SELECT current_setting('threads')")))[0][0]);
    const before = await threads();
    const h = await svc.openTable(drop(), { table: 'facts', scope: 'all' });
    const files = [path.join(work, 'n1.csv'), path.join(work, 'n2.csv')];
    const views = [{ filter: [{ column: 'AMOUNT', op: 'not-empty' as const }] }, {}];
    // Both across the two chunks' stores; one starts while the other runs.
    const done = await Promise.all(views.map((v, i) => svc.exportView(h.handle, v, files[i])));
    expect(exportSplit.lastRuns).toBe(2);
    const back = files.map((f) => Papa.parse<string[]>(readFileSync(f, 'utf8'), { skipEmptyLines: true }).data.slice(1).map((r) => r.slice(1)));
    expect(back[0]).toEqual(rows.filter((r) => r[COL.AMOUNT] !== ''));
    expect(back[1]).toEqual(rows);
    expect(done.map((d) => d.rows)).toEqual([back[0].length, N]);
    expect(await threads()).toBe(before);
    // Nothing is left beside the targets.
    expect(readdirSync(work).filter((n) => n.endsWith('.part'))).toEqual([]);
    await svc.closeTable(h.handle);
  });

  it('a range filter on a typed column reads only the stores that can hold its rows, with the same answer', async () => {
    // Chunk 0 holds ids 1..22,000, chunk 1 22,001..24,000: each filter rules out one chunk,
    // both, or neither (a text comparison is never pruned).
    // runs: a view that is not range-only is cut by its stores' rows (24,000), not its own.
    const cases: Array<{ filter: FilterSpec[]; keep: (r: string[]) => boolean; stores: number; runs?: number }> = [
      { filter: [{ column: 'ID', op: 'lte', value: '100' }], keep: (r) => Number(r[0]) <= 100, stores: 1 },
      { filter: [{ column: 'ID', op: 'gt', value: '22000' }], keep: (r) => Number(r[0]) > 22_000, stores: 1 },
      { filter: [{ column: 'ID', op: 'gte', value: '22000' }], keep: (r) => Number(r[0]) >= 22_000, stores: 2 },
      { filter: [{ column: 'ID', op: 'gt', value: '24000' }], keep: () => false, stores: 0 },
      { filter: [{ column: 'ID', op: 'lt', value: '22001' }, { column: 'AMOUNT', op: 'gte', value: '0' }], keep: (r) => Number(r[0]) < 22_001 && r[1] !== '', stores: 1 },
      { filter: [{ column: 'NAME', op: 'gt', value: 'name z' }], keep: (r) => r[4] !== '' && r[4] > 'name z', stores: 2, runs: 2 },
    ];
    exportSplit.minRows = 1000; // cut into runs, inside a store where the cut falls
    for (const c of cases) {
      const h = await svc.openTable(drop(), { table: 'facts', scope: 'all' });
      const truth = rows.filter(c.keep);
      const file = path.join(work, 'range.csv');
      const res = await svc.exportView(h.handle, { filter: c.filter }, file);
      expect(pruneStats.lastBranches, JSON.stringify(c)).toBe(c.stores);
      expect(exportSplit.lastRuns, JSON.stringify(c)).toBe(c.runs ?? (truth.length >= 1000 ? 2 : 1));
      const back = Papa.parse<string[]>(readFileSync(file, 'utf8'), { skipEmptyLines: true }).data;
      expect(res.rows, JSON.stringify(c)).toBe(truth.length);
      expect(back.slice(1).map((r) => r.slice(1)), JSON.stringify(c)).toEqual(truth);
      const page = await svc.getRows(h.handle, { offset: 0, limit: 50, filter: c.filter, sort: { column: 'ID', desc: true } });
      expect(page.totalRows, JSON.stringify(c)).toBe(truth.length);
      expect(page.rows.map((r) => r.slice(1)), JSON.stringify(c)).toEqual(truth.slice().reverse().slice(0, 50));
      await svc.closeTable(h.handle);
    }
  });
});

describe('DuckDB resource failures', () => {
  it('memory is sized from the machine: an eighth, between 256 MiB and 2 GiB', () => {
    expect(duckMemoryDefault(1024 ** 3)).toBe('256MB');
    expect(duckMemoryDefault(8 * 1024 ** 3)).toBe('1024MB');
    expect(duckMemoryDefault(64 * 1024 ** 3)).toBe('2048MB');
  });

  it('out of memory and out of spill space are too-large errors naming the limit, never internal', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:', { memory_limit: '4MB', threads: '1' });
    const con = await inst.connect();
    let caught: unknown;
    try {
      await con.run('SELECT list(range) FROM range(5000000)');
    } catch (e) {
      caught = e;
    } finally {
      con.closeSync();
      inst.closeSync();
    }
    expect(String(caught)).toMatch(/Out of Memory/i);
    const e = translateDuckError(caught, 'query', 'sorting T by X') as EngineError;
    expect(e).toBeInstanceOf(EngineError);
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/^sorting T by X needs more memory than the table engine may use \(\d+MB, spilling to .+\): .*DROP_INSPECTOR_DUCKDB_MEMORY/);
    const disk = translateDuckError(new Error('IO Error: No space left on device'), 'query') as EngineError;
    expect(disk.code).toBe('too-large');
    const other = new Error('Binder Error: something else');
    expect(translateDuckError(other, 'query')).toBe(other);
  });
});

describe('the CLI reaches the views: rows --sort/--search/--filter, stats', () => {
  let out: string[];
  let err: string[];
  const saved = process.env.DROP_INSPECTOR_CACHE;
  beforeEach(() => {
    process.env.DROP_INSPECTOR_CACHE = path.join(work, 'cli-cache');
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env.DROP_INSPECTOR_CACHE;
    else process.env.DROP_INSPECTOR_CACHE = saved;
  });
  const catalog = (): string => path.join(work, 'cli-catalog.sqlite');

  it('parses sorts and filters as the grid means them', () => {
    expect(parseSort('START_TS:desc')).toEqual({ column: 'START_TS', desc: true });
    expect(parseSort('A:B')).toEqual({ column: 'A:B', desc: false });
    expect(parseFilter('MEDIA_TYPE_KEY >= 2')).toEqual({ column: 'MEDIA_TYPE_KEY', op: 'gte', value: '2' });
    expect(parseFilter('SUBJECT contains a = b')).toEqual({ column: 'SUBJECT', op: 'contains', value: 'a = b' });
    expect(parseFilter('* ~ smith')).toEqual({ op: 'contains', value: 'smith' });
    expect(parseFilter('NAME empty')).toEqual({ column: 'NAME', op: 'empty' });
    expect(parseFilter('malformed')).toEqual({ op: 'malformed' });
    expect(() => parseFilter('NAME zz')).toThrow(/COLUMN OP VALUE/);
    expect(() => parseFilter('NAME >')).toThrow(/needs a value/);
    expect(parseView({ sort: ['A', 'B:desc'], search: 'x' })).toEqual({
      sort: { column: 'A', desc: false },
      thenBy: [{ column: 'B', desc: true }],
      search: 'x',
    });
  });

  it('rows --sort --filter --json gives the grid\'s view', async () => {
    const code = await rowsCommand([drop(), 'facts'], {
      catalog: catalog(),
      json: true,
      sort: ['AMOUNT:desc', 'ID'],
      filter: ['CODE < 100', 'NAME ~ B'],
      limit: '20',
    });
    expect(code).toBe(0);
    const doc = JSON.parse(out.join(''));
    // CODE holds "N/A": not numeric, so < compares text (the grid's rule for such columns).
    expect(doc.totalRows).toBeGreaterThan(0);
    expect(doc.rows.map((r: string[]) => r.slice(1))).toEqual(
      rows
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r[COL.CODE] !== '' && r[COL.CODE] < '100' && r[COL.NAME].toLowerCase().includes('b'))
        .sort((a, b) => {
          const x = a.r[COL.AMOUNT];
          const y = b.r[COL.AMOUNT];
          if ((x === '') !== (y === '')) return x === '' ? 1 : -1;
          return (x === '' ? 0 : Number(y) - Number(x)) || Number(a.r[0]) - Number(b.r[0]);
        })
        .slice(0, 20)
        .map((x) => x.r),
    );
  });

  it('stats --json prints the ColumnStats document; a wrong column is a clear error', async () => {
    expect(await statsCommand([drop(), 'facts'], { catalog: catalog(), column: 'ID', json: true, search: 'name a' })).toBe(0);
    const s = JSON.parse(out.join(''));
    const hits = rows.filter((r) => r.some((c) => c.toLowerCase().includes('name a')));
    expect(s).toMatchObject({ column: 'ID', kind: 'number', rows: hits.length, empty: 0, distinct: hits.length });
    expect(s.min).toBe(hits[0][0]);
    out.length = 0;
    expect(await statsCommand([drop(), 'facts'], { catalog: catalog(), column: 'NAME', chunk: chunkName(1) })).toBe(0);
    expect(out.join('')).toMatch(/^facts\.NAME: text\n {2}rows {6}2000\n/);
    await expect(statsCommand([drop(), 'facts'], { catalog: catalog(), column: 'NOPE' })).rejects.toThrow(
      /no column "NOPE" in facts/,
    );
    await expect(rowsCommand([drop(), 'facts'], { catalog: catalog(), sort: ['NOPE'] })).rejects.toMatchObject({
      code: 'bad-request',
    });
  });
});
