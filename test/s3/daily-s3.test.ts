// The same daily drop as a local folder and uploaded to moto_server: identical chunks,
// tables, row counts and in-chunk problems; and reading it in place costs a small fraction
// of its bytes (Parquet footers and key columns only).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyAdapter } from '../../src/engine/formats/daily/discover';
import { inspectDailyChunk } from '../../src/engine/formats/daily/inspect';
import { FOOTER_FETCH } from '../../src/engine/parquet/footer';
import type { ChunkInspection } from '../../src/engine/formats/types';
import { fileEntriesOf, openStore, sharedStore } from '../../src/engine/storage/open';
import { closeDailyGenerator, writeDailyDrop } from '../fixtures/daily-drop';
import { motoUnavailable, startMoto, uploadDir, type Moto } from './moto';

const skip = motoUnavailable();

describe.skipIf(!!skip)('daily drop in S3 (moto_server) vs its local copy', () => {
  let moto: Moto;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(process.env, moto.env);
    dir = mkdtempSync(path.join(os.tmpdir(), 'di-daily-s3-'));
    await writeDailyDrop(dir, {
      days: 8,
      reviewRows: 20_000,
      textBytes: 64,
      defects: { 2: ['missing-day'], 4: ['volume-drop', 'missing-table'], 5: ['duplicate-key', 'not-parquet'], 6: ['truncated', 'schema-change'] },
    });
    await uploadDir(moto.client, 'customer-bucket', '', dir);
  });
  afterAll(async () => {
    await closeDailyGenerator();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function inspectAll(root: string): Promise<{ names: string[]; results: ChunkInspection[] }> {
    const store = openStore(root);
    const files = fileEntriesOf(store, (await store.list()).files);
    const { chunks } = dailyAdapter.discover(files);
    const results: ChunkInspection[] = [];
    for (const c of chunks) results.push(await inspectDailyChunk(c, { root, verify: false, onBytes: () => undefined, maxMemberBytes: 1e12 }));
    return { names: chunks.map((c) => c.name), results };
  }

  const shape = (r: ChunkInspection): unknown => ({
    tables: r.tables.map((t) => ({ name: t.name, rows: t.rows, columns: t.columns, types: t.columnTypes, error: t.error })),
    problems: r.problems.map((p) => ({ kind: p.kind, table: p.table, key: p.detail?.key, day: p.detail?.day })),
  });

  it('gives the same chunks, tables, counts and problems', async () => {
    const local = await inspectAll(path.join(dir, 'analytics-export'));
    const s3 = await inspectAll('s3://customer-bucket/analytics-export/');
    expect(s3.names).toEqual(local.names);
    expect(s3.names).toHaveLength(7);
    expect(s3.results.map(shape)).toEqual(local.results.map(shape));
    // Problems name the bucket, the day, the table and the object key.
    const bad = s3.results.flatMap((r) => r.problems).find((p) => p.kind === 'table-unreadable' && p.table === 'FACT_REVIEWS')!;
    expect(bad.message).toMatch(/^s3:\/\/customer-bucket\/analytics-export\/2026-11-20\/FACT_REVIEWS\.parquet: truncated or damaged Parquet file/);
    expect(bad.detail).toMatchObject({ day: '2026-11-20', location: 's3://customer-bucket/analytics-export/', key: '2026-11-20/FACT_REVIEWS.parquet' });
  });

  it('an object replaced after the listing is a file-changed problem, never a wrong count', async () => {
    const root = 's3://customer-bucket/analytics-export/';
    const store = openStore(root);
    const { chunks } = dailyAdapter.discover(fileEntriesOf(store, (await store.list()).files));
    const c = chunks[0];
    const key = `analytics-export/${c.extraFiles.find((f) => f.rel.endsWith('FACT_REVIEWS.parquet'))!.rel}`;
    const body = await (await moto.client.send(new GetObjectCommand({ Bucket: 'customer-bucket', Key: key }))).Body!.transformToByteArray();
    await moto.client.send(new PutObjectCommand({ Bucket: 'customer-bucket', Key: key, Body: Buffer.concat([Buffer.from(body), Buffer.from('x')]) }));
    try {
      const r = await inspectDailyChunk(c, { root, verify: false, onBytes: () => undefined, maxMemberBytes: 1e12 });
      expect(r.unstable).toBe(true);
      expect(r.problems.map((p) => [p.kind, p.table])).toContainEqual(['file-changed', 'FACT_REVIEWS']);
      expect(r.tables.find((t) => t.name === 'FACT_REVIEWS')!.rows).toBeNull();
    } finally {
      await moto.client.send(new PutObjectCommand({ Bucket: 'customer-bucket', Key: key, Body: body }));
    }
  });

  it('reads a small fraction of the bucket: Parquet footers and key columns, CSV.gz once', async () => {
    const root = 's3://customer-bucket/analytics-export/';
    const store = sharedStore(root);
    const before = { ...store.stats };
    const listing = (await openStore(root).list()).files;
    const total = listing.reduce((s, f) => s + f.size, 0);
    const csv = listing.filter((f) => f.rel.endsWith('.csv.gz')).reduce((s, f) => s + f.size, 0);
    const { chunks } = dailyAdapter.discover(fileEntriesOf(store, listing));
    for (const c of chunks) await inspectDailyChunk(c, { root, verify: false, onBytes: () => undefined, maxMemberBytes: 1e12 });
    const read = store.stats.bytesRead - before.bytesRead;
    console.log(`S3 in place: ${read} of ${total} bytes (${csv} of them CSV.gz), ${store.stats.requests - before.requests} requests`);
    const parquet = total - csv;
    expect(parquet).toBeGreaterThan(5_000_000);
    expect(read).toBeGreaterThanOrEqual(csv);
    // Of the Parquet bytes, only footers and the key columns' pages.
    expect(read - csv).toBeLessThan(parquet / 4);
  });

  it('costs one GET per Parquet object for its footer (the whole object when small), one more per key row group of a bigger one, one per CSV.gz', async () => {
    const root = 's3://customer-bucket/analytics-export/';
    const store = sharedStore(root);
    const { chunks } = dailyAdapter.discover(fileEntriesOf(store, (await openStore(root).list()).files));
    const day = chunks[1]; // a clean day
    const parquet = day.extraFiles.filter((f) => f.rel.endsWith('.parquet'));
    const csv = day.extraFiles.filter((f) => f.rel.endsWith('.csv.gz'));
    expect(parquet.some((f) => f.size <= FOOTER_FETCH)).toBe(true);
    expect(parquet.some((f) => f.size > FOOTER_FETCH)).toBe(true);
    const before = { ...store.stats };
    const r = await inspectDailyChunk(day, { root, verify: false, onBytes: () => undefined, maxMemberBytes: 1e12 });
    expect(r.problems).toEqual([]);
    expect(r.attributes.keysNotChecked).toBeUndefined();
    // Every table here has a key and one row group a part: small objects are read whole by
    // the footer's suffix read; a bigger one's key column costs one ranged read more.
    const expected = parquet.reduce((n, f) => n + 1 + (f.size > FOOTER_FETCH ? 1 : 0), 0) + csv.length;
    expect(store.stats.requests - before.requests).toBe(expected);
  });
});
