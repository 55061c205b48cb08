// The table browser on an s3:// drop (moto_server), as a user reaches it: `drop-inspector
// rows s3://…` and the HTTP host's API (`serve`). A Parquet table of one day (the object
// fetched once: a second read is served from the table cache), every day with the day
// column, "latest" (the newest dump), a part folder and a CSV.gz table; the same rows as the
// local copy. Through the HTTP host: the API's drop checks take an s3:// location.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropInspectorApi } from '../../src/shared/api';
import { closeDailyGenerator, writeDailyDrop, type Manifest } from '../fixtures/daily-drop';
import { fileURLToPath } from 'node:url';
import { createNodeHttpClient } from '../hosts/node-http-client';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { isolatedCliEnv, motoUnavailable, startMoto, uploadDir, type Moto } from './moto';

const skip = motoUnavailable();
const CLI = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'out/cli/drop-inspector.mjs');
const URL_ = 's3://tables-bucket/analytics-export/';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(!!skip)('tables of an s3:// drop (moto_server)', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let work: string;
  let m: Manifest;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[], catalog = 'c.sqlite'): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args, '--catalog', path.join(work, catalog)], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  const json = async (args: string[], catalog?: string): Promise<{ totalRows: number; columns: string[]; rows: string[][] }> => {
    const r = await run([...args, '--json'], catalog);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    moto = await startMoto();
    // The table reads go through a counting proxy: which objects were fetched, how often.
    proxy = await startFaultProxy(moto.endpoint);
    work = mkdtempSync(path.join(os.tmpdir(), 'di-tables-s3-'));
    env = { ...isolatedCliEnv(work, moto), AWS_ENDPOINT_URL: proxy.endpoint };
    m = await writeDailyDrop(path.join(work, 'drop'), { days: 4, defects: { 3: ['schema-change'] } });
    await closeDailyGenerator();
    await uploadDir(moto.client, 'tables-bucket', '', path.join(work, 'drop'));
    expect((await run(['scan', URL_, '--quiet'])).status).toBe(0);
    expect((await run(['scan', path.join(work, 'drop', 'analytics-export'), '--quiet'], 'local.sqlite')).status).toBe(0);
  }, 240_000);
  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('rows: one day of a Parquet table, exact rows and cells; the object is fetched once', { timeout: 240_000 }, async () => {
    const gets = (): number => proxy.log.filter((l) => l.startsWith('GET ') && l.includes('/2026-11-15/FACT_REVIEWS.parquet') && !l.includes('range=')).length;
    const before = gets();
    const doc = await json(['rows', URL_, 'FACT_REVIEWS', '--chunk', '2026-11-15', '--limit', '2']);
    expect(doc.totalRows).toBe(m.chunks[1].tables.FACT_REVIEWS);
    expect(doc.columns).toEqual(['review_id', 'location_id', 'date_id', 'rating', 'review_text', 'created_at']);
    expect(doc.rows[1]).toEqual(['10000001', '2', '20261115', '3', 'review 1', '2026-11-15 00:00:01']);
    expect(gets() - before).toBe(1);
    // Again, another page: from the table cache, no second download.
    const again = await json(['rows', URL_, 'FACT_REVIEWS', '--chunk', '2026-11-15', '--offset', '500', '--limit', '1']);
    expect(again.rows[0][0]).toBe('10000500');
    expect(gets() - before).toBe(1);
  });

  it('rows: every day with the day first, part folders and CSV.gz; latest; the same as the local copy', { timeout: 480_000 }, async () => {
    const all = await json(['rows', URL_, 'FACT_REVIEWS', '--limit', '1']);
    expect(all.totalRows).toBe(m.chunks.reduce((s, c) => s + c.tables.FACT_REVIEWS, 0));
    expect(all.columns[0]).toBe('_chunk');
    // A part folder (FACT_MESSAGES/part-*.parquet) opens from S3 as from the local copy.
    const parts = await json(['rows', URL_, 'FACT_MESSAGES', '--chunk', '2026-11-14', '--limit', '3']);
    // Every part's rows, not the first part's.
    expect(parts.totalRows).toBe(m.chunks.find((c) => c.name.endsWith('2026-11-14'))!.tables.FACT_MESSAGES);
    expect(parts.rows).toEqual((await json(['rows', path.join(work, 'drop', 'analytics-export'), 'FACT_MESSAGES', '--chunk', '2026-11-14', '--limit', '3'], 'local.sqlite')).rows);
    const csv = await json(['rows', URL_, 'FACT_TRANSACTIONS', '--limit', '3']);
    expect(csv.totalRows).toBe(m.chunks.reduce((s, c) => s + c.tables.FACT_TRANSACTIONS, 0));
    const latest = await json(['rows', URL_, 'FACT_REVIEWS', '--merged', '--limit', '2']);
    expect(latest.totalRows).toBe(m.chunks[3].tables.FACT_REVIEWS);
    const local = path.join(work, 'drop', 'analytics-export');
    for (const args of [['FACT_REVIEWS', '--merged', '--limit', '5'], ['FACT_TRANSACTIONS', '--limit', '5', '--offset', '1200']]) {
      const [a, b] = [await json(['rows', URL_, ...args]), await json(['rows', local, ...args], 'local.sqlite')];
      expect({ ...a, drop: null }, args.join(' ')).toEqual({ ...b, drop: null });
    }
  });

  describe('through the HTTP host', () => {
    let child: ReturnType<typeof spawn>;
    let api: DropInspectorApi & { close(): void };
    beforeAll(async () => {
      // `drop-inspector serve` as a user starts it; its first stdout line is the URL with the token.
      child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--catalog', path.join(work, 'c.sqlite')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const url = await new Promise<URL>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(new URL(out.split('\n')[0].trim()));
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      api = createNodeHttpClient(url.origin, url.searchParams.get('token')!);
    }, 120_000);
    afterAll(async () => {
      api?.close();
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    });

    const rowsOf = async (handle: string): Promise<{ totalRows: number; rows: string[][] }> => {
      for (let i = 0; i < 600; i++) {
        const page = await api.getRows(handle, { offset: 0, limit: 3 });
        if (page.complete) return page;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the table never completed');
    };

    it('lists the tables and opens one day, all days and latest', { timeout: 240_000 }, async () => {
      const tables = await api.listTables(URL_);
      expect(tables.map((t) => t.table).sort()).toEqual(['DIM_LOCATIONS', 'FACT_MESSAGES', 'FACT_REVIEWS', 'FACT_TRANSACTIONS']);
      const day = await api.openTable(URL_, { table: 'DIM_LOCATIONS', scope: { chunk: '2026-11-16' } });
      const d = await rowsOf(day.handle);
      expect(d.totalRows).toBe(40);
      expect(d.rows[0]).toEqual(['1', 'Location 1', 'acme']);
      const all = await api.openTable(URL_, { table: 'FACT_REVIEWS', scope: 'all' });
      expect(all.columns[0]).toBe('_chunk');
      expect((await rowsOf(all.handle)).totalRows).toBe(m.chunks.reduce((s, c) => s + c.tables.FACT_REVIEWS, 0));
      const latest = await api.openTable(URL_, { table: 'FACT_REVIEWS', scope: 'merged' });
      const l = await rowsOf(latest.handle);
      expect(l.totalRows).toBe(m.chunks[3].tables.FACT_REVIEWS);
      // The newest dump changed the schema: its columns, its day.
      expect(l.rows[0][0]).toBe('2026-11-17');
    });
  });
});
