// The table browser's benchmark: a 3-million-row table, against the shell and DuckDB on the
// same machine in the same run, printed as ratios (timings on shared machines are noisy:
// compare the ratios, not the seconds).
//   node --import tsx bench/tables.ts                  (BENCH_TABLE_ROWS=3000000 by default)
//
// Targets (the issue): first rows within 200 ms of the request; after a table's first read,
// `rows --offset N` anywhere in under a fifth of `unzip -p | tail -n +N | head` (process
// start included); a sort within twice DuckDB's own sort time; the first full read no dearer
// than DuckDB's import of the same CSV already extracted; memory < 500 MB.
//
// `rows` is run from a bundle of src/cli/rows-command.ts made here (the same code the CLI
// bundles), so the figures hold before and after it is wired into src/cli/main.ts.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeGimDrop } from '../test/fixtures/gim-drop';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROWS = Number(process.env.BENCH_TABLE_ROWS ?? 3_000_000);
const TABLE = 'interaction_fact';
const dataDir = path.join(root, 'bench/.data');
const drop = path.join(dataDir, `table-${ROWS}`);
const entryFile = path.join(dataDir, 'tables-cli.mjs');
const work = path.join(os.tmpdir(), `di-bench-tables-${process.pid}`);
const cacheDir = path.join(work, 'cache');
const catalog = path.join(work, 'catalog.sqlite');

// A small CLI around the engine: rows (the real command), scan, and an in-process service
// run for the sort / first-rows figures. Bundled like scripts/build-cli.mjs does.
const ENTRY = `
import { parseArgs } from 'node:util';
import { rowsCommand } from './src/cli/rows-command';
import { Catalog } from './src/engine/catalog/catalog';
import { cadenceOf } from './src/engine/options';
import { scanDrop } from './src/engine/scan';
import { TableService } from './src/engine/tables/table-service';
import { closeDuck } from './src/engine/tables/analysis';

const t0 = Date.now();
process.once('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write('BENCH_STATS ' + JSON.stringify({ maxRssMB: Math.round(u.maxRSS / 1024), wallMs: Date.now() - t0 }) + '\\n');
});
const [cmd, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: {
  chunk: { type: 'string' }, merged: { type: 'boolean' }, offset: { type: 'string' }, limit: { type: 'string' },
  json: { type: 'boolean' }, csv: { type: 'boolean' }, catalog: { type: 'string' }, encoding: { type: 'string' },
  column: { type: 'string', multiple: true },
} });
async function main() {
  if (cmd === 'rows') return rowsCommand(positionals, values);
  const catalog = new Catalog(values.catalog);
  try {
    if (cmd === 'scan') {
      await scanDrop(positionals[0], { catalog, cadence: cadenceOf({}) });
      return 0;
    }
    // service: first rows after the request (cold), analysis store, sorts.
    const svc = new TableService({ catalog, workers: 1, eagerAnalysis: false });
    const out = {};
    // Peak RSS per phase (Linux: writing 5 to clear_refs resets VmHWM).
    const fs = await import('node:fs');
    const peaks = {};
    const phase = (name) => {
      try {
        const m = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
        if (m) peaks[name] = Math.round(Number(m[1]) / 1024);
        fs.writeFileSync('/proc/self/clear_refs', '5');
      } catch {}
    };
    out.peaks = peaks;
    phase('start');
    let t = performance.now();
    const cpu0 = process.cpuUsage();
    const h = await svc.openTable(positionals[0], { table: positionals[1], scope: 'all' });
    await svc.getRows(h.handle, { offset: 0, limit: 100 });
    out.firstRowsMs = performance.now() - t;
    await svc.settle(h.handle);
    out.firstReadMs = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    out.firstReadCpuMs = (cpu.user + cpu.system) / 1000;
    const rss = () => Math.round(process.memoryUsage().rss / 1048576);
    out.rssAfterRead = rss();
    phase('read');
    t = performance.now();
    await svc.getRows(h.handle, { offset: 1000, limit: 100, filter: [{ op: 'malformed' }] });
    out.analysisMs = performance.now() - t;
    out.rssAfterAnalysis = rss();
    phase('analysis');
    for (const c of values.column ?? []) {
      t = performance.now();
      await svc.getRows(h.handle, { offset: Math.floor(h.totalRows / 2), limit: 100, sort: { column: c } });
      out['sort ' + c] = performance.now() - t;
      phase('sort ' + c);
    }
    out.rssAfterSorts = rss();
    t = performance.now();
    await svc.getRows(h.handle, { offset: 0, limit: 100, search: 'smith' });
    out.searchMs = performance.now() - t;
    phase('search');
    t = performance.now();
    await svc.columnStats(h.handle, 'SUBJECT');
    out.statsMs = performance.now() - t;
    phase('stats');
    t = performance.now();
    const mh = await svc.openTable(positionals[0], { table: positionals[1], scope: 'merged' });
    await svc.getRows(mh.handle, { offset: 0, limit: 100 });
    out.mergedMs = performance.now() - t;
    phase('merged');
    out.rssEnd = rss();
    await svc.close();
    await closeDuck();
    process.stdout.write(JSON.stringify(out) + '\\n');
    return 0;
  } finally {
    catalog.close();
  }
}
main().then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exitCode = 2; });
`;

const DUCK = `
const { createRequire } = require('node:module');
const r = createRequire(${JSON.stringify(path.join(root, 'package.json'))});
const { DuckDBInstance } = r('@duckdb/node-api');
(async () => {
  const csv = process.argv[1];
  const cols = process.argv.slice(2);
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const out = {};
  let t = performance.now();
  const cpu0 = process.cpuUsage();
  await con.run("CREATE TABLE t AS SELECT * FROM read_csv('" + csv + "')");
  out.importMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  out.importCpuMs = (cpu.user + cpu.system) / 1000;
  for (const c of cols) {
    t = performance.now();
    await con.run('CREATE TABLE "s_' + c + '" AS SELECT * FROM t ORDER BY "' + c + '"');
    out['sort ' + c] = performance.now() - t;
    t = performance.now();
    await con.runAndReadAll('SELECT * FROM t ORDER BY "' + c + '" LIMIT 100 OFFSET ' + Math.floor(${ROWS} / 2));
    out['page ' + c] = performance.now() - t;
  }
  out.maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify(out) + '\\n');
})();
`;

function seconds(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

interface Run {
  s: number;
  firstOutS: number;
  rssMB: number;
  stdout: string;
}

/** The real CLI, when it is built and has the rows command (npm run bench builds it). */
const realCli = path.join(root, 'out/cli/drop-inspector.mjs');
const useRealCli =
  existsSync(realCli) &&
  /drop-inspector rows/.test(spawnSync(process.execPath, [realCli, '--help'], { encoding: 'utf8' }).stderr);

/**
 * Runs `rows` (with the real CLI if built, else the bundled entry) or the entry's own
 * commands; times the first stdout byte and the whole run (process start included).
 */
function runEntry(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let first = -1;
    const program = args[0] === 'rows' && useRealCli ? [realCli, ...args] : [entryFile, ...args];
    const p = spawn(process.execPath, program, {
      env: { ...process.env, DROP_INSPECTOR_CACHE: cacheDir, DROP_INSPECTOR_STATS: '1' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => {
      if (first < 0) first = Number(process.hrtime.bigint() - t0) / 1e9;
      out.push(b);
    });
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      const e = Buffer.concat(err).toString();
      const m = /(?:BENCH|DROP_INSPECTOR)_STATS (\{.*\})/.exec(e);
      if (code !== 0 || !m) return reject(new Error(`${args.join(' ')} failed (${code}): ${e}`));
      resolve({
        s,
        firstOutS: first,
        rssMB: JSON.parse(m[1]).maxRssMB,
        stdout: Buffer.concat(out).toString(),
      });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (s: number): string => `${Math.round(s * 1000)} ms`;

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(`${drop}.complete`)) {
    rmSync(drop, { recursive: true, force: true });
    process.stderr.write(`generating one chunk with ${ROWS} rows of ${TABLE} in ${drop} …\n`);
    await writeGimDrop(drop, {
      seed: 7,
      chunks: 1,
      tables: [TABLE],
      rowsPerTable: ROWS,
      compressionLevel: 1,
      extras: false,
      absentEvery: 0,
      tableSha1: false,
      clean: true,
    });
    writeFileSync(`${drop}.complete`, '');
  }
  await build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'bench-tables-entry.ts', loader: 'ts' },
    outfile: entryFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  // The worker entries, next to the bundle (where the engine looks for them).
  await build({
    absWorkingDir: root,
    entryPoints: {
      'scan-worker': 'src/engine/workers/scan-worker.ts',
      'table-worker': 'src/engine/tables/table-worker.ts',
    },
    outdir: dataDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const chunkDir = readdirSync(drop).find((n) => n.startsWith('export_'))!;
  const zip = path.join(drop, chunkDir, `${chunkDir}.zip`);
  const member = `${TABLE}.csv`;
  const extracted = path.join(work, member);
  execFileSync('bash', ['-c', `unzip -p '${zip}' ${member} > '${extracted}'`]);
  const csvMB = statSync(extracted).size / 1e6;
  const zipMB = statSync(zip).size / 1e6;
  execFileSync('bash', ['-c', `cat '${zip}' '${extracted}' > /dev/null`]); // page cache warm for everyone

  // The catalog first (a scan is not what is measured here).
  await runEntry(['scan', drop, '--catalog', catalog]);
  if (process.env.BENCH_ONLY === 'service') {
    // Just the in-process figures (quicker, for tuning).
    const r = await runEntry([
      'service',
      drop,
      TABLE,
      '--catalog',
      catalog,
      '--column',
      'SUBJECT',
      '--column',
      'START_TS',
    ]);
    process.stdout.write(`${r.stdout.trim()}\npeak RSS ${r.rssMB} MB\n`);
    rmSync(work, { recursive: true, force: true });
    return;
  }

  // Shell: unzip -p | tail -n +N | head, at 10%, 50% and 99% of the table.
  const offsets = [0.1, 0.5, 0.99].map((f) => Math.floor(ROWS * f));
  const shell = offsets.map((n) =>
    median(
      [0, 1, 2].map(() =>
        seconds(() =>
          execFileSync('bash', [
            '-c',
            `unzip -p '${zip}' ${member} | tail -n +${n + 2} | head -n 100 > /dev/null`,
          ]),
        ),
      ),
    ),
  );

  // Ours, cold: a fresh cache; the process prints the first page, then finishes the first read.
  const cold = await runEntry(['rows', drop, TABLE, '--json', '--limit', '100', '--catalog', catalog]);
  // Ours, warm: anywhere in the table.
  const warm: Run[][] = [];
  for (const n of offsets) {
    const runs: Run[] = [];
    for (let k = 0; k < 3; k++)
      runs.push(
        await runEntry([
          'rows',
          drop,
          TABLE,
          '--json',
          '--offset',
          String(n),
          '--limit',
          '100',
          '--catalog',
          catalog,
        ]),
      );
    const doc = JSON.parse(runs[0].stdout) as { totalRows: number; rows: string[][] };
    if (doc.totalRows !== ROWS || doc.rows.length !== 100 || doc.rows[0][1] !== String(100000001 + n))
      throw new Error(`rows --offset ${n} returned the wrong page`);
    warm.push(runs);
  }
  const warmS = warm.map((runs) => median(runs.map((r) => r.s)));

  // DuckDB on the extracted CSV: import, then its own sort of the table.
  const sortCols = ['SUBJECT', 'START_TS'];
  const duckRes = spawnSync(process.execPath, ['-e', DUCK, extracted, ...sortCols], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (duckRes.status !== 0) throw new Error(`duckdb baseline failed: ${duckRes.stderr}`);
  const duck = JSON.parse(duckRes.stdout) as Record<string, number>;

  // Ours in process, cold cache again: first rows after the request, first read, analysis store, sorts.
  rmSync(cacheDir, { recursive: true, force: true });
  const svcRun = await runEntry([
    'service',
    drop,
    TABLE,
    '--catalog',
    catalog,
    ...sortCols.flatMap((c) => ['--column', c]),
  ]);
  const svc = JSON.parse(svcRun.stdout) as Record<string, number>;
  // Peak RSS per phase (the process resets the high-water mark between phases).
  const peaks = (svc as unknown as { peaks: Record<string, number> }).peaks;

  const r2 = (x: number): string => x.toFixed(2);
  const lines = [
    `table: ${TABLE}, ${ROWS} rows, ${csvMB.toFixed(0)} MB CSV, ${zipMB.toFixed(0)} MB zipped; ${os.availableParallelism()} cores; load ${os.loadavg()[0].toFixed(1)}; rows run by ${useRealCli ? 'out/cli/drop-inspector.mjs' : 'a bundle of rows-command.ts'}`,
    `shell   unzip -p | tail -n +N | head -n 100 at 10/50/99%   : ${shell.map(ms).join(' / ')}`,
    `duckdb  import of the extracted CSV (read_csv, auto)      : ${ms(duck.importMs / 1000)}   (CPU ${ms(duck.importCpuMs / 1000)})`,
    ...sortCols.map(
      (c) =>
        `duckdb  sort by ${c.padEnd(9)} (CREATE TABLE AS … ORDER BY) : ${ms(duck[`sort ${c}`] / 1000)}   (ORDER BY … LIMIT 100 OFFSET mid: ${ms(duck[`page ${c}`] / 1000)})`,
    ),
    `rows    first rows after the request (in process, cold)   : ${Math.round(svc.firstRowsMs)} ms   (target ≤ 200 ms)`,
    `rows    cold CLI: first page on stdout, process start incl.: ${ms(cold.firstOutS)}`,
    `rows    first full read (in process)                      : ${ms(svc.firstReadMs / 1000)}   → ${r2(svc.firstReadMs / duck.importMs)} of DuckDB's import (target ≤ 1); CPU ${ms(svc.firstReadCpuMs / 1000)} → ${r2(svc.firstReadCpuMs / duck.importCpuMs)} of DuckDB's`,
    `rows    cold CLI run to exit (first read + process start) : ${ms(cold.s)}   → ${r2((cold.s * 1000) / duck.importMs)} of DuckDB's import`,
    `rows    warm --offset at 10/50/99% (process start incl.)  : ${warmS.map(ms).join(' / ')}   → ${warmS.map((w, i) => r2(w / shell[i])).join(' / ')} of the shell's (target < 0.2)`,
    `analysis store (parquet, once per member, reused)        : ${ms(svc.analysisMs / 1000)}`,
    ...sortCols.map(
      (c) =>
        `sort    by ${c.padEnd(9)} whole table + page at 50%      : ${ms(svc[`sort ${c}`] / 1000)}   → ${r2(svc[`sort ${c}`] / duck[`sort ${c}`])} of DuckDB's sort (target ≤ 2)`,
    ),
    `search  'smith' over every column                         : ${ms(svc.searchMs / 1000)};   column stats (SUBJECT): ${ms(svc.statsMs / 1000)};   merged view (key check + merge): ${ms(svc.mergedMs / 1000)}`,
    `memory  peak RSS: cold rows ${cold.rssMB} MB, warm rows ${Math.max(...warm.flat().map((r) => r.rssMB))} MB, service ${Math.max(svcRun.rssMB, ...Object.values(peaks))} MB (per phase: ${Object.entries(
      peaks,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); DuckDB baseline ${duck.maxRssMB} MB (target < 500 MB)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
