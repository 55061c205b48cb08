// Issue 7, defect 5: nothing is written inside the opened drop, by any writer. One guard
// (src/engine/fs/write-guard.ts), judged by real location so links do not slip past.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInsideDrop, refuseInsideDrop } from '../../src/engine/fs/write-guard';
import { closeDuck } from '../../src/engine/tables/analysis';
import { TableService } from '../../src/engine/tables/table-service';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { CLI } from './as-user';
import { removeDir, scan, tempDir } from './harness';

let work: string;
let m: GimDropManifest;
beforeAll(async () => {
  work = tempDir('di-guard-');
  m = await writeGimDrop(path.join(work, 'drop'), { seed: 81, chunks: 2, rowsPerTable: 5 });
});
afterAll(async () => {
  await closeDuck();
  removeDir(work);
});

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('the write guard', () => {
  it('judges by real location: the drop, below it, through a link; a sibling named "..x" or "drop2" is outside', () => {
    const link = path.join(work, 'link-to-drop');
    symlinkSync(m.root, link);
    expect(isInsideDrop(m.root, m.root)).toBe(true);
    expect(isInsideDrop(path.join(m.root, 'new/deeper/file.md'), m.root)).toBe(true);
    expect(isInsideDrop(path.join(link, 'x.md'), m.root)).toBe(true);
    expect(isInsideDrop(path.join(work, 'drop2', 'x.md'), m.root)).toBe(false);
    expect(isInsideDrop(path.join(m.root, '..x'), path.join(m.root, 'sub'))).toBe(false);
    expect(() => refuseInsideDrop(path.join(link, 'r.md'), m.root, 'the report')).toThrow(/the report .* would be inside the drop .* read-only/);
  });

  it('report -o onto a vendor file in the drop is refused before anything is written (exit 2, one line)', () => {
    const sha1 = path.join(m.root, m.chunks[0].sha1File!);
    const before = readFileSync(sha1);
    const mtime = statSync(sha1).mtimeMs;
    const r = run(['report', m.root, '--format', 'md', '-o', sha1, '--catalog', path.join(work, 'c1.sqlite')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^drop-inspector: the report .* would be inside the drop/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(sha1).equals(before)).toBe(true);
    expect(statSync(sha1).mtimeMs).toBe(mtime);
    // A new file through a link to the drop: refused too, and not created.
    const viaLink = path.join(work, 'link-to-drop', 'gap-report.md');
    expect(run(['report', m.root, '-o', viaLink, '--catalog', path.join(work, 'c2.sqlite')]).status).toBe(2);
    expect(existsSync(path.join(m.root, 'gap-report.md'))).toBe(false);
    // Outside the drop it writes.
    const ok = run(['report', m.root, '-o', path.join(work, 'ok.md'), '--catalog', path.join(work, 'c3.sqlite')]);
    expect(ok.status).toBe(0);
    expect(readFileSync(path.join(work, 'ok.md'), 'utf8')).toContain('WHOLE');
  });

  it('the table service refuses a cache inside the drop and an exported view inside it', async () => {
    const s = await scan(m.root);
    const inside = new TableService({ catalog: s.catalog, cacheDir: path.join(m.root, '.cache-here'), workers: 0 });
    await expect(inside.listTables(m.root)).rejects.toThrow(/the table cache .* would be inside the drop/);
    await inside.close();
    expect(existsSync(path.join(m.root, '.cache-here'))).toBe(false);

    const cacheDir = path.join(work, 'cache');
    mkdirSync(cacheDir);
    const svc = new TableService({ catalog: s.catalog, cacheDir, workers: 0 });
    try {
      const [t] = await svc.listTables(m.root);
      const h = await svc.openTable(m.root, { table: t.table, scope: 'all' });
      const target = path.join(m.root, m.chunks[0].dir, 'view.csv');
      await expect(svc.exportView(h.handle, {}, target)).rejects.toThrow(/the exported view .* would be inside the drop/);
      expect(existsSync(target)).toBe(false);
      await svc.closeTable(h.handle);
    } finally {
      await svc.close();
      s.catalog.close();
    }
  });
});
