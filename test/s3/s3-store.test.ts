// S3Store against moto_server: listing, stat, ranged reads, streams, counters, and the
// one-line errors (no bucket, no prefix, no credentials, access denied, network down),
// throttling retried with backoff.
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Store } from '../../src/engine/storage/s3-store';
import { parseS3Url } from '../../src/engine/storage/location';
import { LocalStore } from '../../src/engine/storage/local-store';
import { freePort, motoUnavailable, startMoto, uploadDir, type Moto } from './moto';
import { ACCESS_DENIED, SLOW_DOWN, startFaultProxy, type FaultProxy } from './fault-proxy';

const skip = motoUnavailable();
if (skip) console.warn(`skipping S3 tests: ${skip}`);

describe.skipIf(!!skip)('S3Store on moto_server', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let dir: string;
  const content = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));

  beforeAll(async () => {
    moto = await startMoto();
    // The SDK's default chain reads the environment, as it does for the CLI.
    Object.assign(process.env, moto.env);
    proxy = await startFaultProxy(moto.endpoint);
    dir = mkdtempSync(path.join(os.tmpdir(), 'di-s3-'));
    mkdirSync(path.join(dir, '2026-11-23'), { recursive: true });
    writeFileSync(path.join(dir, '2026-11-23', 'A.bin'), content);
    writeFileSync(path.join(dir, '2026-11-23', 'B.csv'), 'a,b\n1,2\n');
    writeFileSync(path.join(dir, 'top.txt'), 'x');
    await uploadDir(moto.client, 'bucket-one', 'analytics-export/', dir);
  });
  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const store = (endpoint = moto.endpoint, bucket = 'bucket-one', prefix = 'analytics-export/', env: NodeJS.ProcessEnv = moto.env): S3Store =>
    new S3Store(parseS3Url(`s3://${bucket}/${prefix}`)!, { endpoint, env: { ...env }, maxAttempts: 4 });

  it('lists the prefix with sizes, ETags and mtimes, as a local copy lists', async () => {
    const s = store();
    const { files } = await s.list();
    expect(files.map((f) => [f.rel, f.size])).toEqual([
      ['2026-11-23/A.bin', 100_000],
      ['2026-11-23/B.csv', 8],
      ['top.txt', 1],
    ]);
    expect(files[0].version).toMatch(/^[0-9a-f]{32}$/);
    const local = await new LocalStore(dir).list();
    expect(local.files.map((f) => [f.rel, f.size])).toEqual(files.map((f) => [f.rel, f.size]));
    expect(s.stats.requests).toBe(1);
    expect(s.stats.bytesRead).toBe(0);
    s.close();
  });

  it('reads byte ranges and streams, counting bytes and requests', async () => {
    const s = store();
    const part = await s.read('2026-11-23/A.bin', 99_990, 100_000);
    expect(part.equals(content.subarray(99_990))).toBe(true);
    expect(s.stats).toEqual({ requests: 1, bytesRead: 10 });
    const chunks: Buffer[] = [];
    for await (const c of s.stream('2026-11-23/A.bin', { start: 10 })) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(content.subarray(10))).toBe(true);
    expect(s.stats.bytesRead).toBe(10 + 99_990);
    expect((await s.stat('2026-11-23/B.csv'))?.size).toBe(8);
    expect(await s.stat('nope.csv')).toBeNull();
    s.close();
  });

  it('retries throttling (503 SlowDown) with backoff and succeeds', async () => {
    const s = store(proxy.endpoint);
    proxy.inject(SLOW_DOWN, 2);
    const t0 = Date.now();
    const buf = await s.read('2026-11-23/B.csv', 0, 8);
    expect(buf.toString()).toBe('a,b\n1,2\n');
    expect(s.stats.requests).toBe(3);
    expect(Date.now() - t0).toBeGreaterThan(50); // backed off, not hammered
    s.close();
  });

  it('gives up on endless throttling with one line', async () => {
    const s = store(proxy.endpoint);
    proxy.inject(SLOW_DOWN, Infinity);
    await expect(s.list()).rejects.toThrow(/^S3 kept throttling requests for s3:\/\/bucket-one\/analytics-export\/ \(503 SlowDown\) after retries/);
    expect(s.stats.requests).toBe(4);
    proxy.inject(SLOW_DOWN, 0);
    s.close();
  });

  it('access denied is one line', async () => {
    const s = store(proxy.endpoint);
    proxy.inject(ACCESS_DENIED, Infinity);
    const e = await s.probe().catch((x: Error) => x);
    proxy.inject(ACCESS_DENIED, 0);
    expect((e as Error).message).toBe('access denied to s3://bucket-one/analytics-export/: the credentials need s3:ListBucket on the bucket and s3:GetObject on the prefix');
    s.close();
  });

  it('no such bucket, no such prefix', async () => {
    await expect(store(moto.endpoint, 'no-such-bucket').probe()).rejects.toThrow(/^no such bucket: s3:\/\/no-such-bucket\/analytics-export\//);
    await expect(store(moto.endpoint, 'bucket-one', 'elsewhere/').probe()).rejects.toThrow('no such prefix: s3://bucket-one/elsewhere/ holds no objects');
  });

  it('no credentials anywhere is one line', async () => {
    const saved = { ...process.env };
    const empty = mkdtempSync(path.join(os.tmpdir(), 'di-nocreds-'));
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: path.join(empty, 'credentials'),
      AWS_CONFIG_FILE: path.join(empty, 'config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
    });
    try {
      const s = new S3Store(parseS3Url('s3://bucket-one/analytics-export/')!, { endpoint: moto.endpoint, maxAttempts: 1 });
      await expect(s.probe()).rejects.toThrow(/^no AWS credentials for s3:\/\/bucket-one\/analytics-export\/: set AWS_ACCESS_KEY_ID/);
      s.close();
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('network down is one line', async () => {
    const port = await freePort();
    const s = store(`http://127.0.0.1:${port}`);
    await expect(s.probe()).rejects.toThrow(`cannot reach S3 at http://127.0.0.1:${port} for s3://bucket-one/analytics-export/ (ECONNREFUSED)`);
    s.close();
  });
});
