// The table browser on a daily drop, as `rows` shows it: a Parquet table of one day (read
// by DuckDB, cells as its text), every day with the day as the first column, CSV.gz parts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDailyGenerator, damageParquetPages, writeDailyDrop, type Manifest } from '../fixtures/daily-drop';

const CLI = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'out/cli/drop-inspector.mjs');

describe('rows of a daily drop', () => {
  let work: string;
  let m: Manifest;
  let drop: string;
  const run = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args, '--catalog', path.join(work, 'c.sqlite')], {
        env: { ...process.env, XDG_CACHE_HOME: path.join(work, 'cache'), XDG_DATA_HOME: path.join(work, 'data') },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'di-daily-rows-'));
    m = await writeDailyDrop(path.join(work, 'drop'), { days: 4, defects: { 3: ['schema-change'] } });
    drop = path.join(work, 'drop', 'analytics-export');
    await closeDailyGenerator();
    expect((await run(['scan', drop, '--quiet'])).status).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('one day of a Parquet table: exact rows and cells', async () => {
    const r = await run(['rows', drop, 'FACT_REVIEWS', '--chunk', '2026-11-15', '--json', '--limit', '2']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.totalRows).toBe(m.chunks[1].tables.FACT_REVIEWS);
    expect(doc.columns).toEqual(['review_id', 'location_id', 'date_id', 'rating', 'review_text', 'created_at']);
    expect(doc.rows[1]).toEqual(['10000001', '2', '20261115', '3', 'review 1', '2026-11-15 00:00:01']);
    // How it was read is said as it was: Parquet, not a JSON array.
    expect(r.stderr).toContain('read as Parquet');
    // The drop is as the scan left it: not scanned again first (its fingerprints carry the
    // family's inspection revision, which the check once left out). Said only to people.
    const text = await run(['rows', drop, 'FACT_REVIEWS', '--chunk', '2026-11-15', '--limit', '1']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).not.toContain('scanning');
    expect(r.stderr).not.toMatch(/JSON/);
  });

  it('the merged view of a full-snapshot family is the newest dump, said so (no key merges it)', async () => {
    const r = await run(['rows', drop, 'FACT_REVIEWS', '--merged', '--json', '--limit', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totalRows).toBe(m.chunks[3].tables.FACT_REVIEWS);
    expect(r.stderr).toContain(`the newest dump (${path.posix.basename(m.chunks[3].name)}) as it is: each dump is a full snapshot`);
    expect(r.stderr).not.toMatch(/no key column found/);
  });

  it('every day, the day first; part folders and CSV.gz as one table', async () => {
    const all = JSON.parse((await run(['rows', drop, 'FACT_MESSAGES', '--json', '--limit', '1'])).stdout);
    expect(all.totalRows).toBe(m.chunks.reduce((s, c) => s + c.tables.FACT_MESSAGES, 0));
    expect(all.columns[0]).toBe('_chunk');
    const csv = JSON.parse((await run(['rows', drop, 'FACT_TRANSACTIONS', '--json', '--limit', '1'])).stdout);
    expect(csv.totalRows).toBe(m.chunks.reduce((s, c) => s + c.tables.FACT_TRANSACTIONS, 0));
  });
});

describe('a Parquet file damaged inside (its footer intact)', () => {
  it('rows names the file and the damage in one line, not DuckDB\u2019s words', async () => {
    const { readdirSync } = await import('node:fs');
    const work = mkdtempSync(path.join(os.tmpdir(), 'di-daily-damaged-'));
    try {
      await writeDailyDrop(path.join(work, 'drop'), { days: 3 });
      await closeDailyGenerator();
      const drop = path.join(work, 'drop', 'analytics-export');
      const day = readdirSync(drop).sort()[1];
      damageParquetPages(path.join(drop, day, 'FACT_REVIEWS.parquet'));
      const env = { ...process.env, XDG_CACHE_HOME: path.join(work, 'cache'), XDG_DATA_HOME: path.join(work, 'data') };
      const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--catalog', path.join(work, 'c.sqlite')], { encoding: 'utf8', env });
      cli(['scan', drop, '--quiet']);
      const r = cli(['rows', drop, 'FACT_REVIEWS', '--chunk', day, '--limit', '2']);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(new RegExp(`^drop-inspector: ${day}/FACT_REVIEWS\\.parquet: its data cannot be decoded: the file is damaged inside \\(.+\\)$`));
      expect(r.stderr).not.toMatch(/Invalid Input Error|Failed to read file/);
      // Every day: the other days' rows, and the damaged one named (exit 1: rows are missing).
      const all = cli(['rows', drop, 'FACT_REVIEWS', '--json', '--limit', '100000']);
      expect(all.status).toBe(1);
      const doc = JSON.parse(all.stdout);
      expect(doc.incomplete).toBe(true);
      const days = doc.rows.map((row: string[]) => row[0]);
      expect(days).not.toContain(day);
      expect(new Set(days).size).toBe(2);
      expect(doc.totalRows).toBe(doc.rows.length);
      expect(all.stderr).toMatch(new RegExp(`drop-inspector: ${day}: FACT_REVIEWS\\.parquet: its data cannot be decoded: the file is damaged inside \\(.+\\)\n`));
      // stats over every day: the day left out is said, and is a failure for a script.
      const st = cli(['stats', drop, 'FACT_REVIEWS', '--column', 'rating', '--json']);
      expect(st.status).toBe(1);
      const stats = JSON.parse(st.stdout);
      expect(stats).toMatchObject({ rows: doc.totalRows, incomplete: true });
      expect(st.stderr).toMatch(new RegExp(`drop-inspector: ${day}: FACT_REVIEWS\\.parquet: its data cannot be decoded: .+ \\(not counted\\)\n`));
      // Its histogram for people: edges as numbers are read; whole ratings a bin each ("3", not "2.8 … 3").
      const text = cli(['stats', drop, 'FACT_REVIEWS', '--column', 'rating']);
      const out = text.stdout.split('\n');
      const bins = out.slice(out.indexOf('  histogram:') + 1).map((l) => /^\s+(\S+(?: … \S+)?)\s+(\d+) ?█*$/.exec(l)).filter((m) => m !== null);
      expect(bins.length).toBeGreaterThan(2);
      for (const m of bins) expect(m[1]).toMatch(/^\d+$/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
