/// <reference lib="dom" />
// End to end, as a support engineer uses it: `drop-inspector serve <drop>` in Chromium, the
// gap and the checksum failure where they are, timeline → chunk → problem, every export
// format, and the token wall. Screenshots of each view land in test-artifacts/screenshots.
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from '../engine/harness';
import { ARTIFACTS, HAVE_CHROMIUM, launchChromium, serve, watchCsp, type Served } from './serve';

let work: string;
let m: GimDropManifest;
let server: Served;
let browser: Browser;
let page: Page;
let csp: Awaited<ReturnType<typeof watchCsp>>;

const shot = async (name: string): Promise<void> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
};

describe.skipIf(!HAVE_CHROMIUM)('the app in Chromium over `drop-inspector serve`', () => {
  beforeAll(async () => {
    work = tempDir('di-e2e-');
    m = await writeGimDrop(path.join(work, 'drop'), { seed: 41, chunks: 12, defects: { 4: ['missing'], 7: ['checksum-mismatch'], 9: ['schema-change'] } });
    server = await serve([m.root, '--catalog', path.join(work, 'catalog.sqlite')]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    csp = await watchCsp(context);
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

  const gap = () => m.missing[0];
  const mismatched = () => m.chunks.find((c) => c.defects.includes('checksum-mismatch'))!;

  it('opens the drop and shows the verdict, the gap and the checksum failure without a click', async () => {
    await page.goto(server.url);
    const verdict = page.getByTestId('verdict-large').or(page.getByTestId('verdict')).first();
    await expect.poll(async () => Number(await verdict.getAttribute('data-problems')), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    // Both planted problems, however the scan's chunks arrive (late/stale can come first).
    await expect
      .poll(async () => {
        const text = await page.getByTestId('problem-list').first().innerText();
        return text.includes(`${gap().hwmFrom}..${gap().hwmTo}`) && text.includes(mismatched().name);
      }, { timeout: 30_000 })
      .toBe(true);
    const problems = await page.getByTestId('problem-list').first().innerText();
    expect(problems).toMatch(/gap/i);
    expect(problems).toContain(mismatched().name);
    expect(await page.getByTestId('timeline-canvas').first().isVisible()).toBe(true);
    // The token has left the address bar.
    expect(page.url()).not.toContain(server.token);
    await shot('01-first-screen');
  });

  it('clicking a problem selects its chunk everywhere', async () => {
    await page.getByTestId('tab-problems').click();
    const row = page.locator('[data-testid^="problem-row-"][data-kind="checksum-mismatch"]').first();
    expect(await row.innerText()).toContain(mismatched().name);
    await row.click();
    await expect.poll(() => page.getByTestId('chunk-detail-name').first().innerText(), { timeout: 10_000 }).toContain(mismatched().name);
    await shot('02-problems');
  });

  it('the chunks list and the detail pane show the chunk, its checksum state and its tables', async () => {
    await page.getByTestId('tab-chunks').click();
    const row = page.getByTestId(`chunk-row-${m.chunks[0].name}`);
    await row.click();
    await expect.poll(() => page.getByTestId('chunk-detail-name').first().innerText()).toContain(m.chunks[0].name);
    const detail = await page.getByTestId('chunk-detail').first().innerText();
    for (const t of Object.keys(m.chunks[0].tables)) expect(detail).toContain(t);
    expect(await page.getByTestId(`chunk-row-${mismatched().name}`).innerText()).toMatch(/mismatch/i);
    await shot('03-chunks');
  });

  it('the timeline and the coverage matrix draw', async () => {
    await page.getByTestId('tab-timeline').click();
    const canvas = page.getByTestId('timeline-canvas').first();
    const box = (await canvas.boundingBox())!;
    expect(box.width).toBeGreaterThan(200);
    // The canvas has drawn something: not a blank bitmap.
    const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const first = d.slice(0, 4).join();
      for (let i = 0; i < d.length; i += 4 * 97) if (d.slice(i, i + 4).join() !== first) return true;
      return false;
    });
    expect(inked).toBe(true);
    await shot('04-timeline');
    await page.getByTestId('tab-coverage').click();
    await expect.poll(() => page.getByTestId('coverage-matrix').or(page.getByTestId('coverage-table')).first().isVisible()).toBe(true);
    await shot('05-coverage');
    await page.getByTestId('tab-overview').click();
    await shot('06-overview');
  });

  it('exports each report format with the gap in it', async () => {
    for (const format of ['md', 'csv', 'json', 'html']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).first().click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${format}$`));
      const text = readFileSync((await download.path())!, 'utf8');
      expect(text).toContain(`${gap().hwmFrom}..${gap().hwmTo}`);
      expect(text).toContain(mismatched().name);
      if (format === 'json') expect(JSON.parse(text).format).toBe('gim');
    }
  });

  it('refuses requests without the token, with a foreign Host or a foreign Origin', async () => {
    const get = (p: string, headers: Record<string, string> = {}, method = 'GET'): Promise<number> =>
      new Promise((resolve, reject) => {
        const u = new URL(p, server.origin);
        const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end(method === 'POST' ? '{"args":[]}' : undefined);
      });
    expect(await get('/')).toBe(401);
    expect(await get('/?token=wrong')).toBe(401);
    expect(await get('/api/call/recentDrops', { 'content-type': 'application/json' }, 'POST')).toBe(401);
    expect(await get(`/?token=${server.token}`, { host: 'evil.example' })).toBe(403);
    expect(
      await get('/api/call/recentDrops', { 'content-type': 'application/json', 'x-drop-inspector-token': server.token, origin: 'http://evil.example' }, 'POST'),
    ).toBe(403);
    expect(await get('/api/call/recentDrops', { 'content-type': 'application/json', 'x-drop-inspector-token': server.token }, 'POST')).toBe(200);
  });

  it('breaks no Content-Security-Policy rule in any view above (no inline styles needed)', async () => {
    expect(await csp.check(page)).toEqual([]);
  });
});
