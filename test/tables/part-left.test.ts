// A part that fails only when its rows are read (a Parquet file damaged inside, its footer
// whole: the scan reads the footer and finds nothing wrong) leaves a many-chunk view: the
// other chunks' rows stay readable in every view (natural order, sorted, merged), the part is
// listed among the unreadable chunks, and the renderer is told (table-part-left). One chunk's
// table that cannot be read is still the read's error.
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuck } from '../../src/engine/tables/analysis';
import { TableService } from '../../src/engine/tables/table-service';
import type { TableEvent } from '../../src/shared/table-api';
import { writeGimDrop } from '../fixtures/gim-drop';
import { closeDailyGenerator, damageParquetPages, writeDailyDrop, type Manifest } from '../fixtures/daily-drop';
import { removeDir, scan, tempDir, type Scanned } from '../engine/harness';

const TABLE = 'FACT_REVIEWS';
let work: string;
let m: Manifest;
let drop: string;
let damagedDay: string;
let scanned: Scanned;
let svc: TableService;
const events: TableEvent[] = [];

beforeAll(async () => {
  work = tempDir('di-part-left-');
  const written = await writeDailyDrop(path.join(work, 'drop'), { days: 4 });
  // The fixture names its days below the drop's parent; the drop scanned is analytics-export.
  m = { ...written, chunks: written.chunks.map((c) => ({ ...c, name: path.posix.basename(c.name) })) };
  await closeDailyGenerator();
  drop = path.join(work, 'drop', 'analytics-export');
  damagedDay = readdirSync(drop).sort()[1];
  damageParquetPages(path.join(drop, damagedDay, `${TABLE}.parquet`));
  scanned = await scan(drop);
  svc = new TableService({ catalog: scanned.catalog, cacheDir: path.join(work, 'cache'), workers: 2, firstRows: 50 });
  svc.onTableEvent((e) => events.push(e));
}, 120_000);

afterAll(async () => {
  await svc?.close();
  await closeDuck();
  scanned?.catalog.close();
  removeDir(work);
});

const rowsOf = (day: string): number => m.chunks.find((c) => c.name === day)!.tables[TABLE];
const readable = (): number => m.chunks.filter((c) => c.name !== damagedDay).reduce((s, c) => s + c.tables[TABLE], 0);

describe('a part damaged inside leaves a many-chunk view', () => {
  it('the scan found nothing wrong with it (so the view cannot skip it up front)', () => {
    expect(scanned.report.problems.filter((p) => p.chunk === damagedDay)).toEqual([]);
    expect(rowsOf(damagedDay)).toBeGreaterThan(0);
  });

  it("'all': every other day's rows, in order; the day listed as unreadable; the renderer told", async () => {
    const info = await svc.openTable(drop, { table: TABLE, scope: 'all' });
    const got: string[][] = [];
    const chunks: string[] = [];
    for (let offset = 0; ; offset += 400) {
      const page = await svc.getRows(info.handle, { offset, limit: 400 });
      got.push(...page.rows);
      chunks.push(...page.rowChunks);
      if (page.rows.length < 400) break;
    }
    expect(got.length).toBe(readable());
    expect(new Set(chunks)).toEqual(new Set(m.chunks.map((c) => c.name).filter((n) => n !== damagedDay)));
    expect(chunks).not.toContain(damagedDay);
    const after = await svc.tableInfo(info.handle);
    expect(after.totalRows).toBe(readable());
    expect(after.chunks).not.toContain(damagedDay);
    expect(after.problems.unreadable).toEqual([
      { chunk: damagedDay, error: expect.stringMatching(/^FACT_REVIEWS\.parquet: its data cannot be decoded: the file is damaged inside \(.+\)$/) },
    ]);
    expect(events).toContainEqual({ type: 'table-part-left', handle: info.handle, chunk: damagedDay, error: after.problems.unreadable[0].error });
    await svc.closeTable(info.handle);
  }, 120_000);

  it('a sorted view is computed over the other days', async () => {
    const all = await svc.openTable(drop, { table: TABLE, scope: 'all' });
    const sorted = await svc.getRows(all.handle, { offset: 0, limit: 5, sort: { column: 'review_id', desc: true } });
    expect(sorted.totalRows).toBe(readable());
    expect(sorted.rowChunks).not.toContain(damagedDay);
    expect((await svc.tableInfo(all.handle)).problems.unreadable.map((u) => u.chunk)).toEqual([damagedDay]);
    // Saved as CSV: the other days' records (outside the drop), the header first.
    const saved = path.join(work, 'view.csv');
    const r = await svc.exportView(all.handle, { sort: { column: 'review_id', desc: true } }, saved);
    expect(r.rows).toBe(readable());
    const lines = readFileSync(saved, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(readable() + 1);
    expect(lines.slice(1).some((l) => l.startsWith(`${damagedDay},`))).toBe(false);
    await svc.closeTable(all.handle);
  }, 120_000);

  it("the damaged day's own table is still the read's error, naming the file", async () => {
    const one = await svc.openTable(drop, { table: TABLE, scope: { chunk: damagedDay } }).catch((e: Error) => e);
    const err = one instanceof Error ? one : await svc.getRows(one.handle, { offset: 0, limit: 5 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/its data cannot be decoded: the file is damaged inside/);
  }, 120_000);
});

describe('a full-snapshot family whose newest dump cannot be read', () => {
  it('its merged view (the newest dump alone) fails as unreadable, naming the file, not as an internal error', async () => {
    const dir = tempDir('di-part-left-newest-');
    await writeDailyDrop(path.join(dir, 'drop'), { days: 2 });
    await closeDailyGenerator();
    const root = path.join(dir, 'drop', 'analytics-export');
    const newest = readdirSync(root).sort().at(-1)!;
    damageParquetPages(path.join(root, newest, `${TABLE}.parquet`));
    const sc = await scan(root);
    const service = new TableService({ catalog: sc.catalog, cacheDir: path.join(dir, 'cache'), workers: 0, firstRows: 50 });
    try {
      const err = await service
        .openTable(root, { table: TABLE, scope: 'merged' })
        .then((info) => service.getRows(info.handle, { offset: 0, limit: 5 }))
        .then(
          () => null,
          (e: Error) => e,
        );
      expect(err).toMatchObject({ code: 'unreadable' });
      expect(err!.message).toMatch(new RegExp(`^${newest}/FACT_REVIEWS\\.parquet: its data cannot be decoded: the file is damaged inside`));
    } finally {
      await service.close();
      sc.catalog.close();
      removeDir(dir);
    }
  }, 120_000);
});

describe('an archive replaced after the scan leaves the merged view (upsert by key)', () => {
  it('the other chunks are merged; the replaced one is listed: scan again', async () => {
    const dir = tempDir('di-part-left-gim-');
    const g = await writeGimDrop(path.join(dir, 'drop'), { seed: 7, chunks: 4, rowsPerTable: 30, extras: false });
    const sc = await scan(g.root);
    const service = new TableService({ catalog: sc.catalog, cacheDir: path.join(dir, 'cache'), workers: 2, firstRows: 50 });
    try {
      const changed = g.chunks[1].name;
      const zip = path.join(g.root, g.chunks[1].archive);
      const later = statSync(zip).mtimeMs / 1000 + 60;
      utimesSync(zip, later, later);
      const table = Object.keys(g.chunks[0].tables).find((t) => g.chunks.every((c) => (c.tables[t]?.rows ?? 0) > 0))!;
      const info = await service.openTable(g.root, { table, scope: 'merged' });
      const page = await service.getRows(info.handle, { offset: 0, limit: 1000 });
      expect(page.totalRows).toBeGreaterThan(0);
      expect(page.rowChunks).not.toContain(changed);
      expect(new Set(page.rowChunks).size).toBeGreaterThan(1);
      const after = await service.tableInfo(info.handle);
      expect(after.problems.unreadable).toEqual([{ chunk: changed, error: expect.stringMatching(/changed since it was listed; scan the drop again$/) }]);
    } finally {
      await service.close();
      sc.catalog.close();
      removeDir(dir);
    }
  }, 120_000);
});
