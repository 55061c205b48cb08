/// <reference lib="dom" />
// The Open screen with an s3:// location (moto_server behind a fault proxy), in Chromium
// through the browser host: a bucket prefix opens and shows its report; no such bucket,
// access denied and no credentials are each one clear line in the page; the coverage heat
// map labels its columns with the run dates.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDailyGenerator, writeDailyDrop } from '../fixtures/daily-drop';
import { removeDir, tempDir } from '../engine/harness';
import { ACCESS_DENIED, startFaultProxy, type FaultProxy } from '../s3/fault-proxy';
import { motoUnavailable, startMoto, uploadDir, type Moto } from '../s3/moto';
import { ARTIFACTS, HAVE_CHROMIUM, launchChromium, serve, type Served } from './serve';

const skip = !HAVE_CHROMIUM || !!motoUnavailable();
const URL_ = 's3://open-bucket/analytics-export/';

describe.skipIf(skip)('opening an s3:// drop in the browser host', () => {
  let work: string;
  let moto: Moto;
  let proxy: FaultProxy;
  let server: Served;
  let noCreds: Served;
  let browser: Browser;
  let page: Page;
  const saved = { ...process.env };

  beforeAll(async () => {
    work = tempDir('di-e2e-open-s3-');
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    await writeDailyDrop(path.join(work, 'drop'), { days: 5, defects: { 2: ['missing-day'] } });
    await closeDailyGenerator();
    await uploadDir(moto.client, 'open-bucket', '', path.join(work, 'drop'));
    mkdirSync(path.join(work, 'aws'));
    writeFileSync(path.join(work, 'aws', 'config'), '');
    // `serve` inherits this environment, as it would a user's shell.
    Object.assign(process.env, moto.env, {
      AWS_ENDPOINT_URL: proxy.endpoint,
      AWS_CONFIG_FILE: path.join(work, 'aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'aws', 'credentials'),
      XDG_CACHE_HOME: path.join(work, 'cache'),
    });
    server = await serve(['--catalog', path.join(work, 'catalog.sqlite')]);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    noCreds = await serve(['--catalog', path.join(work, 'catalog2.sqlite')]);
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await noCreds?.stop();
    await proxy?.close();
    await moto?.stop();
    removeDir(work);
  });

  const open = async (p: string): Promise<void> => {
    await page.getByTestId('open-path-input').fill(p);
    await page.getByTestId('open-button').click();
  };
  const errorLine = async (): Promise<string> => {
    // The box holds a title, the context, the message and its code: the message is the one line.
    const err = page.getByTestId('error-message').first().locator('.error-text');
    await err.waitFor({ timeout: 60_000 });
    return (await err.innerText()).trim();
  };

  it('says in one line that a bucket does not exist, or that access is denied', { timeout: 180_000 }, async () => {
    await page.goto(server.url);
    await page.getByTestId('open-view').waitFor();
    await open('s3://no-such-bucket/analytics-export/');
    const missing = await errorLine();
    expect(missing).toMatch(/no such bucket: s3:\/\/no-such-bucket\/analytics-export\//i);
    expect(missing.split('\n').filter((l) => l.trim())).toHaveLength(1);
    proxy.inject(ACCESS_DENIED, Infinity);
    try {
      await page.goto(server.url);
      await page.getByTestId('open-view').waitFor();
      await open(URL_);
      const denied = await errorLine();
      expect(denied).toMatch(/access denied to s3:\/\/open-bucket\/analytics-export\//i);
      expect(denied.split('\n').filter((l) => l.trim())).toHaveLength(1);
    } finally {
      proxy.inject(ACCESS_DENIED, 0);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, '30-open-s3-denied.png') });
  });

  it('says in one line that there are no credentials', { timeout: 120_000 }, async () => {
    await page.goto(noCreds.url);
    await page.getByTestId('open-view').waitFor();
    await open(URL_);
    const line = await errorLine();
    expect(line).toMatch(/no AWS credentials for s3:\/\/open-bucket\/analytics-export\//i);
    expect(line.split('\n').filter((l) => l.trim())).toHaveLength(1);
  });

  it('opens a bucket prefix and shows its report, the missing day in it', { timeout: 180_000 }, async () => {
    await page.goto(server.url);
    await page.getByTestId('open-view').waitFor();
    expect(await page.getByTestId('open-path-input').getAttribute('placeholder')).toContain('s3://');
    await open(URL_);
    const verdict = page.getByTestId('verdict-large').or(page.getByTestId('verdict')).first();
    await verdict.waitFor({ timeout: 120_000 });
    await expect.poll(async () => (await page.getByTestId('drop-path').first().innerText()).includes(URL_), { timeout: 60_000 }).toBe(true);
    await expect.poll(async () => (await page.locator('body').innerText()).includes('2026-11-16'), { timeout: 60_000 }).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, '31-open-s3-report.png') });
    // The coverage heat map (tables x days): its columns are labelled with the run dates.
    await page.getByTestId('tab-coverage').click();
    const matrix = page.getByTestId('coverage-matrix');
    await matrix.waitFor({ timeout: 30_000 });
    const heads = await matrix.locator('.matrix-col-head span').allInnerTexts();
    expect(heads).toEqual(['#1 · 2026-11-14', '#2 · 2026-11-15', '#3 · 2026-11-17', '#4 · 2026-11-18']);
    // Each label fits its head (a 92 px head cut "#1 · 2026-11-14" to "#1 · 2026-11-").
    const clipped = await matrix.locator('.matrix-col-head').evaluateAll((els) =>
      els.filter((el) => (el.querySelector('span')?.getBoundingClientRect().height ?? 0) > el.clientHeight).length,
    );
    expect(clipped).toBe(0);
    // The legend speaks of days, not of Info Mart's audit keys.
    const legend = await page.getByTestId('coverage-legend').innerText();
    expect(legend).toContain('run date');
    expect(legend).not.toMatch(/GIM|audit key/);
    await page.screenshot({ path: path.join(ARTIFACTS, '32-s3-coverage-days.png') });
  });
});
