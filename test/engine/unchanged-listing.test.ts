// A re-scan that finds exactly the files of the last complete scan takes the family and the
// chunks recorded then (drop-listing.ts) instead of recognising and grouping the files again;
// anything that could make the catalog disagree with the files sends it the long way.
import { createHash } from 'node:crypto';
import { appendFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { buildReport } from '../../src/engine/report/build-report';
import { listingDigest } from '../../src/engine/drop-listing';
import type { FileEntry } from '../../src/engine/fs/walk';
import { scanDrop, type ScanOutcome } from '../../src/engine/scan';
import type { ReadOptions } from '../../src/engine/formats/types';
import { InlinePool } from '../../src/engine/workers/inline-pool';
import type { InspectPool } from '../../src/engine/workers/messages';
import type { ScanPool } from '../../src/engine/workers/pool';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { writeExtractDrop } from '../fixtures/extract-drop';
import { freshDirs } from './harness';

const fresh = freshDirs('di-listing-');
const cadence = cadenceOf({ asOf: 4102444800 });

/** A scan into the catalog file; `shortcut`: it took the recorded listing (no recognise phase). */
async function scanned(drop: string, file: string, opts: { verify?: boolean; read?: ReadOptions; signal?: AbortSignal; pool?: ScanPool } = {}) {
  const catalog = new Catalog(file);
  try {
    const outcome: ScanOutcome = await scanDrop(drop, { catalog, cadence, ...opts });
    const report = buildReport(catalog, outcome.drop, cadence);
    return { outcome, report, shortcut: outcome.timings.recognise === undefined, listing: catalog.dropListing(outcome.dropId) };
  } finally {
    catalog.close();
  }
}

const zipOf = (m: GimDropManifest, i: number): string => {
  const c = m.chunks[i];
  return path.join(m.root, c.dir, `${path.basename(c.dir)}.zip`);
};

describe('a re-scan of an unchanged listing', () => {
  it('takes the recorded family and chunks, and reports what the long way reports', async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 31, chunks: 6, defects: { 2: ['missing'], 4: ['checksum-mismatch'] } });
    const file = path.join(work, 'catalog.sqlite');
    const first = await scanned(m.root, file);
    expect(first.shortcut).toBe(false);
    expect(first.listing?.format).toBe('gim');
    const again = await scanned(m.root, file);
    expect(again.shortcut).toBe(true);
    expect(again.outcome).toMatchObject({ chunks: first.outcome.chunks, inspected: 0, reused: first.outcome.chunks, removed: 0, format: 'gim' });
    // The same document as a fresh catalog's long way (scan times aside).
    const long = await scanned(m.root, path.join(work, 'other.sqlite'));
    expect({ ...again.report, scannedAt: '' }).toEqual({ ...long.report, scannedAt: '' });
    expect(again.report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['gap', 'checksum-mismatch']));
  });

  it('goes the long way when a file changed, and reads only that chunk', async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 32, chunks: 5 });
    const file = path.join(work, 'catalog.sqlite');
    await scanned(m.root, file);
    utimesSync(zipOf(m, 1), new Date(), new Date(Date.now() - 5000));
    const touched = await scanned(m.root, file);
    expect(touched).toMatchObject({ shortcut: false, outcome: { inspected: 1 } });
    appendFileSync(zipOf(m, 3), 'junk');
    const grown = await scanned(m.root, file);
    expect(grown).toMatchObject({ shortcut: false, outcome: { inspected: 1 } });
    expect(grown.report.problems.map((p) => `${p.kind}@${p.chunk}`)).toContain(`checksum-mismatch@${m.chunks[3].name}`);
    // Then unchanged again: the shortcut, with the new chunk's result kept.
    const settled = await scanned(m.root, file);
    expect(settled.shortcut).toBe(true);
    expect(settled.report.problems.map((p) => `${p.kind}@${p.chunk}`)).toContain(`checksum-mismatch@${m.chunks[3].name}`);
  });

  it('goes the long way with --verify, with other read options, and for catalog chunks changed since', async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 33, chunks: 4 });
    const file = path.join(work, 'catalog.sqlite');
    await scanned(m.root, file);
    expect(await scanned(m.root, file, { verify: true })).toMatchObject({ shortcut: false, outcome: { inspected: 4 } });
    // Another dialect reads other results: every chunk again, then the shortcut under it.
    const read: ReadOptions = { dialect: { delimiter: ';' } };
    expect(await scanned(m.root, file, { read })).toMatchObject({ shortcut: false, outcome: { inspected: 4 } });
    expect(await scanned(m.root, file, { read })).toMatchObject({ shortcut: true, outcome: { inspected: 0 } });
    expect(await scanned(m.root, file)).toMatchObject({ shortcut: false, outcome: { inspected: 4 } });
    // A chunk removed from the catalog, or recorded unstable (a failed inspection, retried by
    // the next scan), since the listing was kept.
    const catalog = new Catalog(file);
    const id = catalog.drop(m.root)!.id;
    catalog.removeChunksExcept(id, new Set(m.chunks.slice(1).map((c) => c.name)));
    catalog.close();
    expect(await scanned(m.root, file)).toMatchObject({ shortcut: false, outcome: { inspected: 1 } });
    const db = new Catalog(file);
    db.db.prepare("UPDATE chunks SET fingerprint = 'unstable:' || fingerprint WHERE name = ?").run(m.chunks[2].name);
    db.close();
    expect(await scanned(m.root, file)).toMatchObject({ shortcut: false, outcome: { inspected: 1 } });
    expect(await scanned(m.root, file)).toMatchObject({ shortcut: true, outcome: { inspected: 0 } });
  });

  it('a scan that records a chunk to be read again (its inspection failed) keeps no listing: the next one reads it', async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 35, chunks: 4 });
    const file = path.join(work, 'catalog.sqlite');
    const inline = new InlinePool();
    const failing: InspectPool = {
      threads: 0,
      run: (job, onBytes, onIo) => (job.chunk.name === m.chunks[1].name ? Promise.reject(new Error('the worker died')) : inline.run(job, onBytes, onIo)),
      close: (reason) => inline.close(reason),
    };
    const first = await scanned(m.root, file, { pool: failing as unknown as ScanPool });
    expect(first.outcome).toMatchObject({ inspected: 4 });
    expect(first.report.problems.map((p) => `${p.kind}@${p.chunk}`)).toContain(`archive-corrupt@${m.chunks[1].name}`);
    expect(first.listing).toBeUndefined();
    const next = await scanned(m.root, file);
    expect(next).toMatchObject({ shortcut: false, outcome: { inspected: 1 } });
    expect(next.report.problems.map((p) => p.kind)).not.toContain('archive-corrupt');
    expect(await scanned(m.root, file)).toMatchObject({ shortcut: true, outcome: { inspected: 0 } });
  });

  it("a scan keeps no listing when another connection changed the drop's chunks meanwhile (two processes, one catalog)", async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 36, chunks: 4 });
    const file = path.join(work, 'catalog.sqlite');
    await scanned(m.root, file);
    for (const c of [m.chunks[1], m.chunks[2]]) utimesSync(zipOf(m, m.chunks.indexOf(c)), new Date(), new Date());
    // While this scan reads chunk 1, another process records chunk 2 (as its own scan would).
    const inline = new InlinePool();
    const other: InspectPool = {
      threads: 0,
      run: async (job, onBytes, onIo) => {
        if (job.chunk.name === m.chunks[1].name) {
          const elsewhere = new Catalog(file);
          try {
            elsewhere.db.prepare("UPDATE chunks SET scanned_at = '2030-01-01T00:00:00.000Z' WHERE name = ?").run(m.chunks[3].name);
          } finally {
            elsewhere.close();
          }
        }
        return inline.run(job, onBytes, onIo);
      },
      close: (reason) => inline.close(reason),
    };
    const during = await scanned(m.root, file, { pool: other as unknown as ScanPool });
    expect(during.outcome).toMatchObject({ inspected: 2 });
    expect(during.listing).toBeUndefined();
    // So the next scan compares every chunk again (reading none: all are as recorded), and keeps one.
    const next = await scanned(m.root, file);
    expect(next).toMatchObject({ shortcut: false, outcome: { inspected: 0 } });
    expect(next.listing).toBeDefined();
    expect(await scanned(m.root, file)).toMatchObject({ shortcut: true });
  });

  it('a scan stopped part-way leaves no listing: the next one goes the long way and completes it', async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 34, chunks: 6 });
    const file = path.join(work, 'catalog.sqlite');
    await scanned(m.root, file);
    for (let i = 0; i < 6; i++) appendFileSync(zipOf(m, i), 'x');
    const stop = new AbortController();
    const catalog = new Catalog(file);
    try {
      await expect(
        scanDrop(m.root, { catalog, cadence, signal: stop.signal, onProgress: (p) => p.phase === 'scanning' && stop.abort(), saveBatch: { chunks: 1, ms: 0 } }),
      ).rejects.toThrow(/cancelled/);
      expect(catalog.dropListing(catalog.drop(m.root)!.id)).toBeUndefined();
    } finally {
      catalog.close();
    }
    const next = await scanned(m.root, file);
    expect(next.shortcut).toBe(false);
    expect(next.outcome.inspected).toBeGreaterThan(0);
    expect(next.outcome.inspected + next.outcome.reused).toBe(6);
    expect(next.report.problems.filter((p) => p.kind === 'checksum-mismatch')).toHaveLength(6);
    expect((await scanned(m.root, file)).shortcut).toBe(true);
  });

  it('works for another family the same way (extracts: runs of files side by side)', async () => {
    const work = fresh();
    const m = await writeExtractDrop(path.join(work, 'drop'), { seed: 35 });
    const file = path.join(work, 'catalog.sqlite');
    const first = await scanned(m.root, file);
    const again = await scanned(m.root, file);
    expect(again).toMatchObject({ shortcut: true, outcome: { inspected: 0, chunks: first.outcome.chunks, format: first.outcome.format } });
    expect({ ...again.report, scannedAt: '' }).toEqual({ ...first.report, scannedAt: '' });
  });
});

describe('the listing digest', () => {
  // Catalogs keep the digests earlier releases made: hashed in pieces, it must stay the hash
  // of the whole text (one line per file), whatever the number of files and pieces.
  it('is the SHA-1 of the listing text, for any number of files', () => {
    const entry = (i: number): FileEntry => ({ rel: `export_${i}/export_${i}.zip`, abs: `/d/export_${i}/export_${i}.zip`, size: 1000 + i, mtimeMs: 1_500_000_000_000 + i });
    for (const n of [0, 1, 255, 256, 257, 1000]) {
      const files = Array.from({ length: n }, (_, i) => entry(i));
      const text = files.map((f) => `${f.rel}\t${f.size}\t${f.mtimeMs}\n`).join('');
      expect(listingDigest(files)).toBe(createHash('sha1').update(text).digest('base64'));
    }
    const versioned: FileEntry = { ...entry(1), version: '"etag-1"' };
    expect(listingDigest([versioned])).toBe(createHash('sha1').update(`${versioned.rel}\t${versioned.size}\t"etag-1"\n`).digest('base64'));
  });
});
