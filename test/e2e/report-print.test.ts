/// <reference lib="dom" />
// The gap report as people share it: `report --format html` from a drop with a corrupt
// chunk and a duplicate, opened in Chromium, printed (print media and a real PDF). Every
// bar of the timeline carries its number and its severity's colour; each section starts a
// page. Screenshots (and the PDF's pages as PNG, where pdftoppm is installed) land in
// test-artifacts/screenshots.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from '../engine/harness';
import { ARTIFACTS, CLI, HAVE_CHROMIUM, launchChromium } from './serve';

let work: string;
let m: GimDropManifest;
let browser: Browser;
let htmlFile: string;

describe.skipIf(!HAVE_CHROMIUM)('the printed HTML gap report', () => {
  beforeAll(async () => {
    work = tempDir('di-e2e-print-');
    m = await writeGimDrop(path.join(work, 'drop'), {
      seed: 12,
      chunks: 14,
      defects: { 3: ['missing'], 6: ['truncated'], 9: ['duplicate'], 11: ['checksum-mismatch'] },
    });
    htmlFile = path.join(work, 'gap-report.html');
    const asOf = String(Math.max(...m.chunks.map((c) => c.createdTs)) + 60);
    const r = spawnSync(process.execPath, [CLI, 'report', m.root, '--format', 'html', '-o', htmlFile, '--exit-zero', '--catalog', path.join(work, 'c.sqlite'), '--as-of', asOf], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    removeDir(work);
  });

  it('every bar shows its # and a severity colour, on screen and in print', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    await page.goto(`file://${htmlFile}`);
    await page.emulateMedia({ media: 'print' });
    const bars = await page.$$eval('svg.timeline rect.bar', (els) =>
      els.map((e) => ({ title: e.querySelector('title')?.textContent ?? '', fill: getComputedStyle(e).fill })),
    );
    const labels = await page.$$eval('svg.timeline text', (els) => els.map((e) => e.textContent ?? ''));
    expect(bars.length).toBe(m.chunks.filter((c) => !c.defects.includes('missing')).length);
    for (const b of bars) {
      const n = /^#(\d+)/.exec(b.title)![1];
      expect(labels.some((l) => l.startsWith(`#${n} `) || l === `#${n}`), `bar #${n} labelled`).toBe(true);
    }
    // The corrupt chunk and the duplicate are drawn in other colours than the whole ones.
    const fills = new Set(bars.map((b) => b.fill));
    expect(fills.size).toBeGreaterThanOrEqual(3);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, '20-report-print-media.png'), fullPage: true });
    await page.close();
  });

  it('prints one page per section (a PDF rendered by Chromium)', async () => {
    const page = await browser.newPage();
    await page.goto(`file://${htmlFile}`);
    const pdf = await page.pdf({ printBackground: true, preferCSSPageSize: true });
    const pdfFile = path.join(work, 'gap-report.pdf');
    writeFileSync(pdfFile, pdf);
    // Pages in the PDF: the header + summary, the timeline, the problems, the tables.
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(4);
    await page.close();
    if (existsSync('/usr/bin/pdftoppm')) {
      mkdirSync(ARTIFACTS, { recursive: true });
      execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', '-l', '4', pdfFile, path.join(ARTIFACTS, '21-report-pdf')]);
      expect(readdirSync(ARTIFACTS).filter((f) => f.startsWith('21-report-pdf')).length).toBeGreaterThanOrEqual(2);
    }
  });
});
