// The Tables tab when one day's Parquet file is damaged inside (its footer whole, so the scan
// finds nothing): every other day's rows show in the all-days view, the day is named above the
// grid, and the view's total is the other days' rows, through the real engine and HTTP host. Once the day is
// re-transferred and the drop re-scanned, the open view reads it anew.
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDailyGenerator, damageParquetPages, writeDailyDrop, type Manifest } from '../fixtures/daily-drop';
import { removeDir, tempDir } from '../engine/harness';
import { ARTIFACTS, HAVE_CHROMIUM, launchChromium, serve, type Served } from './serve';

describe.skipIf(!HAVE_CHROMIUM)('a day that fails only when read leaves the all-days view', () => {
  let work: string;
  let m: Manifest;
  let drop: string;
  let day: string;
  let server: Served;
  let browser: Browser;
  let whole: Buffer;

  beforeAll(async () => {
    work = tempDir('di-e2e-part-left-');
    m = await writeDailyDrop(path.join(work, 'drop'), { days: 4 });
    await closeDailyGenerator();
    drop = path.join(work, 'drop', 'analytics-export');
    day = readdirSync(drop).sort()[2];
    whole = readFileSync(path.join(drop, day, 'FACT_REVIEWS.parquet'));
    damageParquetPages(path.join(drop, day, 'FACT_REVIEWS.parquet'));
    server = await serve([drop, '--catalog', path.join(work, 'catalog.sqlite')]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeDir(work);
  });

  it('shows the other days, names the damaged one, counts what is readable', async () => {
    const readable = m.chunks.filter((c) => path.posix.basename(c.name) !== day).reduce((s, c) => s + c.tables.FACT_REVIEWS, 0);
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(server.url);
    await page.getByTestId('verdict-large').or(page.getByTestId('verdict')).first().waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-tables').click();
    await page.getByTestId('table-item-FACT_REVIEWS').click();
    const count = page.getByTestId('table-count');
    await expect.poll(async () => Number(await count.getAttribute('data-total')), { timeout: 30_000 }).toBe(readable);
    await expect
      .poll(() => page.getByTestId('table-problems').innerText(), { timeout: 15_000 })
      .toMatch(new RegExp(`${day}: FACT_REVIEWS\\.parquet: its data cannot be decoded: the file is damaged inside`));
    // No error in place of the grid: its first row is the first day's.
    await expect.poll(() => page.getByTestId('row-0').innerText(), { timeout: 15_000 }).toContain(path.posix.basename(m.chunks[0].name));
    expect(await page.getByTestId('error-message').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'table-part-left.png') });
    // The day re-transferred whole, and the drop re-scanned: the open view reads it anew, with
    // every day's rows and no problem left above the grid.
    const file = path.join(drop, day, 'FACT_REVIEWS.parquet');
    writeFileSync(file, whole);
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    await page.getByTestId('rescan').click();
    const all = m.chunks.reduce((s, c) => s + c.tables.FACT_REVIEWS, 0);
    await expect.poll(async () => Number(await count.getAttribute('data-total')), { timeout: 30_000 }).toBe(all);
    await expect.poll(() => page.getByTestId('table-problems').count(), { timeout: 15_000 }).toBe(0);
    await page.close();
  }, 120_000);
});
