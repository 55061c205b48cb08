// A re-scan stats an unchanged folder instead of listing it (fs/listings.ts, drop_dirs): the
// walk with kept listings finds exactly what a walk without them finds, whatever changed —
// a file added, removed or rewritten in place, a folder replaced, a name that is not UTF-8 —
// and a folder changed too recently for its stamp to be trusted is listed, not kept.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { decodeEntries, encodeEntries, RELIABLE_AFTER_MS } from '../../src/engine/fs/listings';
import { walkDrop, type KeptListings, type Listing } from '../../src/engine/fs/walk';
import { cadenceOf } from '../../src/engine/options';
import { buildReport } from '../../src/engine/report/build-report';
import { scanDrop } from '../../src/engine/scan';
import { writeGimDrop } from '../fixtures/gim-drop';
import { removeDir, tempDir } from './harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const fresh = (): string => {
  const d = tempDir('di-listings-');
  dirs.push(d);
  return d;
};

/** Well past any folder's last change, as far as reliableStamp is concerned. */
const later = (): number => Date.now() + 10 * RELIABLE_AFTER_MS.coarse;
const listingsFrom = (kept: Map<string, Listing>, nowMs = later()): KeptListings => ({ kept, fresh: new Map(), visited: new Set(), nowMs });

/** Walks with the listings of the walk before (chained), and checks the result against a plain walk. */
async function walkBoth(root: string, before: Map<string, Listing>) {
  const listings = listingsFrom(before);
  const kept = await walkDrop(root, { listings });
  const plain = await walkDrop(root);
  expect(kept).toEqual(plain);
  const next = new Map(before);
  for (const rel of next.keys()) if (!listings.visited.has(rel)) next.delete(rel);
  for (const [rel, l] of listings.fresh) next.set(rel, l);
  return { walk: kept, listed: [...listings.fresh.keys()].sort(), next };
}

describe('kept folder listings', () => {
  it('an unchanged folder is not listed again; every change is seen as a plain walk sees it', async () => {
    const m = await writeGimDrop(path.join(fresh(), 'drop'), { seed: 81, chunks: 5, rowsPerTable: 3, layout: 'nested' });
    const first = await walkBoth(m.root, new Map());
    expect(first.listed.length).toBeGreaterThan(5);
    const none = await walkBoth(m.root, first.next);
    expect(none.listed).toEqual([]);

    // A file added to a chunk folder: that folder (only) is listed again.
    const c = m.chunks[2];
    writeFileSync(path.join(m.root, c.dir, 'note.txt'), 'x');
    const added = await walkBoth(m.root, none.next);
    expect(added.listed).toEqual([c.dir]);
    expect(added.walk.files.map((f) => f.rel)).toContain(`${c.dir}/note.txt`);

    // A file rewritten in place changes no folder: still seen (files are stat'ed).
    appendFileSync(path.join(m.root, c.dir, 'note.txt'), 'more');
    const grown = await walkBoth(m.root, added.next);
    expect(grown.listed).toEqual([]);
    expect(grown.walk.files.find((f) => f.rel === `${c.dir}/note.txt`)?.size).toBe(5);

    // Removed, and a folder replaced by another of the same name, one not UTF-8.
    rmSync(path.join(m.root, c.dir, 'note.txt'));
    const d = path.join(m.root, m.chunks[3].dir);
    renameSync(d, `${d}.old`);
    mkdirSync(d);
    writeFileSync(path.join(d, 'other.txt'), 'y');
    mkdirSync(Buffer.concat([Buffer.from(path.join(m.root, m.chunks[4].dir)), Buffer.from('/sub\xff', 'latin1')]));
    const changed = await walkBoth(m.root, grown.next);
    expect(changed.walk.files.map((f) => f.rel)).not.toContain(`${c.dir}/note.txt`);
    expect(changed.walk.files.map((f) => f.rel)).toContain(`${m.chunks[3].dir}.old/${path.basename(m.chunks[3].dir)}.zip`);
    await walkBoth(m.root, changed.next);
  });

  it('a folder changed within the timestamp granularity of now is listed but not kept', async () => {
    const root = path.join(fresh(), 'drop');
    mkdirSync(path.join(root, 'a'), { recursive: true });
    writeFileSync(path.join(root, 'a', 'f'), '1');
    const listings = listingsFrom(new Map(), Date.now());
    await walkDrop(root, { listings });
    expect([...listings.visited].sort()).toEqual(['', 'a']);
    expect([...listings.fresh.keys()]).toEqual([]);
    // A kept listing whose stamp is not the folder's is not used.
    const stale = listingsFrom(new Map([['a', { stamp: 'other', entries: [] }]]));
    expect((await walkDrop(root, { listings: stale })).files.map((f) => f.rel)).toEqual(['a/f']);
  });

  it('entries round-trip as bytes; damaged bytes are refused', () => {
    const entries: Listing['entries'] = [
      [Buffer.from('a'), 'file'],
      [Buffer.from([0xff, 0x00, 0x41]), 'dir'],
      [Buffer.alloc(0), 'unknown'],
      [Buffer.from('l'), 'link'],
    ];
    const b = encodeEntries(entries);
    expect(decodeEntries(b)).toEqual(entries);
    expect(decodeEntries(b.subarray(0, b.length - 1))).toBeNull();
    expect(decodeEntries(Buffer.from([99, 0, 0, 0, 0]))).toBeNull();
  });

  it('scans keep listings in the catalog: a re-scan of an old drop lists only what changed, with the same report', async () => {
    const m = await writeGimDrop(path.join(fresh(), 'drop'), { seed: 82, chunks: 6, rowsPerTable: 3 });
    // Folders last changed long ago, as a drop's are (utimes sets ctime to now: wait it out).
    const old = new Date(Date.now() - 86400_000);
    for (const c of m.chunks) utimesSync(path.join(m.root, c.dir), old, old);
    await new Promise((r) => setTimeout(r, RELIABLE_AFTER_MS.fine + 200));
    const catalog = new Catalog(path.join(fresh(), 'catalog.sqlite'));
    try {
      const cadence = cadenceOf({ asOf: 4102444800 });
      const stampsFine = statSync(path.join(m.root, m.chunks[0].dir)).ctimeMs % 1000 !== 0;
      await scanDrop(m.root, { catalog, cadence });
      const kept = catalog.db.prepare('SELECT rel FROM drop_dirs ORDER BY rel').pluck().all() as string[];
      if (stampsFine) expect(kept).toEqual(expect.arrayContaining(m.chunks.map((c) => c.dir)));
      const before = buildReport(catalog, m.root, cadence);
      // A chunk's file touched (its folder unchanged) and a chunk removed.
      const xml = path.join(m.root, m.chunks[1].dir, `${path.basename(m.chunks[1].dir)}.extracted.xml`);
      utimesSync(xml, new Date(), new Date());
      rmSync(path.join(m.root, m.chunks[4].dir), { recursive: true });
      const o = await scanDrop(m.root, { catalog, cadence });
      expect(o).toMatchObject({ inspected: 1, removed: 1 });
      expect(catalog.db.prepare('SELECT rel FROM drop_dirs').pluck().all()).not.toContain(m.chunks[4].dir);
      const after = buildReport(catalog, m.root, cadence);
      expect(after.chunks.map((c) => c.name)).toEqual(before.chunks.map((c) => c.name).filter((n) => n !== m.chunks[4].name));
    } finally {
      catalog.close();
    }
  });
});
