// scan --json of a drop of many chunks splices each chunk's kept report entry (catalog
// chunk_entries) instead of building and stringifying it again. Whatever changed — a chunk
// re-read, added or removed, other options, time passing, another release's entries, a
// catalog that cannot keep them — the bytes are exactly the report built afresh.
import { cpSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { buildReport } from '../../src/engine/report/build-report';
import { entryKey, reportJson } from '../../src/engine/report/json-entries';
import { jsonBuffers, PRETTY_MAX_CHUNKS, renderJson } from '../../src/engine/report/render-json';
import { scanDrop } from '../../src/engine/scan';
import type { Judgement } from '../../src/engine/checks/time';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from '../engine/harness';

const CHUNKS = PRETTY_MAX_CHUNKS + 12;
let work: string;
let drop: string;
let m: GimDropManifest;
let held: string;

beforeAll(async () => {
  work = tempDir('di-entries-');
  drop = path.join(work, 'drop');
  const full = path.join(work, 'full');
  m = await writeGimDrop(full, { seed: 61, chunks: CHUNKS, rowsPerTable: 2, tables: ['interaction_fact', 'resource_'], extras: false });
  // The drop without its newest chunk; the chunk is added back by a test.
  cpSync(full, drop, { recursive: true, preserveTimestamps: true });
  held = m.chunks[m.chunks.length - 1].dir;
  rmSync(path.join(drop, held), { recursive: true });
}, 120_000);
afterAll(() => removeDir(work));

const text = (pieces: Iterable<Buffer>): string => Buffer.concat([...pieces]).toString('utf8');

/** Scans, then checks the spliced report against the report built afresh from the catalog. */
async function scanned(catalog: Catalog, judgement: Judgement, opts: { verify?: boolean } = {}) {
  const o = await scanDrop(drop, { catalog, cadence: judgement, verify: opts.verify });
  const { summary, pieces } = reportJson(catalog, o.drop, judgement, o.checked);
  const got = text(pieces);
  const fresh = buildReport(catalog, o.drop, judgement);
  expect(got).toBe(renderJson(fresh));
  expect(summary).toEqual(fresh.summary);
  return { o, got, report: fresh };
}

const kept = (catalog: Catalog): number => catalog.db.prepare('SELECT count(*) FROM chunk_entries').pluck().get() as number;

describe('scan --json with kept chunk entries', () => {
  it('gives the report built afresh, byte for byte, as chunks change, come, go and time passes', async () => {
    const file = path.join(work, 'catalog.sqlite');
    const catalog = new Catalog(file);
    try {
      const asOf = m.chunks[m.chunks.length - 1].createdTs + 3600;
      const first = await scanned(catalog, cadenceOf({ asOf }));
      expect(first.report.chunks.length).toBe(CHUNKS - 1);
      expect(first.got.length).toBeGreaterThan(1 << 18);
      expect(kept(catalog)).toBe(CHUNKS - 1);

      // Unchanged: every entry is the kept one.
      const again = await scanned(catalog, cadenceOf({ asOf }));
      expect(again.o).toMatchObject({ inspected: 0 });
      const unstamped = (t: string) => t.replace(/"scannedAt":"[^"]*"/, '');
      expect(unstamped(again.got)).toBe(unstamped(first.got));

      // Time passes: the newest chunk is now stale (the kept entries hold no time).
      const later = await scanned(catalog, cadenceOf({ asOf: asOf + 10 * 86400 }));
      expect(later.report.problems.map((p) => p.kind)).toContain('stale');
      expect(first.report.problems.map((p) => p.kind)).not.toContain('stale');

      // Other options: another cadence judges other silences late.
      const tight = await scanned(catalog, cadenceOf({ asOf, cadenceSeconds: 600 }));
      expect(tight.report.problems.filter((p) => p.kind === 'late').length).toBeGreaterThan(first.report.problems.filter((p) => p.kind === 'late').length);

      // A touched chunk is read again and its entry made again.
      const c = m.chunks[5];
      utimesSync(path.join(drop, c.dir, `${path.basename(c.dir)}.extracted.xml`), new Date(), new Date());
      const touched = await scanned(catalog, cadenceOf({ asOf }));
      expect(touched.o).toMatchObject({ inspected: 1 });

      // A new chunk.
      cpSync(path.join(work, 'full', held), path.join(drop, held), { recursive: true, preserveTimestamps: true });
      const added = await scanned(catalog, cadenceOf({ asOf }));
      expect(added.o).toMatchObject({ inspected: 1 });
      expect(added.report.chunks.length).toBe(CHUNKS);

      // A removed chunk: its entry goes with it, and a gap takes its place.
      rmSync(path.join(drop, m.chunks[9].dir), { recursive: true });
      const removed = await scanned(catalog, cadenceOf({ asOf }));
      expect(removed.o).toMatchObject({ removed: 1 });
      expect(removed.report.problems.map((p) => p.kind)).toContain('gap');
      expect(kept(catalog)).toBe(CHUNKS - 1);

      // Every chunk read again (--verify): all entries made again from the new records.
      await scanned(catalog, cadenceOf({ asOf }), { verify: true });
    } finally {
      catalog.close();
    }
  }, 180_000);

  it("entries of another release or axis, another connection's changes and a read-only catalog: still the report afresh", async () => {
    const file = path.join(work, 'catalog2.sqlite');
    const judgement = cadenceOf({ asOf: 4102444800 });
    const catalog = new Catalog(file);
    try {
      const { o } = await scanned(catalog, judgement);
      // A kept entry is what the report holds (so the comparisons above are of spliced bytes).
      const one = buildReport(catalog, o.drop, judgement).chunks[7].name;
      catalog.db
        .prepare(`UPDATE chunk_entries SET entry = CAST('{"kept":1}' AS BLOB) WHERE chunk_id = (SELECT id FROM chunks WHERE drop_id = ? AND name = ?)`)
        .run(o.dropId, one);
      expect(text(reportJson(catalog, o.drop, judgement, o.checked).pieces)).toContain(',{"kept":1},');

      // Entries kept under another key (another release's report shape) are not used: made again.
      catalog.db.prepare(`UPDATE chunk_entries SET entry = CAST('{"old":1}' AS BLOB), entry_key = 'other'`).run();
      await scanned(catalog, judgement);
      expect(catalog.db.prepare('SELECT count(*) FROM chunk_entries WHERE entry_key = ?').pluck().get(entryKey('audit-key'))).toBe(CHUNKS - 1);

      // A kept entry whose record is not the one this report holds (another connection
      // recorded the chunk again meanwhile): not spliced.
      const names = buildReport(catalog, o.drop, judgement).chunks.map((c) => c.name);
      const origin = (name: string, scannedAt = 'x') => ({ name, fingerprint: 'f', scannedAt });
      expect(catalog.joinedReportEntries(o.dropId, entryKey('audit-key'), names.map((n) => origin(n)))).toBeNull();

      // A read-only catalog keeps nothing and still gives the report.
      catalog.db.prepare('DELETE FROM chunk_entries').run();
      const ro = new Catalog(file, { readonly: true });
      try {
        const got = text(reportJson(ro, o.drop, judgement).pieces);
        expect(got).toBe(renderJson(buildReport(ro, o.drop, judgement)));
      } finally {
        ro.close();
      }
      expect(kept(catalog)).toBe(0);
    } finally {
      catalog.close();
    }
  }, 120_000);
});

describe('jsonBuffers', () => {
  it('is renderJson in bytes, with an array given as its items already joined', async () => {
    const catalog = new Catalog(':memory:');
    try {
      const judgement = cadenceOf({ asOf: 4102444800 });
      const o = await scanDrop(drop, { catalog, cadence: judgement });
      const r = buildReport(catalog, o.drop, judgement);
      const pieces = [...jsonBuffers(r)];
      expect(Buffer.concat(pieces).toString()).toBe(renderJson(r));
      const joined = Buffer.from(r.chunks.map((c) => JSON.stringify(c)).join(','));
      expect(Buffer.concat([...jsonBuffers({ ...r, chunks: [] }, { chunks: joined })]).toString()).toBe(renderJson(r));
      // Small reports stay pretty-printed.
      const small = { ...r, chunks: r.chunks.slice(0, 3) };
      expect(Buffer.concat([...jsonBuffers(small)]).toString()).toBe(renderJson(small));
    } finally {
      catalog.close();
    }
  }, 120_000);
});
