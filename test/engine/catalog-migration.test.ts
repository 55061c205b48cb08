// A catalog written by the first release (Info Mart only, schema 1) is upgraded in place:
// its chunks keep their keys, tables and problems, gain the family-neutral fields (coverage,
// parts, file roles), and give the report the first release gave.
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { MIGRATIONS } from '../../src/engine/catalog/migrations';
import { decodeRecord, RECORD_FORMAT } from '../../src/engine/catalog/records';
import { cadenceOf } from '../../src/engine/options';
import { SUMMARY_FORMAT } from '../../src/engine/catalog/summary';
import { scanDrop } from '../../src/engine/scan';
import { writeBulkDrop } from '../fixtures/bulk-drop';
import { buildReport } from '../../src/engine/report/build-report';
import type { ScanReport } from '../../src/shared/report';
import { removeDir, tempDir } from './harness';

const FIXTURE = path.join(__dirname, '../fixtures/catalog-v1');
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('catalog migration', () => {
  it('upgrades a first-release catalog in place and reports as that release did', () => {
    const dir = tempDir('di-migrate-');
    dirs.push(dir);
    const file = path.join(dir, 'catalog.sqlite');
    copyFileSync(path.join(FIXTURE, 'catalog.sqlite'), file);
    const old = JSON.parse(readFileSync(path.join(FIXTURE, 'report.json'), 'utf8')) as ScanReport;

    const catalog = new Catalog(file);
    try {
      expect(catalog.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const row = catalog.drop(old.drop)!;
      const chunks = catalog.loadChunks(row.id);
      expect(chunks).toHaveLength(3);
      // Each chunk's whole record is back-filled from its rows (migration 6, records.ts).
      const records = catalog.db.prepare('SELECT record, fingerprint FROM chunks WHERE drop_id = ? ORDER BY id').all(row.id) as Array<{ record: string; fingerprint: string }>;
      expect(records.map((r) => JSON.parse(r.record).v)).toEqual([RECORD_FORMAT, RECORD_FORMAT, RECORD_FORMAT]);
      expect(records.map((r) => decodeRecord(r.record, r.fingerprint, new Map()))).toEqual(chunks);
      for (const c of chunks) {
        expect(c.coverage).toEqual({ from: c.hwmFrom, to: c.hwmTo, source: 'metadata' });
        expect(c.files.map((f) => f.role).sort()).toEqual(['metadata', 'zip', 'zip-sha1']);
        for (const t of c.tables) {
          const zip = c.files.find((f) => f.role === 'zip')!;
          expect(t.parts).toHaveLength(1);
          expect(t.parts[0].source).toEqual({ kind: 'member', of: { kind: 'file', path: zip.rel, size: zip.size, version: String(zip.mtimeMs) }, member: t.member });
          expect(t.parts[0].rows).toBe(t.rows);
        }
      }
      // A re-scan's fingerprint question is answered from an index (migration 9), not by
      // reading every chunk's row with its record.
      const plan = catalog.db.prepare('EXPLAIN QUERY PLAN SELECT name, fingerprint FROM chunks WHERE drop_id = ?').all(row.id) as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING COVERING INDEX chunks_fingerprints/);
      expect(catalog.fingerprints(row.id)).toEqual(new Map(chunks.map((c) => [c.name, c.fingerprint])));
      const now = buildReport(catalog, old.drop, cadenceOf({ asOf: Date.parse(old.options.asOf) / 1000 }));
      const contract = (r: ScanReport) => ({
        format: r.format,
        summary: { chunks: r.summary.chunks, tables: r.summary.tables, rows: r.summary.rows, problems: r.summary.problems },
        chunks: r.chunks.map((c) => ({
          name: c.name, hwmFrom: c.hwmFrom, hwmTo: c.hwmTo, createdTs: c.createdTs, maxDataTs: c.maxDataTs, checksum: c.checksum,
          tables: c.tables.map((t) => ({ name: t.name, rows: t.rows, columns: t.columns })),
        })),
        problems: r.problems.map((p) => ({ kind: p.kind, severity: p.severity, chunk: p.chunk, message: p.message })),
      });
      expect(contract(now)).toEqual(contract(old));
      expect(now.chunks.map((c) => c.coverage)).toEqual(
        old.chunks.map((c) => ({ axis: 'audit-key', from: c.hwmFrom, to: c.hwmTo, requestedFrom: null, requestedTo: null, source: 'metadata' })),
      );
    } finally {
      catalog.close();
    }
  });

  it('writes summaries and entries of the format before 2 again (migration 14): an unread bulk chunk has no max data time', async () => {
    const dir = tempDir('di-migrate-14-');
    dirs.push(dir);
    const m = await writeBulkDrop(path.join(dir, 'drop'), { seed: 7, requests: 4, defects: ['truncated-zip'] });
    const file = path.join(dir, 'catalog.sqlite');
    const cadence = cadenceOf({ asOf: 4102444800 });
    const broken = m.chunks.find((c) => c.defect === 'truncated-zip')!;
    const made = new Catalog(file);
    try {
      await scanDrop(m.root, { catalog: made, cadence });
      // As the release before left them: format 1, the entry's max data time the window's start.
      const rows = made.db.prepare('SELECT s.chunk_id AS id, s.summary, s.entry, c.name FROM chunk_summaries s JOIN chunks c ON c.id = s.chunk_id').all() as Array<{ id: number; summary: string; entry: string; name: string }>;
      const set = made.db.prepare('UPDATE chunk_summaries SET summary = ?, entry = ? WHERE chunk_id = ?');
      for (const r of rows) {
        const entry = JSON.parse(r.entry) as { maxDataTs: number | null; coverage: { from: number } };
        if (r.name === broken.name) entry.maxDataTs = entry.coverage.from;
        set.run(JSON.stringify({ ...JSON.parse(r.summary), v: 1 }), JSON.stringify(entry), r.id);
      }
      made.db.pragma('user_version = 13');
    } finally {
      made.close();
    }
    const migrated = new Catalog(file);
    try {
      expect(migrated.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const stored = migrated.db.prepare('SELECT s.summary, s.entry FROM chunk_summaries s JOIN chunks c ON c.id = s.chunk_id WHERE c.name = ?').get(broken.name) as { summary: string; entry: string };
      expect(JSON.parse(stored.summary).v).toBe(SUMMARY_FORMAT);
      expect(JSON.parse(stored.entry).maxDataTs).toBeNull();
      const report = buildReport(migrated, m.root, cadence);
      expect(report.chunks.find((c) => c.name === broken.name)!.maxDataTs).toBeNull();
    } finally {
      migrated.close();
    }
  });
});
