// Issue 7, defects 3, 4 and 6: the table browser applies the scan's zip-bomb limits,
// overlapping and duplicate entries are found when the central directory is read, a local
// header that disagrees with the central one is corruption, `rows` on a damaged member fails
// with the reason, and a killed first read's temporary folder is reclaimed on the next start.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuck } from '../../src/engine/tables/analysis';
import { TableCache } from '../../src/engine/tables/cache';
import { TableService } from '../../src/engine/tables/table-service';
import { copyBase, HOSTILE_CASES, writeBaseDrop } from '../fixtures/hostile-corpus';
import type { GimDropManifest } from '../fixtures/gim-drop';
import { CLI } from './as-user';
import { removeDir, scan, tempDir } from './harness';

let work: string;
let base: GimDropManifest;
let n = 0;
beforeAll(async () => {
  work = tempDir('di-archives-');
  base = await writeBaseDrop(path.join(work, 'base'));
});
afterAll(async () => {
  await closeDuck();
  removeDir(work);
});

/** A copy of the corpus's base drop with one of its cases applied. */
async function dropWith(caseName: string): Promise<string> {
  const c = HOSTILE_CASES.find((x) => x.name === caseName);
  if (!c) throw new Error(`no corpus case ${caseName}`);
  const drop = path.join(work, `drop-${n++}`);
  copyBase(base, drop);
  await c.make(drop, base);
  return drop;
}

const problemsOf = async (drop: string) => {
  const s = await scan(drop, { asOf: Math.max(...base.chunks.map((c) => c.createdTs)) + 60 });
  s.catalog.close();
  return s.report.problems;
};

describe('zip bombs in the table browser', () => {
  it('a likely bomb is refused with the reason (not inflated into the cache); raising --max-ratio reads it', { timeout: 240_000 }, async () => {
    const drop = await dropWith('ratio bomb: 64 MiB of zeros in a few KB');
    const s = await scan(drop);
    const cacheDir = path.join(work, `cache-${n++}`);
    const svc = new TableService({ catalog: s.catalog, cacheDir, workers: 0 });
    try {
      // The member is the table's only part: opening it fails with the reason (else it is listed).
      const reason = await svc.openTable(drop, { table: 'bomb', scope: 'all' }).then(
        async (h) => {
          await svc.settle(h.handle);
          return (await svc.tableInfo(h.handle)).problems.unreadable.map((u) => u.error).join('; ');
        },
        (e: Error) => e.message,
      );
      expect(reason).toMatch(/inflates \d+:1 .* zip bomb.*--max-ratio/);
      expect(existsSync(path.join(cacheDir, 'e')) ? readdirSync(path.join(cacheDir, 'e')) : []).toEqual([]);
    } finally {
      await svc.close();
    }
    const lifted = new TableService({ catalog: s.catalog, cacheDir, workers: 0, limits: { maxRatio: 1e9 } });
    try {
      const h = await lifted.openTable(drop, { table: 'bomb', scope: 'all' });
      await lifted.settle(h.handle);
      expect((await lifted.tableInfo(h.handle)).problems.unreadable).toEqual([]);
    } finally {
      await lifted.close();
      s.catalog.close();
    }
  });

  it('rows on a bomb exits 2 with the reason on stderr, under 500 MB', { timeout: 240_000 }, async () => {
    const d = await dropWith('ratio bomb: 64 MiB of zeros in a few KB');
    const r = spawnSync(process.execPath, [CLI, 'rows', d, 'bomb', '--json', '--catalog', path.join(work, 'rb.sqlite')], {
      encoding: 'utf8',
      env: { ...process.env, DROP_INSPECTOR_CACHE: path.join(work, 'rb-cache'), DROP_INSPECTOR_STATS: '1' },
    });
    // Its only part refused: a clear one-line error (exit 2), not 1.4 GB of zeros.
    expect([1, 2]).toContain(r.status);
    expect(r.stderr).toMatch(/drop-inspector: .*zip bomb/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const rss = JSON.parse(/DROP_INSPECTOR_STATS (\{.*\})/.exec(r.stderr)![1]).maxRssMB as number;
    console.log(`rows on a 64 MiB bomb: peak RSS ${rss} MB`);
    expect(rss).toBeLessThan(500);
  });
});

describe('the memory figure the RSS limits are judged by', () => {
  it('is the CLI\'s own peak, not its parent\'s (getrusage maxrss survives fork and exec on Linux)', () => {
    const held = Buffer.alloc(600 << 20, 1); // a parent holding 600 MB, as a busy test runner does
    const r = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8', env: { ...process.env, DROP_INSPECTOR_STATS: '1' } });
    expect(held[held.length - 1]).toBe(1);
    expect(JSON.parse(/DROP_INSPECTOR_STATS (\{.*\})/.exec(r.stderr)![1]).maxRssMB).toBeLessThan(300);
  });
});

describe('the central directory, checked', () => {
  it('400 entries sharing one local entry: suspicious, inflated once, quickly', async () => {
    const drop = await dropWith('overlapping entries: 400 central entries, one local entry');
    const t = Date.now();
    const problems = await problemsOf(drop);
    const shared = problems.filter((p) => p.kind === 'suspicious-entry' && /shares its data/.test(p.message));
    expect(shared).toHaveLength(399);
    expect(Date.now() - t).toBeLessThan(30_000);
  });

  it('duplicate member names are suspicious even with the same header', async () => {
    const problems = await problemsOf(await dropWith('duplicate member names with the same header'));
    expect(problems.filter((p) => p.kind === 'suspicious-entry' && /appears twice/.test(p.message))).toHaveLength(1);
  });

  it('a local header naming another method or name than the central one is archive-corrupt (as unzip -t says)', async () => {
    for (const name of ['local header names another method than the central one', 'local header holds another name than the central one']) {
      const problems = await problemsOf(await dropWith(name));
      const corrupt = problems.filter((p) => p.kind === 'archive-corrupt' || (p.kind === 'table-unreadable' && /disagrees/.test(p.message)));
      expect(corrupt.length, name).toBeGreaterThan(0);
      expect(problems.some((p) => /local header disagrees with the central directory/.test(p.message)), name).toBe(true);
    }
  });
});

describe('rows on a damaged member', () => {
  it('exits 1 with the reason on stderr instead of an empty table and 0', async () => {
    const drop = await dropWith('bit flipped in member data, checksum rewritten');
    const table = Object.keys(base.chunks[1].tables)[0];
    const r = spawnSync(process.execPath, [CLI, 'rows', drop, table, '--chunk', base.chunks[1].name, '--catalog', path.join(work, 'rd.sqlite')], {
      encoding: 'utf8',
      env: { ...process.env, DROP_INSPECTOR_CACHE: path.join(work, 'rd-cache') },
    });
    expect(r.status).toBe(1);
    // The reason, named by chunk and member (zlib's or the CRC check's words).
    expect(r.stderr).toContain(`${base.chunks[1].name}: ${table}.csv: `);
  });
});

describe('bad requests are not internal errors', () => {
  it('a filter on an unknown column is a bad request (HTTP 400), with the reason', async () => {
    const s = await scan(base.root);
    const svc = new TableService({ catalog: s.catalog, cacheDir: path.join(work, 'cache-filter'), workers: 0 });
    try {
      const table = Object.keys(base.chunks[1].tables)[0];
      const h = await svc.openTable(base.root, { table, scope: 'all' });
      await expect(svc.getRows(h.handle, { offset: 0, limit: 5, filter: [{ column: 'NO_SUCH_COLUMN', op: 'equals', value: 'x' }] })).rejects.toMatchObject({
        code: 'bad-request',
        message: expect.stringMatching(/NO_SUCH_COLUMN/),
      });
    } finally {
      await svc.close();
      s.catalog.close();
    }
  });
});

describe('the table cache after a killed first read', () => {
  it('reclaims the temporary folder of a dead builder at the next start; a live one counts against the bound', async () => {
    const dir = path.join(work, 'cache-reclaim');
    const deadPid = spawnSync('true').pid!;
    const dead = path.join(dir, 'e', `.tmp-0123456789ab-${deadPid}-deadbeef`);
    const live = path.join(dir, 'e', `.tmp-0123456789ab-${process.pid}-cafebabe`);
    for (const d of [dead, live]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, 'data-0.csv'), Buffer.alloc(1000));
    }
    const cache = new TableCache({ dir, maxBytes: 1 << 30 });
    await cache.reclaim();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect((await cache.usage()).bytes).toBe(1000);
  });
  it("never removes a live build's folder that is still empty (a merged view just started)", async () => {
    const cache = new TableCache({ dir: path.join(work, 'cache-fresh'), maxBytes: 1 << 30 });
    const fresh = await cache.tempDir('v', '0123456789abcdef');
    await cache.reclaim();
    await cache.evict();
    expect(existsSync(fresh)).toBe(true);
  });
});
