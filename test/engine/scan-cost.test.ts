// What a scan costs per chunk, in structure rather than seconds (the machines are shared and
// noisy): catalog transactions and prepared statements, and what a re-scan reads back.
import fs, { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { reportJson } from '../../src/engine/report/build-report';
import type { ScanReport } from '../../src/shared/report';
import { discoverDrop } from '../../src/engine/drop-listing';
import { scanDrop } from '../../src/engine/scan';
import { inspectGimChunk } from '../../src/engine/formats/gim/inspect';
import { wholeReadCalls } from '../../src/engine/fs/read-whole';
import { vi } from 'vitest';
import { writeGimDrop } from '../fixtures/gim-drop';
import { freshDirs } from './harness';

const fresh = freshDirs('di-cost-');
const cadence = cadenceOf({ asOf: 4102444800 });

/** Counts the catalog's transactions and prepared statements (SQL text kept) while `fn` runs. */
async function counting<T>(catalog: Catalog, fn: () => Promise<T>): Promise<{ result: T; transactions: number; prepared: string[] }> {
  const db = catalog.db;
  const tx = db.transaction.bind(db);
  const prep = db.prepare.bind(db);
  let transactions = 0;
  const prepared: string[] = [];
  db.transaction = ((f: (...a: unknown[]) => unknown) => {
    const t = tx(f);
    return Object.assign((...a: unknown[]) => {
      transactions++;
      return t(...a);
    }, t);
  }) as typeof db.transaction;
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prep(sql);
  }) as typeof db.prepare;
  try {
    return { result: await fn(), transactions, prepared };
  } finally {
    db.transaction = tx;
    db.prepare = prep;
  }
}

describe('scan cost per chunk', () => {
  it('records chunks a batch per transaction, with statements prepared once, not per chunk', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 41, chunks: 12, rowsPerTable: 20 });
    const run = async (batch: { chunks: number; ms: number }, name: string) => {
      const catalog = new Catalog(path.join(work, name));
      try {
        return await counting(catalog, () => scanDrop(drop, { catalog, cadence, saveBatch: batch }));
      } finally {
        catalog.close();
      }
    };
    const perChunk = await run({ chunks: 1, ms: 0 }, 'one.sqlite');
    const batched = await run({ chunks: 4, ms: 60_000 }, 'four.sqlite');
    expect(perChunk.result.inspected).toBe(12);
    expect(batched.result.inspected).toBe(12);
    // Besides the saves, a scan has four transactions (entry problems, its end, and the two
    // reads of the summaries: each one read, with the chunks' stamp); removals have one when
    // there are any (none here).
    expect(perChunk.transactions).toBe(4 + 12);
    expect(batched.transactions).toBe(4 + 3);
    // The inserts (chunk, tables, problems, summary) are prepared once per catalog, however
    // many chunks and batches; so are the shared texts' statements.
    const inserts = (p: string[]) => p.filter((s) => /INSERT INTO (chunk|shared_texts)/.test(s)).length;
    expect(inserts(perChunk.prepared)).toBe(5);
    expect(inserts(batched.prepared)).toBe(5);
  });

  it('a re-scan reads back only the chunks that changed; the JSON report reuses what the scan loaded', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    const m = await writeGimDrop(drop, { seed: 42, chunks: 10, rowsPerTable: 20 });
    const catalog = new Catalog(path.join(work, 'catalog.sqlite'));
    // The JSON report as `scan --json` writes it (compact: from the stored entries, whatever the size).
    const report = (o: Awaited<ReturnType<typeof scanDrop>>): ScanReport => {
      const pieces = [...reportJson(catalog, o.drop, cadence, o.checked, { compact: true }).pieces];
      return JSON.parse(Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString()) as ScanReport;
    };
    try {
      const reads = (p: string[]) => p.filter((s) => /FROM chunks c .*WHERE c\.drop_id/.test(s));
      const first = await counting(catalog, async () => report(await scanDrop(drop, { catalog, cadence })));
      expect(first.result.chunks).toHaveLength(10);
      // One full read before anything is recorded (what is known), then the chunks the scan
      // recorded, by name, for the checks; the report reads nothing again.
      expect(reads(first.prepared)).toHaveLength(2);
      expect(reads(first.prepared)[0]).not.toMatch(/IN \(/);
      expect(reads(first.prepared)[1]).toMatch(/c\.name IN \((\?, ){9}\?\)/);
      // Summaries and entries, not records: never decoded from the rows of a current catalog.
      expect(reads(first.prepared).every((s) => /s\.summary/.test(s) && !/record/.test(s))).toBe(true);
      expect(first.prepared.filter((s) => /FROM chunk_tables/.test(s))).toEqual([]);

      const c = m.chunks[4];
      const xml = path.join(drop, c.dir, `${path.basename(c.dir)}.extracted.xml`);
      utimesSync(xml, new Date(), new Date());
      const again = await counting(catalog, async () => {
        const o = await scanDrop(drop, { catalog, cadence });
        return { o, report: report(o) };
      });
      expect(again.result.o).toMatchObject({ inspected: 1, reused: 9 });
      // Only the touched chunk is read back, by name.
      expect(reads(again.prepared)).toEqual([expect.stringMatching(/c\.name IN \(\?\)$/)]);
      expect(again.result.report.chunks.map((x) => x.name).sort()).toEqual(first.result.chunks.map((x) => x.name).sort());
      expect(again.result.report.summary).toEqual(first.result.summary);
    } finally {
      catalog.close();
    }
  });

  it('a record written by another process is seen (the kept records are dropped)', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    const m = await writeGimDrop(drop, { seed: 43, chunks: 4, rowsPerTable: 20 });
    const file = path.join(work, 'catalog.sqlite');
    const app = new Catalog(file);
    const cli = new Catalog(file);
    try {
      const o = await scanDrop(drop, { catalog: app, cadence });
      expect(app.loadChunks(o.dropId)).toHaveLength(4);
      cli.removeChunksExcept(o.dropId, new Set(m.chunks.slice(1).map((c) => c.name)));
      expect(app.loadChunks(o.dropId)).toHaveLength(3);
    } finally {
      app.close();
      cli.close();
    }
  });

  it('a worker reads a small chunk with a few synchronous calls: each file opened once, no asynchronous file operations', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 44, chunks: 3, rowsPerTable: 30 });
    const { chunks } = await discoverDrop(drop);
    const asyncOps = ['open', 'stat', 'lstat', 'readFile'].map((k) => vi.spyOn(fs.promises, k as 'open'));
    try {
      for (const c of chunks) {
        const files = [...Object.values(c.files), ...c.extraFiles].filter((f) => f);
        const before = wholeReadCalls.count;
        const r = await inspectGimChunk(c, { root: drop, verify: false, maxMemberBytes: 1 << 30, onBytes: () => undefined });
        expect(r.tables.length).toBeGreaterThan(0);
        expect(r.tables.every((t) => t.rows !== null && t.error === null)).toBe(true);
        expect(r.unstable).toBeFalsy();
        // open, fstat, read, close per file: the archive's SHA-1, directory and members from one read.
        expect(wholeReadCalls.count - before).toBe(4 * files.length);
      }
      for (const op of asyncOps) expect(op).not.toHaveBeenCalled();
    } finally {
      asyncOps.forEach((op) => op.mockRestore());
    }
  });

  it('a file that changes after the walk is seen by the fstat of its one read (file-changed, unstable)', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 45, chunks: 2, rowsPerTable: 30 });
    const { chunks } = await discoverDrop(drop);
    const c = chunks[0];
    const sum = c.files['zip-sha1']!;
    writeFileSync(path.join(drop, sum.rel), `${'0'.repeat(40)}  x.zip\n`);
    const r = await inspectGimChunk(c, { root: drop, verify: false, maxMemberBytes: 1 << 30, onBytes: () => undefined });
    expect(r.unstable).toBe(true);
    expect(r.problems.map((p) => p.kind)).toContain('file-changed');
  });
});
