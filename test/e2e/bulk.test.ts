// A bulk-export drop in the app, in Chromium over `drop-inspector serve`: the timeline is on
// the time axis with the missing window as a gap and the short request's undelivered part
// (its tooltip says so), the overview says how much was not delivered, and a record type's
// table opens across all requests with every row.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBulkDrop, type BulkDropManifest } from '../fixtures/bulk-drop';
import { removeDir, tempDir } from '../engine/harness';
import { ARTIFACTS, HAVE_CHROMIUM, launchChromium, serve, type Served } from './serve';

let work: string;
let m: BulkDropManifest;
let server: Served;
let browser: Browser;
let page: Page;

const shot = async (name: string): Promise<void> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
};

describe.skipIf(!HAVE_CHROMIUM)('a bulk-export drop in the app', () => {
  beforeAll(async () => {
    work = tempDir('di-e2e-bulk-');
    m = await writeBulkDrop(path.join(work, 'drop'), {
      seed: 44,
      requests: 8,
      defects: ['missing-window', 'short-export', 'terminated'],
    });
    server = await serve([m.root, '--catalog', path.join(work, 'catalog.sqlite')]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeDir(work);
  });

  it('draws the timeline on the time axis with the missing window and the short request', async () => {
    await page.goto(server.url);
    const verdict = page.getByTestId('verdict-large').or(page.getByTestId('verdict')).first();
    await expect
      .poll(async () => Number(await verdict.getAttribute('data-problems')), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => page.getByTestId('stat-keys').innerText(), { timeout: 30_000 })
      .toMatch(/covers[\s\S]*not delivered/i);
    await shot('bulk-01-overview');
    await page.getByTestId('tab-timeline').click();
    const canvas = page.getByTestId('timeline-canvas').first();
    await expect.poll(() => canvas.getAttribute('aria-label')).toMatch(/along the time axis, 1 gap\b/);
    // No audit keys in this family: the time axis is the only one offered.
    expect(await page.getByTestId('axis-key').count()).toBe(0);
    // Hover along the lane until the short request's tooltip shows: it names the undelivered hours.
    const short = m.chunks.find((c) => c.defect === 'short-export')!;
    const box = (await canvas.boundingBox())!;
    let found: string | null = null;
    for (let y = 12; y < 80 && !found; y += 8) {
      for (let x = 4; x < box.width && !found; x += 6) {
        await page.mouse.move(box.x + x, box.y + y);
        const tip = page.getByTestId('timeline-tooltip');
        if (!(await tip.isVisible().catch(() => false))) continue;
        const text = await tip.innerText();
        if (text.startsWith(short.name)) found = text;
      }
    }
    expect(found).toMatch(/1\.0 h requested but not delivered/);
    await shot('bulk-02-timeline-short-request');
    // The gap between the windows: its tooltip says which hours no request delivered.
    const missing = m.missing[0];
    const hours = ((missing.to - missing.from) / 3600).toFixed(1);
    let gapTip: string | null = null;
    for (let x = 4; x < box.width && !gapTip; x += 4) {
      await page.mouse.move(box.x + x, box.y + 30);
      const tip = page.getByTestId('timeline-tooltip');
      if (await tip.isVisible().catch(() => false)) {
        const t = await tip.innerText();
        if (t.startsWith('Gap:')) gapTip = t;
      }
    }
    expect(gapTip).toContain(`${hours} h missing`);
    await shot('bulk-03-timeline-gap');
  });

  it('opens a record type across all requests with every row', async () => {
    await page.getByTestId('tab-tables').click();
    await page.getByTestId('table-item-session').click();
    const count = page.getByTestId('table-count');
    await expect
      .poll(async () => Number(await count.getAttribute('data-total')), { timeout: 60_000 })
      .toBe(m.totals.session);
    await shot('bulk-04-session-table');
  });
});
