// npm run bench: Drop Inspector against the shell doing the same (or less) work on the same
// files, in one run, printed as ratios. Timings on shared machines are noisy: compare the
// ratios, not the seconds.
//   BENCH_CHUNKS=60 BENCH_CSV_MB=500 npm run bench     (defaults; BENCH_CHUNKS=0 skips the big drop)
// Two drops: a big one (60 chunks × 6 tables, ~500 MB of CSV: inflating and counting
// dominate) and a many-chunk one (BENCH_MANY=3000 chunks of small tables, ~BENCH_MANY_MB=60
// MB of CSV: the per-chunk cost dominates). Goals (issue 11) for the many-chunk drop: a cold
// scan at least 2× the shell's speed, an unchanged re-scan and one new chunk ≤ 0.3 s.
// BENCH_MANY=0 skips it. Then the bulk-export drop (bench/bulk.ts: 100 request ZIPs, ~500 MB of
// CSV in .csv.gz in ZIP64s; BENCH_BULK_REQUESTS=0 skips it).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RACY_MS } from '../src/engine/fs/kept-folders';
import { writeBenchDrop } from '../test/fixtures/gim-drop';
import { benchBulk } from './bulk';
import { CLI, cli, median, ROOT as root, seconds } from './lib';

const dataDir = path.join(root, 'bench/.data');
const work = path.join(os.tmpdir(), `di-bench-${process.pid}`);

const keyOf = (name: string): number => Number(/^export_(\d+)/.exec(name)?.[1] ?? 0);

function zipsOf(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.zip'))
      out.push(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out.sort();
}

async function measure(chunks: number, csvMB: number, goals: 'big' | 'many'): Promise<string[]> {
  const drop = path.join(dataDir, `gim-${chunks}x6-${csvMB}MB`);
  if (!existsSync(path.join(drop, '.bench-complete'))) {
    rmSync(drop, { recursive: true, force: true });
    process.stderr.write(`generating ${chunks} chunks × 6 tables, ~${csvMB} MB of CSV in ${drop} …\n`);
    const started = Date.now();
    await writeBenchDrop(drop, { chunks, tables: 6, targetCsvBytes: csvMB * 1e6 });
    writeFileSync(path.join(drop, '.bench-complete'), '');
    process.stderr.write(`  generated in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const load = os.loadavg()[0];
  const zips = zipsOf(drop);
  const zipMB = zips.reduce((s, z) => s + readFileSync(z).length, 0) / 1e6;

  // The zips as a list file (3000 paths overflow a command line).
  const list = path.join(work, 'zips.txt');
  writeFileSync(list, zips.join('\n') + '\n');
  // Warm the page cache once so neither side pays for the first read.
  execFileSync('bash', ['-c', `xargs -d '\\n' cat < '${list}' > /dev/null`]);

  const script = `while IFS= read -r z; do sha1sum "$z" >/dev/null; unzip -p "$z" | wc -l >/dev/null; done < '${list}'`;
  const shell = seconds(() => execFileSync('bash', ['-c', script]));

  // Bare process start, for reading the re-scan figures with and without it.
  const nodeStart = Math.min(
    ...[0, 1, 2].map(() => seconds(() => execFileSync(process.execPath, ['-e', '0']))),
  );
  const cliStart = Math.min(...[0, 1, 2].map(() => seconds(() => execFileSync(CLI, ['--version']))));
  const catalog = path.join(work, 'catalog.sqlite');
  const cold = cli(['scan', drop, '--json', '--catalog', catalog]);
  // The catalog the cold scan wrote is on disk before the re-scans, as it is by the next run
  // of a scheduled scan: not a writeback the re-scans wait on (see the copies below).
  execFileSync('sync');
  // Re-scans last a fraction of a second, where this machine's noise is tens of ms: the
  // middle one of three.
  const warm = { s: median([0, 1, 2].map(() => cli(['scan', drop, '--json', '--catalog', catalog]).s)) };

  // One new chunk: a copy of the drop without its newest chunk is scanned, then the chunk
  // is put back and the re-scan timed: exactly one chunk is read.
  const plusOne = path.join(work, 'plus-one');
  cpSync(drop, plusOne, { recursive: true, preserveTimestamps: true });
  const newest = readdirSync(plusOne)
    .filter((n) => n.startsWith('export_'))
    .sort((a, b) => keyOf(a) - keyOf(b))
    .pop()!;
  const held = path.join(work, newest);
  cpSync(path.join(plusOne, newest), held, { recursive: true, preserveTimestamps: true });
  rmSync(path.join(plusOne, newest), { recursive: true });
  const catalog2 = path.join(work, 'catalog2.sqlite');
  // The copy's folders were made just now; a scheduled scan finds its drop's folders as they
  // were written runs before. A folder changed within RACY_MS of a walk is listed again at
  // the next (fs/kept-folders.ts): the scan that makes the catalog waits that out.
  await new Promise((r) => setTimeout(r, RACY_MS + 500));
  cli(['scan', plusOne, '--json', '--catalog', catalog2]);
  cpSync(held, path.join(plusOne, newest), { recursive: true, preserveTimestamps: true });
  // Each of three runs from the catalog (and its report's entries file) as the drop left it
  // before the new chunk: kept aside, put back before each.
  const aside = path.join(work, 'before-new');
  mkdirSync(aside);
  const derived = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('catalog2.sqlite'));
  for (const n of derived(work)) cpSync(path.join(work, n), path.join(aside, n), { recursive: true });
  const one = {
    s: median(
      [0, 1, 2].map(() => {
        for (const n of derived(work)) rmSync(path.join(work, n), { recursive: true, force: true });
        for (const n of derived(aside)) cpSync(path.join(aside, n), path.join(work, n), { recursive: true });
        // Written out before the run: a copy's 54 MB of dirty pages made any disk sync the run
        // asked for (SQLite's checkpoint at close) wait on the copy's writeback (~30 ms).
        execFileSync('sync');
        return cli(['scan', plusOne, '--json', '--catalog', catalog2]).s;
      }),
    ),
  };

  const many = goals === 'many';
  const lines = [
    `drop: ${chunks} chunks × 6 tables, ${zips.length} zips, ${zipMB.toFixed(0)} MB zipped, ~${csvMB} MB CSV; ${os.availableParallelism()} cores; load ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
    `shell  sha1sum + unzip -p | wc -l (per zip) : ${shell.toFixed(2)} s${many ? `   (${((shell / zips.length) * 1000).toFixed(2)} ms per chunk)` : ''}`,
    `scan   cold (hash, inflate, RFC 4180 count) : ${cold.s.toFixed(2)} s   peak RSS ${cold.rssMB} MB   → ${(shell / cold.s).toFixed(2)}× the shell's speed (target ≥ 2)`,
    `scan   nothing changed                      : ${warm.s.toFixed(2)} s   → ${(warm.s / cold.s).toFixed(3)} of cold (target ${many ? '≤ 0.3 s' : '< 0.1'}); without the CLI's start (${cliStart.toFixed(2)} s, bare node ${nodeStart.toFixed(2)} s): ${((warm.s - cliStart) / (cold.s - cliStart)).toFixed(3)}`,
    `scan   one new chunk                        : ${one.s.toFixed(2)} s   → ${(one.s / cold.s).toFixed(3)} of cold (1/${chunks} = ${(1 / chunks).toFixed(3)} + process start${many ? '; target ≤ 0.3 s' : ''})`,
    `memory peak RSS cold scan ${cold.rssMB} MB (target < 400 MB)`,
  ];
  rmSync(work, { recursive: true, force: true });
  return lines;
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const big = Number(process.env.BENCH_CHUNKS ?? 60);
  if (big > 0) {
    const out = await measure(big, Number(process.env.BENCH_CSV_MB ?? 500), 'big');
    process.stdout.write(out.join('\n') + '\n');
  }
  const many = Number(process.env.BENCH_MANY ?? 3000);
  if (many > 0) {
    const lines = await measure(many, Number(process.env.BENCH_MANY_MB ?? 60), 'many');
    process.stdout.write('\n' + lines.join('\n') + '\n');
  }
  if (Number(process.env.BENCH_BULK_REQUESTS ?? 100) > 0) {
    mkdirSync(work, { recursive: true });
    try {
      process.stdout.write('\n' + (await benchBulk({ dataDir, work, seconds, cli })).join('\n') + '\n');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
