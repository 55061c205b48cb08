// npm run bench (daily part): a bucket of daily Parquet dumps in moto_server, scanned in
// place against a plain download of every object, same run, same server. Prints time, bytes
// read and requests, and their ratios; then a re-scan of the unchanged bucket, a scan that
// checks every table's keys (--key-check-rows above the biggest table), one that reads
// footers only (--key-check-rows 0), and the floor: one tiny GET per object.
// The bucket: 8 run dates of ~31 objects each (fact tables as folders of part files, small
// dimensions, one CSV.gz), ~400 MB of Parquet.
//   BENCH_DAILY_DAYS=8 BENCH_DAILY_ROWS=250000 npm run bench
// moto_server reads a whole object for every ranged GET (then slices it), so a footer read
// costs it in proportion to the object's size; S3 itself does not. The ratio measured here
// is therefore a pessimistic one.
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { closeDailyGenerator, writeDailyDrop } from '../test/fixtures/daily-drop';
import { motoUnavailable, startMoto, uploadDir } from '../test/s3/moto';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(root, 'out/cli/drop-inspector.mjs');
const days = Number(process.env.BENCH_DAILY_DAYS ?? 8);
const rows = Number(process.env.BENCH_DAILY_ROWS ?? 250_000);
const dataDir = path.join(root, 'bench/.data');
const drop = path.join(dataDir, `daily-${days}d-${rows}r-v3`);
const work = path.join(os.tmpdir(), `di-bench-daily-${process.pid}`);
const BUCKET = 'bench-bucket';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ s: number; stderr: string; status: number | null }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    child.on('close', (status) => resolve({ s: Number(process.hrtime.bigint() - t) / 1e9, stderr, status }));
  });
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(path.join(drop, '.bench-complete'))) {
    rmSync(drop, { recursive: true, force: true });
    process.stderr.write(`generating ${days} daily dumps, FACT_REVIEWS ~${rows} rows a day, in ${drop} …\n`);
    await writeDailyDrop(path.join(drop, 'bucket'), {
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
    });
    await closeDailyGenerator();
    writeFileSync(path.join(drop, '.bench-complete'), '');
  }
  if (process.env.BENCH_GEN_ONLY) return; // generate the bucket only
  const why = motoUnavailable();
  if (why) {
    process.stderr.write(`bench daily-s3 skipped: ${why}\n`);
    return;
  }
  mkdirSync(work, { recursive: true });
  const moto = await startMoto();
  try {
    process.stderr.write('uploading to moto_server …\n');
    const keys = await uploadDir(moto.client, BUCKET, '', path.join(drop, 'bucket'));
    const env = {
      ...process.env,
      ...moto.env,
      AWS_CONFIG_FILE: path.join(work, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'none'),
      XDG_DATA_HOME: path.join(work, 'data'),
      XDG_CACHE_HOME: path.join(work, 'cache'),
    };

    // The plain download: every object, 8 at a time (the SDK's default socket pool), to disk.
    const listed = await moto.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'analytics-export/' }));
    const objects = (listed.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
    const total = objects.reduce((s, o) => s + o.size, 0);
    const parquet = objects.filter((o) => o.key.endsWith('.parquet')).reduce((s, o) => s + o.size, 0);
    const dl = path.join(work, 'download');
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < objects.length) {
          const o = objects[next++];
          const out = path.join(dl, ...o.key.split('/'));
          mkdirSync(path.dirname(out), { recursive: true });
          const res = await moto.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.key }));
          await pipeline(res.Body as Readable, createWriteStream(out));
        }
      }),
    );
    const downloadS = Number(process.hrtime.bigint() - t0) / 1e9;
    rmSync(dl, { recursive: true, force: true });

    // The floor of any scan that reads each object at all: one 8-byte suffix GET per object,
    // 8 in flight, same client as the download (moto spends ~7 ms of CPU on every request,
    // whatever its size).
    const t1 = process.hrtime.bigint();
    next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < objects.length) {
          const o = objects[next++];
          const res = await moto.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.key, Range: 'bytes=-8' }));
          await res.Body!.transformToByteArray();
        }
      }),
    );
    const floorS = Number(process.hrtime.bigint() - t1) / 1e9;

    const cat = path.join(work, 'catalog.sqlite');
    const url = `s3://${BUCKET}/analytics-export/`;
    const scan = await cli(['scan', url, '--catalog', cat, '--quiet'], env);
    const again = await cli(['scan', url, '--catalog', cat, '--quiet'], env);
    const keyed = await cli(['scan', url, '--catalog', path.join(work, 'keys.sqlite'), '--quiet', '--key-check-rows', '5000000'], env);
    const footers = await cli(['scan', url, '--catalog', path.join(work, 'footers.sqlite'), '--quiet', '--key-check-rows', '0'], env);
    const io = (s: string): { requests: number; mb: number } => {
      const m = /S3: (\d+) requests, ([\d.]+) MB read/.exec(s);
      if (!m) throw new Error(`no S3 counters in the summary:\n${s}`);
      return { requests: Number(m[1]), mb: Number(m[2]) };
    };
    const [a, b, k, f] = [io(scan.stderr), io(again.stderr), io(keyed.stderr), io(footers.stderr)];
    const found = /(\d+) volume-drop/.test(scan.stderr);
    const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
    console.log(`daily dumps in S3 (moto_server on 127.0.0.1), ${days} days, ${keys.length} objects, ${mb(total)} (${mb(parquet)} Parquet), ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`);
    console.log(`  plain download of every object (8 in flight, to disk): ${downloadS.toFixed(2)} s, ${mb(total)}, ${objects.length + 1} requests`);
    console.log(`  one 8-byte GET per object (no CLI; the floor of any scan): ${floorS.toFixed(2)} s, ${objects.length} requests  (${(floorS / downloadS).toFixed(3)} of the download)`);
    console.log(`  scan in place (CLI, cold catalog):                     ${scan.s.toFixed(2)} s, ${a.mb.toFixed(2)} MB read, ${a.requests} requests  (exit ${scan.status}${found ? ', volume drop found' : ', VOLUME DROP NOT FOUND'})`);
    console.log(`  re-scan, unchanged bucket:                             ${again.s.toFixed(2)} s, ${b.mb.toFixed(2)} MB read, ${b.requests} requests`);
    console.log(`  scan checking every table's keys (--key-check-rows 5M): ${keyed.s.toFixed(2)} s, ${k.mb.toFixed(2)} MB read, ${k.requests} requests`);
    console.log(`  scan reading footers only (--key-check-rows 0):        ${footers.s.toFixed(2)} s, ${f.mb.toFixed(2)} MB read, ${f.requests} requests  (${(footers.s / downloadS).toFixed(3)} of the download)`);
    console.log(`  requests per object: scan ${(a.requests / objects.length).toFixed(2)}, with every key ${(k.requests / objects.length).toFixed(2)}`);
    console.log(
      `  ratios: scan time / download time = ${(scan.s / downloadS).toFixed(3)} (target < 0.25), with every key ${(keyed.s / downloadS).toFixed(3)}; bytes read / bucket = ${((a.mb * 1e6) / total).toFixed(4)}`,
    );
  } finally {
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench daily-s3 failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
