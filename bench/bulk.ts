// The bulk-export part of npm run bench: a 100-request drop (~500 MB of CSV inside .csv.gz
// inside ZIP64s, generated once into bench/.data), scanned cold and unchanged, against the
// shell doing the same counting per ZIP: unzip -p <zip> '*.csv.gz' | gzip -dc | wc -l.
//   BENCH_BULK_REQUESTS=100 BENCH_BULK_CSV_MB=500 (defaults)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeBulkBenchDrop } from '../test/fixtures/bulk-drop';
import { median } from './lib';

export interface BenchTools {
  dataDir: string;
  work: string;
  seconds: (fn: () => void) => number;
  cli: (args: string[]) => { s: number; rssMB: number; status: number | null };
}

export async function benchBulk(t: BenchTools): Promise<string[]> {
  const requests = Number(process.env.BENCH_BULK_REQUESTS ?? 100);
  const csvMB = Number(process.env.BENCH_BULK_CSV_MB ?? 500);
  const drop = path.join(t.dataDir, `bulk-${requests}-${csvMB}MB`);
  if (!existsSync(path.join(drop, '.bench-complete'))) {
    rmSync(drop, { recursive: true, force: true });
    process.stderr.write(`generating ${requests} bulk-export requests, ~${csvMB} MB of CSV in ${drop} …\n`);
    const started = Date.now();
    await writeBulkBenchDrop(drop, { requests, targetCsvBytes: csvMB * 1e6 });
    writeFileSync(path.join(drop, '.bench-complete'), '');
    process.stderr.write(`  generated in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const zips = readdirSync(drop)
    .filter((n) => n.endsWith('.zip'))
    .sort()
    .map((n) => path.join(drop, n));
  const zipMB = zips.reduce((s, z) => s + statSync(z).size, 0) / 1e6;
  const list = zips.map((z) => `'${z}'`).join(' ');
  execFileSync('bash', ['-c', `cat ${list} > /dev/null`]); // page cache warm for both sides
  const csvBytes = Number(
    execFileSync('bash', ['-c', `for z in ${list}; do unzip -p "$z" '*.csv.gz' | gzip -dc; done | wc -c`])
      .toString()
      .trim(),
  );
  const script = `for z in ${list}; do unzip -p "$z" '*.csv.gz' | gzip -dc | wc -l >/dev/null; done`;
  const load = os.loadavg()[0];
  // The shell before and after the cold scan, averaged: on a shared machine the load moves.
  const shellBefore = t.seconds(() => execFileSync('bash', ['-c', script]));
  // Three cold scans (each into a fresh catalog), each followed by three unchanged re-scans:
  // each re-scan is held against the cold scan just before it, so a slow spell of the shared
  // machine moves both sides of a ratio, not one (two bench runs a minute apart read 0.070
  // and 0.111 with one cold scan each). Reported: the medians, and the median ratio.
  const rounds = [0, 1, 2].map((i) => {
    const catalog = path.join(t.work, `bulk-catalog-${i}.sqlite`);
    const cold = t.cli(['scan', drop, '--json', '--catalog', catalog]);
    const warm = median([0, 1, 2].map(() => t.cli(['scan', drop, '--json', '--catalog', catalog]).s));
    return { cold, warm, ratio: warm / cold.s };
  });
  const shellAfter = t.seconds(() => execFileSync('bash', ['-c', script]));
  const shell = (shellBefore + shellAfter) / 2;
  const cold = { s: median(rounds.map((r) => r.cold.s)), rssMB: Math.max(...rounds.map((r) => r.cold.rssMB)) };
  const warms = rounds.map((r) => r.warm).sort((a, b) => a - b);
  const warm = warms[1];
  const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
  return [
    `bulk: ${zips.length} request ZIPs, ${zipMB.toFixed(0)} MB zipped, ${(csvBytes / 1e6).toFixed(0)} MB CSV; ${os.availableParallelism()} cores; load ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
    `shell  unzip -p '*.csv.gz' | gzip -dc | wc -l (per zip) : ${shell.toFixed(2)} s (${shellBefore.toFixed(2)} before, ${shellAfter.toFixed(2)} after the scan)`,
    `scan   cold (stats, gunzip in zip, RFC 4180 count)      : ${cold.s.toFixed(2)} s (median of 3)   peak RSS ${cold.rssMB} MB   → ${(shell / cold.s).toFixed(2)}× the shell's speed (target ≥ 2)`,
    `scan   nothing changed (median of 3 × 3)                : ${warm.toFixed(3)} s (${warms[0].toFixed(3)}–${warms[2].toFixed(3)})   → ${ratios[1].toFixed(3)} of cold, median of 3 rounds (${ratios[0].toFixed(3)}–${ratios[2].toFixed(3)}; target ≤ 0.1)`,
    `memory peak RSS bulk cold scan ${cold.rssMB} MB (target < 400 MB)`,
  ];
}

/** `node --import tsx bench/bulk.ts`: the bulk figures alone. */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { cli, ROOT, seconds } = await import('./lib');
  const work = path.join(os.tmpdir(), `di-bench-bulk-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    process.stdout.write(
      (await benchBulk({ dataDir: path.join(ROOT, 'bench/.data'), work, seconds, cli })).join('\n') + '\n',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
