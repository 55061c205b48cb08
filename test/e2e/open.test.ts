/// <reference lib="dom" />
// The Open screen as a new user meets it: `serve` with no drop, a wrong path and a folder of
// an unknown family answered with clear messages in the page, then a real drop opened.
import { mkdirSync, writeFileSync } from 'node:fs';
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

describe.skipIf(!HAVE_CHROMIUM)('opening drops in the browser host', () => {
  beforeAll(async () => {
    work = tempDir('di-e2e-open-');
    m = await writeGimDrop(path.join(work, 'drop'), { seed: 5, chunks: 5 });
    mkdirSync(path.join(work, 'not-a-drop'));
    writeFileSync(path.join(work, 'not-a-drop', 'notes.txt'), 'hello');
    server = await serve(['--catalog', path.join(work, 'catalog.sqlite')]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeDir(work);
  });

  const open = async (p: string): Promise<void> => {
    await page.getByTestId('open-path-input').fill(p);
    await page.getByTestId('open-button').click();
  };

  it('starts on the Open screen and says clearly what is wrong with a path', async () => {
    await page.goto(server.url);
    await page.getByTestId('open-view').waitFor();
    await open(path.join(work, 'nope'));
    const err = page.getByTestId('error-message').first();
    await expect.poll(() => err.getAttribute('data-code'), { timeout: 15_000 }).toBe('not-found');
    expect(await err.innerText()).toMatch(/not found/i);
    expect(await err.innerText()).toContain(path.join(work, 'nope'));
    await open(path.join(work, 'not-a-drop'));
    await expect.poll(() => err.getAttribute('data-code'), { timeout: 15_000 }).toBe('unknown-format');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, '07-open-error.png') });
  });

  it('opens a real drop and lists it among the recent drops afterwards', async () => {
    await open(m.root);
    const verdict = page.getByTestId('verdict-large').or(page.getByTestId('verdict')).first();
    await verdict.waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await page.getByTestId('drop-path').first().innerText()).includes(m.root), { timeout: 30_000 }).toBe(true);
    await page.goto(server.url);
    await page.getByTestId('open-view').waitFor();
    await expect.poll(() => page.getByTestId('recent-drops').innerText(), { timeout: 15_000 }).toContain(m.root);
  });
});
