// A re-scan re-reads only what changed; --verify re-reads everything; a cancelled scan
// leaves the catalog consistent and the next scan completes it.
import { appendFileSync, cpSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { writeGimDrop } from '../fixtures/gim-drop';
import { writeExtractDrop } from '../fixtures/extract-drop';
import { extractsAdapter } from '../../src/engine/formats/extracts/discover';
import { removeDir, scan, tempDir } from './harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const fresh = (p = 'di-inc-'): string => {
  const d = tempDir(p);
  dirs.push(d);
  return d;
};

describe('incremental scans', () => {
  it('reuses unchanged chunks and re-reads new, grown, replaced and removed ones', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    const m = await writeGimDrop(drop, { seed: 4, chunks: 8 });
    const catalogFile = path.join(work, 'catalog.sqlite');

    const first = await scan(drop, { catalogFile });
    first.catalog.close();
    expect(first.outcome).toMatchObject({ chunks: 8, inspected: 8, reused: 0 });
    expect(first.outcome.threads).toBeGreaterThan(0);

    const again = await scan(drop, { catalogFile });
    again.catalog.close();
    expect(again.outcome).toMatchObject({ inspected: 0, reused: 8 });
    expect(again.report.chunks).toEqual(first.report.chunks);

    // A grown archive (appended bytes) is re-read and now fails its checksum.
    const c5 = m.chunks[5];
    const zip = path.join(drop, c5.dir, `${c5.name.startsWith('export_') ? path.basename(c5.dir) : c5.name}.zip`);
    appendFileSync(zip, Buffer.from('junk'));
    const grown = await scan(drop, { catalogFile });
    grown.catalog.close();
    expect(grown.outcome).toMatchObject({ inspected: 1, reused: 7 });
    expect(grown.report.problems.map((p) => `${p.kind}@${p.chunk}`)).toContain(`checksum-mismatch@${c5.name}`);

    // A touched file (same size, new mtime) counts as replaced.
    const c1 = m.chunks[1];
    const xml = path.join(drop, c1.dir, `${path.basename(c1.dir)}.extracted.xml`);
    utimesSync(xml, new Date(), new Date());
    const touched = await scan(drop, { catalogFile });
    touched.catalog.close();
    expect(touched.outcome).toMatchObject({ inspected: 1 });

    // A removed chunk disappears from the catalog (and leaves a gap).
    rmSync(path.join(drop, m.chunks[3].dir), { recursive: true });
    const removed = await scan(drop, { catalogFile });
    removed.catalog.close();
    expect(removed.outcome).toMatchObject({ inspected: 0, removed: 1, chunks: 7 });
    expect(removed.report.problems.map((p) => p.kind)).toContain('gap');

    // A new chunk is the only one read.
    const extra = fresh();
    const m2 = await writeGimDrop(extra, { seed: 4, chunks: 9 });
    cpSync(path.join(extra, m2.chunks[8].dir), path.join(drop, m2.chunks[8].dir), { recursive: true, preserveTimestamps: true });
    const added = await scan(drop, { catalogFile });
    added.catalog.close();
    expect(added.outcome).toMatchObject({ inspected: 1, chunks: 8 });
    // One small chunk is read on the scan's own thread, and recorded as a worker records it.
    expect(added.outcome.threads).toBe(0);
    const byWorkers = await scan(drop, { catalogFile: path.join(fresh(), 'catalog.sqlite') });
    byWorkers.catalog.close();
    expect(byWorkers.outcome).toMatchObject({ inspected: 8 });
    expect(byWorkers.outcome.threads).toBeGreaterThan(0);
    const entry = (r: typeof added, name: string) => ({ ...r.report.chunks.find((c) => c.name === name), scannedAt: null });
    expect(entry(added, m2.chunks[8].name)).toEqual(entry(byWorkers, m2.chunks[8].name));
    expect(entry(added, m2.chunks[8].name).tables?.length).toBeGreaterThan(0);

    const verified = await scan(drop, { catalogFile, verify: true });
    verified.catalog.close();
    expect(verified.outcome).toMatchObject({ inspected: 8, reused: 0 });
  });

  it("chunks an older release of the family's inspection recorded are read again, once", async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeExtractDrop(drop, { runs: 4 });
    const catalogFile = path.join(work, 'catalog.sqlite');
    const first = await scan(drop, { catalogFile });
    first.catalog.close();
    expect(first.outcome).toMatchObject({ inspected: 4, reused: 0 });
    expect(extractsAdapter.revision).toBeGreaterThan(1);
    // What an older release wrote: the same files' fingerprints without the revision.
    const db = new Database(catalogFile);
    const n = db.prepare(`UPDATE chunks SET fingerprint = replace(fingerprint, '|rev${extractsAdapter.revision}', '')`).run().changes;
    db.close();
    expect(n).toBe(4);
    const upgraded = await scan(drop, { catalogFile });
    upgraded.catalog.close();
    expect(upgraded.outcome).toMatchObject({ inspected: 4, reused: 0 });
    const again = await scan(drop, { catalogFile });
    again.catalog.close();
    expect(again.outcome).toMatchObject({ inspected: 0, reused: 4 });
  });

  it('a cancelled scan throws AbortError, keeps whole chunks only, and the next scan finishes the job', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 9, chunks: 12, rowsPerTable: 3000 });
    const catalogFile = path.join(work, 'catalog.sqlite');
    const controller = new AbortController();
    const { Catalog } = await import('../../src/engine/catalog/catalog');
    const { scanDrop } = await import('../../src/engine/scan');
    const { cadenceOf } = await import('../../src/engine/options');
    const catalog = new Catalog(catalogFile);
    let chunksSeen = 0;
    await expect(
      scanDrop(drop, {
        catalog,
        cadence: cadenceOf({}),
        signal: controller.signal,
        // One chunk a transaction, so the scan stops part-way whatever the machine's speed.
        saveBatch: { chunks: 1, ms: 0 },
        onRecorded: (names) => {
          chunksSeen += names.length;
          if (chunksSeen === 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const partial = catalog.loadChunks(catalog.drop(catalog.drop(drop)?.path ?? drop)!.id);
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(partial.length).toBeLessThan(12);
    for (const c of partial) expect(c.tables.length).toBeGreaterThan(0);
    catalog.close();

    const done = await scan(drop, { catalogFile });
    done.catalog.close();
    expect(done.outcome.reused).toBe(partial.length);
    expect(done.report.summary.chunks).toBe(12);
  });
});
