// `scan --json` is written from the chunks' summaries and their stored report entries
// (catalog/summary.ts, build-report.ts reportJson), never decoding an unchanged chunk's whole
// record. Whatever path made it, the text is exactly the report built from the records: for
// every family (defects included), cold, re-scanned unchanged from a fresh connection (a new
// process), judged another way, after chunks are modified, removed and added, from
// summaries missing, of another format or another axis, and from a catalog migrated to them.
import { cpSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { MIGRATIONS } from '../../src/engine/catalog/migrations';
import { cadenceOf } from '../../src/engine/options';
import { buildReport, reportJson } from '../../src/engine/report/build-report';
import type { Judgement } from '../../src/engine/checks/time';
import { scanDrop, type ScanOutcome } from '../../src/engine/scan';
import type { ScanReport } from '../../src/shared/report';
import { FAMILIES } from '../fixtures/families';
import { writeGimDrop } from '../fixtures/gim-drop';
import { freshDirs } from './harness';

const fresh = freshDirs('di-rjson-');

/** reportJson's pieces as one text, compact (from the stored entries, whatever the drop's size). */
function fromEntries(catalog: Catalog, o: ScanOutcome, j: Judgement, checked = o.checked): string {
  const pieces = [...reportJson(catalog, o.drop, j, checked, { compact: true }).pieces];
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();
}

/** The report built from the records, as reportJson writes it compact. */
const fromRecords = (catalog: Catalog, o: ScanOutcome, j: Judgement): string => `${JSON.stringify(buildReport(catalog, o.drop, j))}\n`;

/** What differs between two scans of the same drop: when they ran (and were judged, with as-of "now"). */
const withoutTimes = (text: string): unknown => {
  const r = JSON.parse(text) as ScanReport;
  return { ...r, scannedAt: null };
};

describe('the JSON report from stored entries', () => {
  for (const family of FAMILIES) {
    it(`${family.format}: is the report built from records, cold, unchanged from a fresh connection, and judged another way`, async () => {
      const work = fresh();
      const m = await family.write(path.join(work, 'drop'), 'defects');
      const file = path.join(work, 'catalog.sqlite');
      const cadence = cadenceOf({ asOf: m.asOf });
      const first = new Catalog(file);
      let cold: string;
      try {
        const o = await scanDrop(m.root, { catalog: first, cadence });
        cold = fromEntries(first, o, cadence);
        expect(cold).toBe(fromRecords(first, o, cadence));
        expect(JSON.parse(cold).problems.length).toBeGreaterThan(0);
      } finally {
        first.close();
      }
      const again = new Catalog(file);
      try {
        const o = await scanDrop(m.root, { catalog: again, cadence });
        expect(o).toMatchObject({ inspected: 0 });
        const text = fromEntries(again, o, cadence);
        expect(text).toBe(fromRecords(again, o, cadence));
        expect(withoutTimes(text)).toEqual(withoutTimes(cold));
        // Another judgement than the scan's: the checks run again, on the summaries.
        const later = cadenceOf({ asOf: m.asOf + 40 * 86400, cadenceSeconds: 3600, graceSeconds: 60, retentionSeconds: 86400 });
        const judged = fromEntries(again, o, later);
        expect(judged).toBe(fromRecords(again, o, later));
        expect(judged).not.toBe(text);
        expect(JSON.parse(judged).problems.map((p: { kind: string }) => p.kind)).toContain('stale');
        // The pretty-printed report of a small drop is the built one.
        const pretty = [...reportJson(again, o.drop, cadence, o.checked).pieces].join('');
        expect(pretty).toBe(`${JSON.stringify(buildReport(again, o.drop, cadence), null, 2)}\n`);
      } finally {
        again.close();
      }
    });
  }

  it('is the report built from records after chunks are modified, removed and added, scan after scan', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    const m = await writeGimDrop(drop, { seed: 7, chunks: 8, rowsPerTable: 20 });
    const file = path.join(work, 'catalog.sqlite');
    const cadence = cadenceOf({ asOf: 4102444800 });
    const step = async (): Promise<ScanOutcome> => {
      const catalog = new Catalog(file);
      try {
        const o = await scanDrop(drop, { catalog, cadence });
        expect(fromEntries(catalog, o, cadence)).toBe(fromRecords(catalog, o, cadence));
        return o;
      } finally {
        catalog.close();
      }
    };
    await step();
    const c2 = m.chunks[2];
    utimesSync(path.join(drop, c2.dir, `${path.basename(c2.dir)}.extracted.xml`), new Date(), new Date());
    expect(await step()).toMatchObject({ inspected: 1 });
    rmSync(path.join(drop, m.chunks[5].dir), { recursive: true });
    expect(await step()).toMatchObject({ inspected: 0, removed: 1 });
    const extra = fresh();
    const m2 = await writeGimDrop(extra, { seed: 7, chunks: 9, rowsPerTable: 20 });
    cpSync(path.join(extra, m2.chunks[8].dir), path.join(drop, m2.chunks[8].dir), { recursive: true, preserveTimestamps: true });
    expect(await step()).toMatchObject({ inspected: 1, chunks: 8 });
    // The same catalog connection, scan after scan (its kept summaries brought up to date).
    const catalog = new Catalog(file);
    try {
      utimesSync(path.join(drop, m.chunks[0].dir, `${path.basename(m.chunks[0].dir)}.extracted.xml`), new Date(), new Date());
      const o1 = await scanDrop(drop, { catalog, cadence });
      rmSync(path.join(drop, m.chunks[1].dir), { recursive: true });
      const o2 = await scanDrop(drop, { catalog, cadence });
      expect([o1.inspected, o2.removed]).toEqual([1, 1]);
      expect(fromEntries(catalog, o2, cadence)).toBe(fromRecords(catalog, o2, cadence));
    } finally {
      catalog.close();
    }
  });

  it('a summary missing, of another format, made for another axis or naming an unknown shared text is made from the record', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 8, chunks: 6, rowsPerTable: 20 });
    const file = path.join(work, 'catalog.sqlite');
    const cadence = cadenceOf({ asOf: 4102444800 });
    const first = new Catalog(file);
    let expected: string;
    try {
      const o = await scanDrop(drop, { catalog: first, cadence });
      expected = fromEntries(first, o, cadence);
      const ids = first.db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[];
      first.db.prepare('DELETE FROM chunk_summaries WHERE chunk_id = ?').run(ids[0]);
      first.db.prepare(`UPDATE chunk_summaries SET summary = replace(summary, '"v":1}', '"v":0}') WHERE chunk_id = ?`).run(ids[2]);
      first.db.prepare(`UPDATE chunk_summaries SET summary = replace(summary, '"axis":"audit-key"', '"axis":"run-date"') WHERE chunk_id = ?`).run(ids[3]);
      first.db.prepare('DELETE FROM chunk_summaries WHERE chunk_id = ?').run(ids[4]);
      first.db.prepare('UPDATE chunks SET record = NULL WHERE id = ?').run(ids[4]);
      first.db.prepare(`UPDATE shared_texts SET id = 999 WHERE id = (SELECT max(id) FROM shared_texts)`).run();
    } finally {
      first.close();
    }
    const again = new Catalog(file);
    try {
      const o = await scanDrop(drop, { catalog: again, cadence });
      expect(o).toMatchObject({ inspected: 0 });
      expect(withoutTimes(fromEntries(again, o, cadence))).toEqual(withoutTimes(expected));
      expect(fromEntries(again, o, cadence)).toBe(fromRecords(again, o, cadence));
    } finally {
      again.close();
    }
  });

  it('a catalog of the release before summaries is migrated to them: a re-scan reads no record', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 9, chunks: 5, rowsPerTable: 20 });
    const file = path.join(work, 'catalog.sqlite');
    const cadence = cadenceOf({ asOf: 4102444800 });
    const made = new Catalog(file);
    let expected: string;
    try {
      const o = await scanDrop(drop, { catalog: made, cadence });
      expected = fromEntries(made, o, cadence);
      // Back to schema 7: no summaries, no shared texts (nor the later fingerprint index, listings, chunks' stamp with its triggers, verdicts and kept folders).
      expect(MIGRATIONS).toHaveLength(14);
      made.db.exec('DROP TABLE drop_folders; DROP TABLE drop_verdicts; DROP TABLE chunk_summaries; DROP TABLE shared_texts; DROP INDEX chunks_fingerprints; DROP TABLE drop_listings; DROP TRIGGER chunks_added; DROP TRIGGER chunks_changed; DROP TRIGGER chunks_removed; ALTER TABLE drops DROP COLUMN chunks_rev; PRAGMA user_version = 7;');
    } finally {
      made.close();
    }
    const migrated = new Catalog(file);
    try {
      expect(migrated.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(migrated.db.prepare('SELECT count(*) FROM chunks c LEFT JOIN chunk_summaries s ON s.chunk_id = c.id WHERE s.summary IS NULL').pluck().get()).toBe(0);
      const prepared: string[] = [];
      const prep = migrated.db.prepare.bind(migrated.db);
      migrated.db.prepare = ((sql: string) => {
        prepared.push(sql);
        return prep(sql);
      }) as typeof migrated.db.prepare;
      const o = await scanDrop(drop, { catalog: migrated, cadence });
      const text = fromEntries(migrated, o, cadence);
      expect(prepared.filter((s) => /^SELECT/.test(s) && /record/.test(s))).toEqual([]);
      expect(prepared.filter((s) => /^SELECT/.test(s) && /summary/.test(s))).toHaveLength(1);
      expect(withoutTimes(text)).toEqual(withoutTimes(expected));
      migrated.db.prepare = prep;
      expect(text).toBe(fromRecords(migrated, o, cadence));
    } finally {
      migrated.close();
    }
  });
});

describe('the JSON report when a stored entry is gone', () => {
  it('of more chunks than a query reads (64), in report order, is the built report; an entry gone from a later piece too', async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 13, chunks: 150, rowsPerTable: 3 });
    const catalog = new Catalog(path.join(work, 'catalog.sqlite'));
    try {
      const cadence = cadenceOf({ asOf: Math.max(...m.chunks.map((c) => c.createdTs)) + 60 });
      const o = await scanDrop(m.root, { catalog, cadence });
      const text = fromEntries(catalog, o, cadence);
      expect(text).toBe(fromRecords(catalog, o, cadence));
      const names = (JSON.parse(text) as ScanReport).chunks.map((c) => c.name);
      expect(names).toHaveLength(150);
      // Report order is not id order (the chunks were found in name order, not key order).
      expect(names).not.toEqual([...names].sort());
      const n = catalog.db.prepare('DELETE FROM chunk_summaries WHERE chunk_id = (SELECT max(chunk_id) FROM chunk_summaries)').run().changes;
      expect(n).toBe(1);
      expect(fromEntries(catalog, o, cadence)).toBe(fromRecords(catalog, o, cadence));
    } finally {
      catalog.close();
    }
  });

  it('is the report built from the records, and never a document missing a chunk', async () => {
    const work = fresh();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 12, chunks: 5 });
    const catalog = new Catalog(path.join(work, 'catalog.sqlite'));
    try {
      const cadence = cadenceOf({ asOf: Math.max(...m.chunks.map((c) => c.createdTs)) + 60 });
      const o = await scanDrop(m.root, { catalog, cadence });
      // The scan's loaded summaries still name it; its stored entry is gone.
      const n = catalog.db.prepare('DELETE FROM chunk_summaries WHERE chunk_id = (SELECT min(chunk_id) FROM chunk_summaries)').run().changes;
      expect(n).toBe(1);
      const text = fromEntries(catalog, o, cadence);
      expect(text).toBe(fromRecords(catalog, o, cadence));
      expect(JSON.parse(text).chunks).toHaveLength(5);
    } finally {
      catalog.close();
    }
  });
});
