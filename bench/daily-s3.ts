// npm run bench (daily part): daily Parquet dumps in moto_server, scanned in place against
// a plain download of every object, same run, same server. Two buckets:
//   many:  8 run dates of ~31 objects each (fact tables as folders of ~1 MB part files, small
//          dimensions, one CSV.gz), ~255 MB of Parquet in ~250 objects;
//   large: fewer, larger objects, as warehouse unloads write them (Snowflake's default part
//          is 16 MB): 6 run dates of 5 Parquet parts of 10-13 MB, a dimension and a CSV.gz,
//          ~320 MB in 42 objects.
// Each is measured against two download baselines: an in-process one (this process's SDK
// client, already loaded: the target line) and a standalone one (a node process of
// its own that loads the SDK, lists and downloads, as a user's download tool would: it pays
// a start as the CLI does). Then a re-scan of the unchanged bucket, a scan that checks every
// table's keys (--key-check-rows 5M), one that reads footers only (--key-check-rows 0), and
// the floor: one tiny GET per object, in process.
//   BENCH_DAILY_DAYS=8 BENCH_DAILY_ROWS=250000 BENCH_DAILY_BUCKETS=many,large npm run bench
// moto_server spends 5-8 ms of CPU on every request whatever its size, and reads a whole
// object for every ranged GET (then slices it), so a footer read costs it in proportion to
// the object's size; S3 itself does neither. The ratios measured here are pessimistic ones.
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { closeDailyGenerator, writeDailyDrop, type DailySpec } from '../test/fixtures/daily-drop';
import { motoUnavailable, startMoto, uploadDir, type Moto } from '../test/s3/moto';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(root, 'out/cli/drop-inspector.mjs');
const DOWNLOADER = path.join(root, 'bench/download-s3.mjs');
const days = Number(process.env.BENCH_DAILY_DAYS ?? 8);
const rows = Number(process.env.BENCH_DAILY_ROWS ?? 250_000);
const dataDir = path.join(root, 'bench/.data');
const work = path.join(os.tmpdir(), `di-bench-daily-${process.pid}`);

interface BenchBucket {
  name: string;
  bucket: string;
  /** Generated once into bench/.data (deterministic: the same spec gives the same bytes). */
  dir: string;
  spec: DailySpec;
}

const BUCKETS: BenchBucket[] = [
  {
    name: 'many',
    bucket: 'bench-bucket',
    dir: path.join(dataDir, `daily-${days}d-${rows}r-v3`),
    spec: {
      days,
      reviewRows: rows,
      reviewParts: 8,
      csvRows: 5000,
      textBytes: 96,
      extraFacts: [
        { table: 'FACT_INTERACTIONS', rows: Math.round(rows * 0.6), parts: 6, textBytes: 64 },
        { table: 'FACT_REVIEW_VERSIONS', rows: Math.round(rows * 0.6), parts: 6, textBytes: 64 },
        { table: 'FACT_EMPLOYEE_MENTIONS', rows: Math.round(rows * 0.25), parts: 4, textBytes: 32 },
        { table: 'FACT_CUSTOMERS_SAVED', rows: Math.round(rows * 0.1), parts: 2, textBytes: 32 },
        { table: 'DIM_EMPLOYEES', rows: 2000, parts: 1 },
      ],
      defects: { [days - 3]: ['volume-drop'] },
    },
  },
  {
    // Warehouse-unload shape: a day's big tables in parts of ~10-14 MB (Snowflake's default
    // MAX_FILE_SIZE is 16 MB), 3-4 row groups each. FACT_REVIEWS (~900,000 rows a dump) is
    // under the default key-check bound (1M rows), so a scan reads its key column too;
    // FACT_MESSAGES (~1.8M) is over it.
    name: 'large',
    bucket: 'bench-large',
    dir: path.join(dataDir, 'daily-large-6d-v1'),
    spec: { days: 6, reviewRows: 900_000, reviewParts: 3, csvRows: 5000, textBytes: 96, defects: { 4: ['volume-drop'] } },
  },
];

function timed<T>(fn: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t = process.hrtime.bigint();
  return fn().then((value) => ({ s: Number(process.hrtime.bigint() - t) / 1e9, value }));
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ s: number; stdout: string; stderr: string; status: number | null }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { env });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (status) => resolve({ s: Number(process.hrtime.bigint() - t) / 1e9, stdout, stderr, status }));
  });
}

async function generate(b: BenchBucket): Promise<void> {
  if (existsSync(path.join(b.dir, '.bench-complete'))) return;
  rmSync(b.dir, { recursive: true, force: true });
  process.stderr.write(`generating the ${b.name} bucket (${b.spec.days} daily dumps) in ${b.dir} …\n`);
  await writeDailyDrop(path.join(b.dir, 'bucket'), b.spec);
  writeFileSync(path.join(b.dir, '.bench-complete'), '');
}

/** Every object, 8 at a time (the SDK's default socket pool), to disk, with this process's client. */
async function downloadInProcess(client: S3Client, bucket: string, objects: Array<{ key: string }>, dl: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < objects.length) {
        const o = objects[next++];
        const out = path.join(dl, ...o.key.split('/'));
        mkdirSync(path.dirname(out), { recursive: true });
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.key }));
        await pipeline(res.Body as Readable, createWriteStream(out));
      }
    }),
  );
}

/** The floor of any scan that reads each object at all: one 8-byte suffix GET per object, 8 in flight. */
async function tinyGets(client: S3Client, bucket: string, objects: Array<{ key: string }>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < objects.length) {
        const o = objects[next++];
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.key, Range: 'bytes=-8' }));
        await res.Body!.transformToByteArray();
      }
    }),
  );
}

async function measure(moto: Moto, b: BenchBucket, env: NodeJS.ProcessEnv): Promise<void> {
  process.stderr.write(`uploading the ${b.name} bucket to moto_server …\n`);
  const keys = await uploadDir(moto.client, b.bucket, '', path.join(b.dir, 'bucket'));
  const listed = await moto.client.send(new ListObjectsV2Command({ Bucket: b.bucket, Prefix: 'analytics-export/' }));
  const objects = (listed.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
  const total = objects.reduce((s, o) => s + o.size, 0);
  const parquet = objects.filter((o) => o.key.endsWith('.parquet')).reduce((s, o) => s + o.size, 0);
  const dl = path.join(work, 'download');

  const download = await timed(() => downloadInProcess(moto.client, b.bucket, objects, dl));
  rmSync(dl, { recursive: true, force: true });
  const standalone = await run(DOWNLOADER, [b.bucket, 'analytics-export/', dl], env);
  if (standalone.status !== 0) throw new Error(`the standalone download failed: ${standalone.stderr}`);
  rmSync(dl, { recursive: true, force: true });
  const floor = await timed(() => tinyGets(moto.client, b.bucket, objects));

  const cat = (n: string): string => path.join(work, `${b.name}-${n}.sqlite`);
  const url = `s3://${b.bucket}/analytics-export/`;
  const scan = await run(CLI, ['scan', url, '--catalog', cat('scan'), '--quiet'], env);
  const again = await run(CLI, ['scan', url, '--catalog', cat('scan'), '--quiet'], env);
  const keyed = await run(CLI, ['scan', url, '--catalog', cat('keys'), '--quiet', '--key-check-rows', '5000000'], env);
  const footers = await run(CLI, ['scan', url, '--catalog', cat('footers'), '--quiet', '--key-check-rows', '0'], env);
  const io = (s: string): { requests: number; mb: number } => {
    const m = /S3: (\d+) requests, ([\d.]+) MB read/.exec(s);
    if (!m) throw new Error(`no S3 counters in the summary:\n${s}`);
    return { requests: Number(m[1]), mb: Number(m[2]) };
  };
  const [a, r, k, f] = [io(scan.stderr), io(again.stderr), io(keyed.stderr), io(footers.stderr)];
  const found = /(\d+) volume-drop/.test(scan.stderr);
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
  const of = (x: number): string => `${(x / download.s).toFixed(3)} of the in-process download, ${(x / standalone.s).toFixed(3)} of the standalone one`;
  const n = objects.length;
  console.log(
    `daily dumps in S3, bucket "${b.name}" (moto_server on 127.0.0.1): ${b.spec.days} days, ${keys.length} objects, ${mb(total)} (${mb(parquet)} Parquet, ${mb(total / n)} an object), ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log(`  download of every object, in process (SDK loaded; 8 in flight, to disk): ${download.s.toFixed(2)} s, ${mb(total)}, ${n + 1} requests`);
  console.log(`  download of every object, standalone process (node + SDK start, list, GET): ${standalone.s.toFixed(2)} s`);
  console.log(`  one 8-byte GET per object, in process (the floor of any scan):          ${floor.s.toFixed(2)} s, ${n} requests  (${of(floor.s)})`);
  console.log(`  scan in place (CLI process, cold catalog):       ${scan.s.toFixed(2)} s, ${a.mb.toFixed(2)} MB read, ${a.requests} requests  (exit ${scan.status}${found ? ', volume drop found' : ', VOLUME DROP NOT FOUND'})`);
  console.log(`  re-scan, unchanged bucket:                       ${again.s.toFixed(2)} s, ${r.mb.toFixed(2)} MB read, ${r.requests} requests`);
  console.log(`  scan checking every table's keys (--key-check-rows 5M): ${keyed.s.toFixed(2)} s, ${k.mb.toFixed(2)} MB read, ${k.requests} requests  (${of(keyed.s)})`);
  console.log(`  scan reading footers only (--key-check-rows 0):  ${footers.s.toFixed(2)} s, ${f.mb.toFixed(2)} MB read, ${f.requests} requests  (${of(footers.s)})`);
  console.log(`  requests per object: scan ${(a.requests / n).toFixed(2)}, every key ${(k.requests / n).toFixed(2)}, footers only ${(f.requests / n).toFixed(2)}; bytes read / bucket: scan ${((a.mb * 1e6) / total).toFixed(4)}`);
  const target = scan.s / download.s;
  console.log(`  TARGET (issue 9): scan time / in-process download time = ${target.toFixed(3)} (target < 0.25: ${target < 0.25 ? 'met' : 'NOT MET'})`);
  console.log(`  scan time / standalone download time = ${(scan.s / standalone.s).toFixed(3)}; with every key ${(keyed.s / standalone.s).toFixed(3)}`);
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const wanted = (process.env.BENCH_DAILY_BUCKETS ?? 'many,large').split(',');
  const buckets = BUCKETS.filter((b) => wanted.includes(b.name));
  for (const b of buckets) await generate(b);
  await closeDailyGenerator();
  if (process.env.BENCH_GEN_ONLY) return; // generate the buckets only
  const why = motoUnavailable();
  if (why) {
    process.stderr.write(`bench daily-s3 skipped: ${why}\n`);
    return;
  }
  mkdirSync(work, { recursive: true });
  const moto = await startMoto();
  try {
    const env = {
      ...process.env,
      ...moto.env,
      AWS_CONFIG_FILE: path.join(work, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'none'),
      XDG_DATA_HOME: path.join(work, 'data'),
      XDG_CACHE_HOME: path.join(work, 'cache'),
    };
    for (const b of buckets) await measure(moto, b, env);
  } finally {
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench daily-s3 failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
