/// <reference lib="dom" />
// A first-time user's path, in Chromium over `drop-inspector serve` with no drop: the
// folder browser to open a drop, the help panel (? and F1), the judgement settings
// (remembered per drop, the verdict re-judged at once), the app at 1024×700 and at 375 px, and no failed
// request on the way (the favicon included). Screenshots land in test-artifacts/screenshots.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from '../engine/harness';
import { ARTIFACTS, HAVE_CHROMIUM, launchChromium, serve, type Served } from './serve';

let work: string;
let m: GimDropManifest;
let server: Served;
let browser: Browser;
let page: Page;
let serverLog = '';
const failed: string[] = [];

const shot = async (name: string): Promise<void> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
};

describe.skipIf(!HAVE_CHROMIUM)('a newcomer in the browser host', () => {
  beforeAll(async () => {
    work = tempDir('di-e2e-newcomer-');
    m = await writeGimDrop(path.join(work, 'drops', 'site-a'), {
      seed: 44,
      chunks: 14,
      rowsPerTable: 400,
      defects: { 3: ['missing'], 6: ['truncated'], 9: ['duplicate'] },
    });
    mkdirSync(path.join(work, 'drops', 'not-yet'));
    server = await serve([
      '--catalog',
      path.join(work, 'catalog.sqlite'),
      '--browse-root',
      path.join(work, 'drops'),
    ]);
    server.child.stderr!.on('data', (d) => (serverLog += d));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    page.on('pageerror', (e) => failed.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      // The API's own refusals carry their reason (a drop not scanned yet is a 404 the app expects);
      // anything else failing (the favicon, an asset) or any 5xx is a defect.
      if (r.status() >= 500 || (r.status() >= 400 && !r.url().includes('/api/call/')))
        failed.push(`${r.status()} ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeDir(work);
  });

  it('Browse… lists folders served by the host and opens a drop from there', async () => {
    await page.goto(server.url);
    await page.getByTestId('open-view').waitFor();
    await page.getByTestId('browse-button').click();
    const browserPanel = page.getByTestId('folder-browser');
    await browserPanel.waitFor();
    await page.locator(`[data-testid="folder-entry"][data-path="${path.join(work, 'drops')}"]`).click();
    await expect
      .poll(() => page.getByTestId('folder-list').innerText(), { timeout: 15_000 })
      .toContain('site-a');
    expect(await page.getByTestId('folder-list').innerText()).toContain('not-yet');
    await shot('30-folder-browser');
    await page.getByTestId('folder-open-entry').first().click();
    const verdict = page.getByTestId('verdict-large').or(page.getByTestId('verdict')).first();
    await expect
      .poll(async () => Number(await verdict.getAttribute('data-problems')), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('drop-path').first().innerText()).toContain(m.root);
  });

  it('? and F1 open the help with shortcuts and a glossary; Esc closes it', async () => {
    await page.locator('body').press('?');
    const help = page.getByTestId('help-panel');
    await help.waitFor();
    const text = await help.innerText();
    for (const term of [
      'Audit key',
      'High-water mark',
      'Chunk',
      'Cadence',
      'Grace',
      'Name order',
      'Merged view',
    ])
      expect(text).toContain(term);
    for (const keys of ['Timeline', 'Table grid', 'Ctrl+C']) expect(text).toContain(keys);
    await shot('31-help-panel');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('F1');
    await help.waitFor();
    await page.getByTestId('help-panel-close').click();
    await help.waitFor({ state: 'detached' });
    await page.getByTestId('help-button').click();
    await help.waitFor();
    await page.keyboard.press('Escape');
  });

  it('judgement settings re-judge at once and are remembered for the drop', async () => {
    const newest = Math.max(...m.chunks.map((c) => c.createdTs));
    const weekLater = new Date((newest + 7 * 86400) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    const problems = async () => (await page.getByTestId('problem-list').first().innerText()).toLowerCase();
    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-panel').waitFor();
    await page.getByTestId('settings-cadence').fill('8h');
    await page.getByTestId('settings-grace').fill('1h');
    await page.getByTestId('settings-asof').fill(weekLater);
    await shot('32-settings');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-panel').waitFor({ state: 'detached' });
    await expect.poll(problems, { timeout: 15_000 }).toContain('stale');
    // One time format: no raw ISO with milliseconds in what is shown.
    expect(await page.locator('#main').innerText()).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}Z/);
    // Remembered: a reload of the same drop judges it the same way.
    await page.reload();
    await page.getByTestId('open-view').or(page.getByTestId('drop-path')).first().waitFor();
    if (await page.getByTestId('open-view').isVisible()) await page.getByTestId('recent-drop-0').click();
    await expect.poll(problems, { timeout: 30_000 }).toContain('stale');
    await page.getByTestId('settings-button').click();
    expect(await page.getByTestId('settings-grace').inputValue()).toBe('1h');
    // Back to the defaults, judged as of now: the setting goes away again.
    await page.getByTestId('settings-reset').click();
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-panel').waitFor({ state: 'detached' });
  });

  it('at 1024×700 the header stays on one or two lines and a table with the cell panel shows rows and columns', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByTestId('drop-path').first().waitFor();
    const header = await page.locator('header.header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(90);
    await shot('33-1024x700-overview');
    await page.getByTestId('tab-tables').click();
    await page.getByTestId('table-item-interaction_fact').click();
    const grid = page.getByTestId('table-grid');
    await grid.waitFor({ timeout: 30_000 });
    await page.getByTestId('row-1').waitFor({ timeout: 30_000 });
    await page.getByTestId('row-1').locator('[data-col="1"]').click();
    await page.getByTestId('table-scroll').press('Enter');
    await page.getByTestId('cell-inspector').waitFor();
    await page.waitForTimeout(300);
    await shot('34-1024x700-table-cell-panel');
    // Rows and columns that a person can work with, beside the open cell panel.
    const scroll = await page.getByTestId('table-scroll').boundingBox();
    expect(scroll!.height).toBeGreaterThanOrEqual(300);
    expect(scroll!.width).toBeGreaterThanOrEqual(450);
    const visibleRows = await page.locator('[data-testid^="row-"]').evaluateAll(
      (els, bottom) =>
        els.filter((e) => {
          const r = e.getBoundingClientRect();
          return r.height > 0 && r.top >= 0 && r.bottom <= (bottom as number);
        }).length,
      scroll!.y + scroll!.height,
    );
    expect(visibleRows).toBeGreaterThanOrEqual(8);
    const toolbar = await page.getByTestId('view-bar').boundingBox();
    expect(toolbar!.height).toBeLessThanOrEqual(80);
  });

  it('at 375 px wide: the views are a strip above the view; the menu, the settings and the help fit the window', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByTestId('tab-overview').click();
    await page.waitForTimeout(300);
    const nav = (await page.locator('nav.nav').boundingBox())!;
    const main = (await page.locator('#main').boundingBox())!;
    expect(nav.y + nav.height).toBeLessThanOrEqual(main.y + 1);
    expect(main.width).toBeGreaterThanOrEqual(360);
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(sideways).toBeLessThanOrEqual(0);
    await shot('35-375-overview');
    // The folded header actions open inside the window, and the menu closes by itself.
    await page.getByTestId('toolbar-more-button').click();
    const menu = (await page.locator('.toolbar-more-menu').boundingBox())!;
    expect(menu.x).toBeGreaterThanOrEqual(0);
    expect(menu.x + menu.width).toBeLessThanOrEqual(375);
    await shot('36-375-menu');
    await page.getByTestId('settings-button').click();
    const settings = (await page.getByTestId('settings-panel').boundingBox())!;
    expect(settings.x).toBeGreaterThanOrEqual(0);
    expect(settings.x + settings.width).toBeLessThanOrEqual(375);
    expect(await page.locator('.toolbar-more-menu').isVisible()).toBe(false);
    await shot('37-375-settings');
    await page.keyboard.press('Escape');
    await page.getByTestId('settings-panel').waitFor({ state: 'detached' });
    // The help's two columns stack: the glossary starts below the shortcuts, not beside them.
    await page.locator('body').press('?');
    await page.getByTestId('help-panel').waitFor();
    const [keys, words] = await page
      .locator('.help-columns h3')
      .evaluateAll((hs) => hs.map((h) => h.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y })));
    expect(Math.abs(keys.x - words.x)).toBeLessThanOrEqual(2);
    expect(words.y).toBeGreaterThan(keys.y);
    await shot('38-375-help');
    await page.keyboard.press('Escape');
  });

  it('no request failed and the server logged no stack trace', () => {
    expect(failed, failed.join('\n')).toEqual([]);
    expect(serverLog).not.toMatch(/\n\s+at /);
  });
});
