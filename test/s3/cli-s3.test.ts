// `drop-inspector scan s3://…` against moto_server as a user runs it: the same findings as
// the local copy, exit 1, the request and byte counters in the summary, a re-scan of an
// unchanged bucket that reads no object bodies, and one-line errors with exit 2.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOOTER_FETCH } from '../../src/engine/parquet/footer';
import { closeDailyGenerator, writeDailyDrop, type Manifest } from '../fixtures/daily-drop';
import { freePort, isolatedCliEnv, motoUnavailable, startMoto, uploadDir, type Moto } from './moto';
import { ACCESS_DENIED, startFaultProxy, type FaultProxy } from './fault-proxy';

const skip = motoUnavailable();
const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(root, 'out/cli/drop-inspector.mjs');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(!!skip)('drop-inspector on s3:// (moto_server)', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let work: string;
  let manifest: Manifest;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    work = mkdtempSync(path.join(os.tmpdir(), 'di-cli-s3-'));
    // No shared config or credentials files of this machine: only what the test gives.
    env = isolatedCliEnv(work, moto);
    manifest = await writeDailyDrop(path.join(work, 'drop'), {
      days: 9,
      defects: { 3: ['missing-day'], 5: ['volume-drop', 'missing-table'], 6: ['not-parquet'], 7: ['schema-change'] },
    });
    await uploadDir(moto.client, 'customer-bucket', '', path.join(work, 'drop'));
  });
  afterAll(async () => {
    await closeDailyGenerator();
    await proxy?.close();
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const findings = (doc: { problems: Array<{ kind: string; chunk: string | null; table: string | null; severity: string }> }): string[] =>
    doc.problems.map((p) => `${p.severity} ${p.kind} ${p.chunk} ${p.table}`).sort();

  it('finds the same problems in the bucket as in the local copy, exit 1', async () => {
    const asOf = String(manifest.asOf);
    const local = await run(['scan', path.join(work, 'drop', 'analytics-export'), '--json', '--catalog', path.join(work, 'l.sqlite'), '--as-of', asOf]);
    const s3 = await run(['scan', 's3://customer-bucket/analytics-export/', '--json', '--catalog', path.join(work, 's.sqlite'), '--as-of', asOf]);
    expect(s3.stderr).toBe('');
    expect(s3.status).toBe(1);
    expect(local.status).toBe(1);
    const [l, s] = [JSON.parse(local.stdout), JSON.parse(s3.stdout)];
    expect(s.drop).toBe('s3://customer-bucket/analytics-export/');
    expect(findings(s)).toEqual(findings(l));
    expect(s.chunks.map((c: { name: string }) => c.name)).toEqual(l.chunks.map((c: { name: string }) => c.name));
    const rows = (doc: { chunks: Array<{ name: string; tables: Array<{ name: string; rows: number | null }> }> }): unknown =>
      doc.chunks.map((c) => ({ name: c.name, tables: Object.fromEntries(c.tables.filter((t) => t.rows !== null).map((t) => [t.name, t.rows])) }));
    expect(rows(s)).toEqual(manifest.chunks.map((c) => ({ name: c.name.replace(/^analytics-export\//, ''), tables: c.tables })));
    const planted = manifest.problems.map((p) => `${p.kind} ${p.chunk?.replace(/^analytics-export\//, '') ?? null} ${p.table ?? null}`);
    const found = s.problems.map((p: { kind: string; chunk: string | null; table: string | null }) => `${p.kind} ${p.chunk} ${p.table}`);
    expect(found).toEqual(expect.arrayContaining(planted));
  });

  it('shows requests and bytes; a re-scan of the unchanged bucket reads no object bodies', async () => {
    const cat = path.join(work, 'again.sqlite');
    const first = await run(['scan', 's3://customer-bucket/analytics-export/', '--catalog', cat, '--quiet']);
    const m1 = /S3: (\d+) requests, ([\d.]+) MB read/.exec(first.stderr);
    expect(m1, first.stderr).not.toBeNull();
    expect(Number(m1![1])).toBeGreaterThan(8);
    const again = await run(['scan', 's3://customer-bucket/analytics-export/', '--catalog', cat, '--quiet']);
    expect(again.stderr).toContain('0 chunks read, 8 unchanged since the last scan; S3: 1 requests, 0.00 MB read');
  });

  it('a cold scan costs one listing request and one GET per object: no probe, no HEAD; small Parquet objects are read whole, key columns included', async () => {
    const objects: number[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else objects.push(statSync(path.join(d, e.name)).size);
      }
    };
    walk(path.join(work, 'drop', 'analytics-export'));
    expect(objects.length).toBeGreaterThan(30);
    expect(Math.max(...objects)).toBeLessThanOrEqual(FOOTER_FETCH);
    for (const keys of ['1000000', '0']) {
      const r = await run(['scan', 's3://customer-bucket/analytics-export/', '--catalog', path.join(work, `count-${keys}.sqlite`), '--quiet', '--key-check-rows', keys]);
      const m = /S3: (\d+) requests, ([\d.]+) MB read/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      expect(Number(m![1]), `--key-check-rows ${keys}`).toBe(objects.length + 1);
      expect(Number(m![2]) * 1e6).toBeCloseTo(objects.reduce((a, b) => a + b, 0), -4);
    }
  });

  it('one-line errors, exit 2: no such bucket, no such prefix, no credentials, access denied, network down', async () => {
    const cat = path.join(work, 'err.sqlite');
    const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
      ['s3://no-such-bucket/x/', {}, /^drop-inspector: no such bucket: s3:\/\/no-such-bucket\/x\//],
      ['s3://customer-bucket/nothing-here/', {}, /^drop-inspector: no such prefix: s3:\/\/customer-bucket\/nothing-here\/ holds no objects/],
      ['s3://customer-bucket/analytics-export/', { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_EC2_METADATA_DISABLED: 'true' }, /^drop-inspector: no AWS credentials for s3:\/\/customer-bucket\/analytics-export\//],
      ['s3://customer-bucket/analytics-export/', { AWS_ENDPOINT_URL: proxy.endpoint }, /^drop-inspector: access denied to s3:\/\/customer-bucket\/analytics-export\//],
      ['s3://customer-bucket/analytics-export/', { AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}` }, /^drop-inspector: cannot reach S3 at http:\/\/127\.0\.0\.1:\d+ .*\(ECONNREFUSED\)/],
      ['s3://Bad_Bucket/', {}, /^drop-inspector: s3:\/\/Bad_Bucket\/ is not an S3 location/],
    ];
    proxy.inject(ACCESS_DENIED, Infinity);
    for (const [url, extra, re] of cases) {
      const r = await run(['scan', url, '--catalog', cat], extra);
      expect(r.stderr, url).toMatch(re);
      expect(r.stderr.trim().split('\n'), url).toHaveLength(1);
      expect(r.status, url).toBe(2);
    }
    proxy.inject(ACCESS_DENIED, 0);
  });
});
