// The Tables tab against the real engine (the grid's own e2e uses a fake): a table across
// all chunks shows the records `drop-inspector rows` prints, the last row is reachable, and
// Save view downloads every record of the view.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from '../engine/harness';
import { ARTIFACTS, CLI, HAVE_CHROMIUM, launchChromium, serve, watchCsp, type Served } from './serve';

let work: string;
let m: GimDropManifest;
let server: Served;
let browser: Browser;
let page: Page;
let csp: Awaited<ReturnType<typeof watchCsp>>;

interface RowsDoc {
  columns: string[];
  totalRows: number;
  rows: string[][];
}

function rowsCli(args: string[]): RowsDoc {
  const r = spawnSync(process.execPath, [CLI, 'rows', m.root, ...args, '--json', '--catalog', path.join(work, 'cli.sqlite')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rows failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as RowsDoc;
}

describe.skipIf(!HAVE_CHROMIUM)('the Tables tab over the real engine', () => {
  beforeAll(async () => {
    work = tempDir('di-e2e-tables-');
    m = await writeGimDrop(path.join(work, 'drop'), { seed: 13, chunks: 4, rowsPerTable: 300, absentEvery: 0 });
    server = await serve([m.root, '--catalog', path.join(work, 'catalog.sqlite')]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    csp = await watchCsp(context);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeDir(work);
  });

  it('shows the records `rows` prints, first and last, and their total', async () => {
    const total = Object.values(m.chunks).reduce((s, c) => s + (c.tables.interaction_fact?.rows ?? 0), 0);
    const first = rowsCli(['interaction_fact', '--limit', '1']);
    const last = rowsCli(['interaction_fact', '--offset', String(total - 1), '--limit', '1']);
    expect(first.totalRows).toBe(total);

    await page.goto(server.url);
    await page.getByTestId('verdict-large').or(page.getByTestId('verdict')).first().waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-tables').click();
    await page.getByTestId('table-item-interaction_fact').click();
    const count = page.getByTestId('table-count');
    await expect.poll(async () => Number(await count.getAttribute('data-total')), { timeout: 30_000 }).toBe(total);
    const id = first.columns.indexOf('INTERACTION_ID');
    await expect.poll(() => page.getByTestId('row-0').innerText(), { timeout: 15_000 }).toContain(first.rows[0][id]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'tables-real-01.png') });

    await page.getByTestId('jump-input').fill(String(total));
    await page.getByTestId('jump-go').click();
    await expect.poll(() => page.getByTestId(`row-${total - 1}`).innerText(), { timeout: 15_000 }).toContain(last.rows[0][id]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'tables-real-02-last-row.png') });
  });

  it('Save view downloads every record of the view as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('save-view').click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
    const total = Number(await page.getByTestId('table-count').getAttribute('data-total'));
    expect(parsed.data.length - 1).toBe(total);
    expect(parsed.data[0]).toContain('INTERACTION_ID');
  });

  it('breaks no Content-Security-Policy rule in any view above (no inline styles needed)', async () => {
    expect(await csp.check(page)).toEqual([]);
  });
});
