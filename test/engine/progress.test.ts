// Progress that adds up: the bytes a scan (or a re-hash of everything) reports are the
// drop's bytes, not the work behind them (an archive is hashed, then inflated).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { scanDrop } from '../../src/engine/scan';
import type { ScanProgress } from '../../src/shared/api';
import { writeGimDrop } from '../fixtures/gim-drop';
import { closeDailyGenerator, writeDailyDrop } from '../fixtures/daily-drop';
import { removeDir, tempDir } from './harness';

const work = tempDir('di-progress-');
afterAll(async () => {
  await closeDailyGenerator();
  removeDir(work);
});

function sizeOf(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? sizeOf(p) : statSync(p).size;
  }
  return n;
}

describe('scan progress', () => {
  it('counts up to the drop\u2019s size, on a first scan and on a re-hash of every archive', async () => {
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 9, chunks: 6, rowsPerTable: 300 });
    const dropBytes = sizeOf(m.root);
    const catalog = new Catalog(path.join(work, 'catalog.sqlite'));
    try {
      for (const verify of [false, true]) {
        const seen: ScanProgress[] = [];
        await scanDrop(m.root, { catalog, verify, cadence: cadenceOf({}), onProgress: (p) => seen.push({ ...p, jobId: '' }) });
        const last = seen.filter((p) => p.bytesTotal > 0).pop()!;
        expect(last.bytesTotal, `verify=${verify}`).toBeLessThanOrEqual(dropBytes);
        expect(last.bytesTotal).toBeGreaterThan(dropBytes * 0.8);
        expect(last.bytesDone).toBe(last.bytesTotal);
        for (const p of seen) expect(p.bytesDone).toBeLessThanOrEqual(p.bytesTotal);
      }
    } finally {
      catalog.close();
    }
  });

  it('does not fill up while the chunks read more than their estimate (a daily dump: footers estimated, key columns read too)', async () => {
    const days = 8;
    const dailyDir = path.join(work, 'daily');
    await writeDailyDrop(dailyDir, { days, reviewRows: 20_000 });
    const catalog = new Catalog(path.join(work, 'daily.sqlite'));
    try {
      const seen: ScanProgress[] = [];
      await scanDrop(dailyDir, { catalog, cadence: cadenceOf({}), saveBatch: { chunks: 1, ms: 0 }, onProgress: (p) => seen.push({ ...p, jobId: '' }) });
      const scanning = seen.filter((p) => p.phase === 'scanning' && p.bytesTotal > 0);
      const half = scanning.filter((p) => p.chunksDone <= days / 2);
      expect(half.length).toBeGreaterThan(0);
      // Before: the bar was full (and "0 s left") once the first day or two were read.
      for (const p of half) expect(p.bytesDone / p.bytesTotal, JSON.stringify(p)).toBeLessThan(0.9);
      for (let i = 1; i < seen.length; i++) expect(seen[i].bytesDone).toBeGreaterThanOrEqual(seen[i - 1].bytesDone);
      const last = seen.filter((p) => p.bytesTotal > 0).pop()!;
      expect(last.bytesDone).toBe(last.bytesTotal);
    } finally {
      catalog.close();
    }
  });
});
