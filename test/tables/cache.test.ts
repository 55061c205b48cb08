// The table cache: reused across runs (no second read), invalidated when an archive changes,
// bounded by LRU eviction, never inside the drop; first rows served while the first read
// goes on.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { closeDuck } from '../../src/engine/tables/analysis';
import {
  defaultCacheDir,
  defaultCacheMaxBytes,
  TableCache,
  type EntryMeta,
} from '../../src/engine/tables/cache';
import { TableService } from '../../src/engine/tables/table-service';
import type { TableEvent } from '../../src/shared/table-api';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, scan, tempDir } from '../engine/harness';
import { chunkName, writeCustomDrop } from './custom-drop';
import { truthOf } from './truth';

let work: string;
let m: GimDropManifest;
let catalogFile: string;
const cacheDir = (): string => path.join(work, 'cache');

beforeAll(async () => {
  work = tempDir('di-tcache-');
  m = await writeGimDrop(path.join(work, 'drop'), {
    seed: 41,
    chunks: 3,
    rowsPerTable: 40,
    tables: ['interaction_fact', 'resource_'],
  });
  catalogFile = path.join(work, 'catalog.sqlite');
  (await scan(m.root, { catalogFile })).catalog.close();
});

afterAll(async () => {
  await closeDuck();
  removeDir(work);
});

function entryMetas(): EntryMeta[] {
  const base = path.join(cacheDir(), 'e');
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((n) => !n.startsWith('.'))
    .map((n) => JSON.parse(readFileSync(path.join(base, n, 'meta.json'), 'utf8')) as EntryMeta);
}

async function withService<T>(fn: (svc: TableService) => Promise<T>): Promise<T> {
  const catalog = new Catalog(catalogFile);
  const svc = new TableService({ catalog, cacheDir: cacheDir(), workers: 1 });
  try {
    return await fn(svc);
  } finally {
    await svc.close();
    catalog.close();
  }
}

describe('reuse and invalidation', () => {
  it('a second run reuses the entries (and the merged view) without reading the archives again', async () => {
    const truth = await truthOf(m, 'interaction_fact');
    const first = await withService(async (svc) => {
      const h = await svc.openTable(m.root, { table: 'interaction_fact', scope: 'merged' });
      return (await svc.getRows(h.handle, { offset: 0, limit: 1000 })).rows;
    });
    const metas = entryMetas();
    expect(metas.map((x) => x.source.member).sort()).toEqual(truth.map(() => 'interaction_fact.csv'));
    const views = readdirSync(path.join(cacheDir(), 'v')).filter((n) => !n.startsWith('.'));
    expect(views.length).toBe(1);

    await withService(async (svc) => {
      const tables = await svc.listTables(m.root);
      expect(tables.find((t) => t.table === 'interaction_fact')!.chunks.every((c) => c.cached)).toBe(true);
      expect(tables.find((t) => t.table === 'resource_')!.chunks.some((c) => c.cached)).toBe(false);
      const h = await svc.openTable(m.root, { table: 'interaction_fact', scope: 'all' });
      expect(h.complete).toBe(true); // known from the cache before any read
      expect(h.totalRows).toBe(truth.reduce((s, t) => s + t.rows.length, 0));
      const mh = await svc.openTable(m.root, { table: 'interaction_fact', scope: 'merged' });
      expect((await svc.getRows(mh.handle, { offset: 0, limit: 1000 })).rows).toEqual(first);
    });
    // Nothing was rebuilt.
    expect(
      entryMetas()
        .map((x) => x.builtAt)
        .sort(),
    ).toEqual(metas.map((x) => x.builtAt).sort());
    expect(readdirSync(path.join(cacheDir(), 'v')).filter((n) => !n.startsWith('.'))).toEqual(views);
  });

  it('an archive that changes gets a new entry (after a re-scan); until then reading it is refused', async () => {
    const c0 = m.chunks[0];
    const zip = path.join(m.root, c0.archive);
    const t = statSync(zip).mtimeMs / 1000 + 3600;
    utimesSync(zip, t, t);
    await withService(async (svc) => {
      // The catalog still describes the old archive: the engine says so instead of showing stale rows.
      const h = await svc.openTable(m.root, { table: 'resource_', scope: { chunk: c0.name } });
      await expect(svc.getRows(h.handle, { offset: 0, limit: 5 })).rejects.toThrow(
        /changed.*scan the drop again/,
      );
    });
    (await scan(m.root, { catalogFile })).catalog.close();
    const before = entryMetas().length;
    await withService(async (svc) => {
      const tables = await svc.listTables(m.root);
      const chunks = tables.find((t) => t.table === 'interaction_fact')!.chunks;
      expect(chunks.map((c) => c.cached)).toEqual([false, true, true]);
      const truth = (await truthOf(m, 'interaction_fact'))[0];
      const h = await svc.openTable(m.root, { table: 'interaction_fact', scope: { chunk: c0.name } });
      expect((await svc.getRows(h.handle, { offset: 0, limit: 1000 })).rows).toEqual(truth.rows);
      await svc.settle(h.handle);
    });
    expect(entryMetas().length).toBe(before + 1);
  });
});

describe('first rows while the first read goes on', () => {
  it('serves the first page before the member is indexed, and totalRows grows to the count', async () => {
    const drop = path.join(work, 'big');
    const rows = 300_000;
    const blocks: Buffer[] = [Buffer.from('ID,NAME,VALUE\n')];
    for (let b = 0; b < rows; b += 10_000) {
      let s = '';
      for (let i = b; i < b + 10_000; i++) s += `${i},"name ${i % 977}, x",${(i * 7919) % 100_003}\n`;
      blocks.push(Buffer.from(s));
    }
    await writeCustomDrop(drop, [{ members: { 'big.csv': blocks } }]);
    const s = await scan(drop);
    const svc = new TableService({ catalog: s.catalog, cacheDir: path.join(work, 'cache-big'), workers: 1 });
    const events: TableEvent[] = [];
    svc.onTableEvent((e) => events.push(e));
    try {
      const h = await svc.openTable(drop, { table: 'big', scope: { chunk: chunkName(0) } });
      const page = await svc.getRows(h.handle, { offset: 0, limit: 50 });
      expect(page.rows[49]).toEqual(['49', 'name 49, x', String((49 * 7919) % 100_003)]);
      expect(page.complete).toBe(false);
      const deep = await svc.getRows(h.handle, { offset: rows - 2, limit: 5 });
      expect(deep.rows).toEqual(
        [rows - 2, rows - 1].map((i) => [String(i), `name ${i % 977}, x`, String((i * 7919) % 100_003)]),
      );
      await svc.settle(h.handle);
      const info = await svc.tableInfo(h.handle);
      expect(info).toMatchObject({ totalRows: rows, complete: true });
      expect(events.some((e) => e.type === 'table-progress' && e.progress.phase === 'reading')).toBe(true);
      const grown = events.filter(
        (e): e is Extract<TableEvent, { type: 'table-grown' }> => e.type === 'table-grown',
      );
      expect(grown[grown.length - 1]).toMatchObject({ totalRows: rows, complete: true });
    } finally {
      await svc.close();
      s.catalog.close();
    }
  });
});

describe('bounds', () => {
  it('evicts the least recently used entries past the limit, never pinned ones', async () => {
    const dir = path.join(work, 'lru');
    const cache = new TableCache({ dir, maxBytes: 2500 });
    const put = (key: string, ageS: number): void => {
      const d = cache.entryDir(key);
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, 'data.csv'), Buffer.alloc(1000));
      writeFileSync(path.join(d, 'meta.json'), '{}');
      const t = Date.now() / 1000 - ageS;
      utimesSync(path.join(d, 'meta.json'), t, t);
    };
    put('old', 300);
    put('pinned', 400);
    put('mid', 200);
    put('new', 100);
    const unpin = cache.pin('pinned');
    await cache.evict();
    expect(readdirSync(path.join(dir, 'e')).sort()).toEqual(['new', 'pinned']);
    unpin();
    expect(cache.has('new')).toBe(true);
  });

  it('lives in the platform cache folder unless DROP_INSPECTOR_CACHE says otherwise', () => {
    expect(defaultCacheDir({ DROP_INSPECTOR_CACHE: '/x/y' }, 'linux')).toBe(path.resolve('/x/y'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux')).toBe(
      path.join('/xdg', 'drop-inspector', 'tables'),
    );
    expect(defaultCacheDir({}, 'darwin')).toMatch(/Library[\\/]Caches[\\/]drop-inspector/);
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\L' }, 'win32')).toContain('drop-inspector');
    expect(defaultCacheMaxBytes({})).toBe(10 * 1024 ** 3);
    expect(defaultCacheMaxBytes({ DROP_INSPECTOR_CACHE_MAX: '500M' })).toBe(500 * 1024 ** 2);
  });

  it('never writes inside the drop', async () => {
    const before = readdirSync(m.root, { recursive: true }).length;
    await withService(async (svc) => {
      const h = await svc.openTable(m.root, { table: 'resource_', scope: 'merged' });
      await svc.getRows(h.handle, { offset: 0, limit: 10, sort: { column: 'RESOURCE_NAME' } });
    });
    expect(readdirSync(m.root, { recursive: true }).length).toBe(before);
  });
});
