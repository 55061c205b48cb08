// A chunk's whole record kept in chunks.record (catalog/records.ts) is exactly what its rows
// say, for every family's chunks, defects included; a catalog whose records are missing or of
// another format loads the same from the rows; what another connection writes is seen.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { decodeRows, type Row } from '../../src/engine/catalog/records';
import type { ChunkRecord } from '../../src/engine/model';
import { cadenceOf } from '../../src/engine/options';
import { buildReport } from '../../src/engine/report/build-report';
import { scanDrop } from '../../src/engine/scan';
import { FAMILIES } from '../fixtures/families';
import { writeGimDrop } from '../fixtures/gim-drop';
import { freshDirs, removeDir } from './harness';

const fresh = freshDirs('di-records-');

/** The drop's records decoded from its rows alone (the first releases' reading). */
function fromRows(catalog: Catalog, dropId: number): ChunkRecord[] {
  const db = catalog.db;
  const chunks = db.prepare('SELECT * FROM chunks WHERE drop_id = ? ORDER BY id').all(dropId) as Row[];
  const tables = db.prepare('SELECT t.* FROM chunk_tables t JOIN chunks c ON c.id = t.chunk_id WHERE c.drop_id = ? ORDER BY t.chunk_id, t.seq').all(dropId) as Row[];
  const problems = db.prepare('SELECT p.* FROM chunk_problems p JOIN chunks c ON c.id = p.chunk_id WHERE c.drop_id = ? ORDER BY p.chunk_id, p.seq').all(dropId) as Row[];
  return [...decodeRows(chunks, tables, problems).values()];
}

describe('chunk records kept whole', () => {
  for (const family of FAMILIES) {
    it(`${family.format}: the record column says what the rows say; without it the rows are read`, async () => {
      const work = fresh();
      const m = await family.write(path.join(work, 'drop'), 'defects');
      const file = path.join(work, 'catalog.sqlite');
      const cadence = cadenceOf({ asOf: m.asOf });
      const catalog = new Catalog(file);
      try {
        const o = await scanDrop(m.root, { catalog, cadence });
        const rows = fromRows(catalog, o.dropId);
        expect(rows.length).toBeGreaterThan(3);
        expect(rows.some((r) => r.problems.length > 0)).toBe(true);
        expect(catalog.loadChunks(o.dropId)).toEqual(rows);
        // The report the scan's own records and problems give is the one the catalog gives.
        expect(buildReport(catalog, o.drop, cadence, o.checked)).toEqual(buildReport(catalog, o.drop, cadence));
        expect(buildReport(catalog, o.drop, cadence, o.checked)).toEqual(buildReport(catalog, o.drop, cadenceOf({ asOf: m.asOf })));

        // Another process opening the catalog reads the same records from the column …
        const other = new Catalog(file);
        try {
          expect(other.loadChunks(o.dropId)).toEqual(rows);
        } finally {
          other.close();
        }
        // … and from the rows where a record is missing or of another format.
        catalog.db.prepare(`UPDATE chunks SET record = NULL WHERE id % 2 = 0`).run();
        catalog.db.prepare(`UPDATE chunks SET record = '{"v":0}' WHERE id % 2 = 1`).run();
        const old = new Catalog(file);
        try {
          expect(old.loadChunks(o.dropId)).toEqual(rows);
        } finally {
          old.close();
        }
      } finally {
        catalog.close();
      }
    });
  }

  it('a chunk another connection adds, replaces or removes is seen with its contents, not the kept record', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    const m = await writeGimDrop(drop, { seed: 44, chunks: 6, rowsPerTable: 20, defects: { 3: ['checksum-mismatch'] } });
    // The same drop without its newest chunk, scanned by "the app".
    const partial = path.join(work, 'partial');
    cpSync(drop, partial, { recursive: true, preserveTimestamps: true });
    const newest = m.chunks[m.chunks.length - 1];
    removeDir(path.join(partial, newest.dir));
    const file = path.join(work, 'catalog.sqlite');
    const cadence = cadenceOf({ asOf: 4102444800 });
    const app = new Catalog(file);
    const cli = new Catalog(file);
    try {
      const first = await scanDrop(partial, { catalog: app, cadence });
      expect(app.loadChunks(first.dropId).map((c) => c.name)).not.toContain(newest.name);
      // "The CLI" scans the drop again once the newest chunk is there.
      cpSync(path.join(drop, newest.dir), path.join(partial, newest.dir), { recursive: true, preserveTimestamps: true });
      const second = await scanDrop(partial, { catalog: cli, cadence });
      expect(second).toMatchObject({ inspected: 1, reused: m.chunks.length - 1 });
      const seen = app.loadChunks(first.dropId);
      expect(seen).toEqual(fromRows(app, first.dropId));
      expect(seen.find((c) => c.name === newest.name)?.tables.length).toBeGreaterThan(0);
      // And a removal.
      removeDir(path.join(partial, m.chunks[0].dir));
      expect(await scanDrop(partial, { catalog: cli, cadence })).toMatchObject({ inspected: 0, removed: 1 });
      expect(app.loadChunks(first.dropId).map((c) => c.name)).not.toContain(m.chunks[0].name);
      expect(app.loadChunks(first.dropId)).toEqual(fromRows(app, first.dropId));
      // The app's own re-scan reuses everything the CLI recorded.
      expect(await scanDrop(partial, { catalog: app, cadence })).toMatchObject({ inspected: 0, reused: m.chunks.length - 1 });
    } finally {
      app.close();
      cli.close();
    }
  });

  it('records of chunks with the same columns share one column list (one array, not one per chunk)', async () => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 45, chunks: 5, rowsPerTable: 10 });
    const file = path.join(work, 'catalog.sqlite');
    const catalog = new Catalog(file);
    const cadence = cadenceOf({ asOf: 4102444800 });
    try {
      const o = await scanDrop(drop, { catalog, cadence });
      const other = new Catalog(file);
      try {
        const recs = other.loadChunks(o.dropId);
        const [a, b] = [recs[0].tables[0], recs[1].tables.find((t) => t.name === recs[0].tables[0].name)!];
        expect(a.columns).toEqual(b.columns);
        expect(a.columns).toBe(b.columns);
      } finally {
        other.close();
      }
    } finally {
      catalog.close();
    }
  });
});
