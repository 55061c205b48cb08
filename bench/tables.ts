// The table browser's benchmark: one chunk holding a tall interaction_fact table, every
// table operation timed in our engine and, in the same run, in DuckDB doing the same on its
// own imported table (DuckDB is our engine underneath: the target is its own speed). Timings
// on shared machines are noisy: compare the ratios, not the seconds.
//   npm run bench:tables -- --rows 10000000      (default 3,000,000; BENCH_TABLE_ROWS works too)
//
// Targets (issue 11): every operation succeeds within the memory bound, each within 2×
// DuckDB's time; the first full read no slower than DuckDB's extract + import; cache ≤ 0.7×
// the CSV (after the text packing, which runs in the background, is waited for at the end).
// Ours runs in one process (the TableService, as the app and the CLI use it, cold cache);
// DuckDB in another (its defaults: all cores, 80% of memory).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeGimDrop } from '../test/fixtures/gim-drop';

const root = fileURLToPath(new URL('..', import.meta.url));
const argRows = process.argv.indexOf('--rows');
const ROWS = Number(argRows > 0 ? process.argv[argRows + 1] : (process.env.BENCH_TABLE_ROWS ?? 3_000_000));
if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error(`--rows must be a whole number ≥ 1000`);
const TABLE = 'interaction_fact';
const TEXT_COL = 'SUBJECT';
const NUM_COL = 'START_TS';
const HIGH_COL = 'INTERACTION_ID';
const LOW_COL = 'MEDIA_TYPE_KEY';
const SEARCH = 'smith';
/** A view of 1M rows (fewer for small tables): the first ids. */
const EXPORT_ROWS = Math.min(1_000_000, Math.floor(ROWS / 2));
const EXPORT_BELOW = 100000001 + EXPORT_ROWS;
const dataDir = path.join(root, 'bench/.data');
// --drop DIR: a drop generated before (e.g. another checkout's bench/.data/table-N; only read).
const argDrop = process.argv.indexOf('--drop');
const drop = argDrop > 0 ? path.resolve(process.argv[argDrop + 1]) : path.join(dataDir, `table-${ROWS}`);
const entryFile = path.join(dataDir, 'tables-bench.mjs');
const work = path.join(os.tmpdir(), `di-bench-tables-${process.pid}`);
const cacheDir = path.join(work, 'cache');
const catalog = path.join(work, 'catalog.sqlite');
const FRACTIONS = [0.1, 0.5, 0.99];

// Ours, in process: the engine's TableService, cold cache. Prints one JSON line of timings (ms).
const ENTRY = `
import fs from 'node:fs';
import path from 'node:path';
import { Catalog } from './src/engine/catalog/catalog';
import { cadenceOf } from './src/engine/options';
import { scanDrop } from './src/engine/scan';
import { TableService } from './src/engine/tables/table-service';
import { closeDuck, duckSettings } from './src/engine/tables/duck';

const [cmd, drop, table, catalogFile, cacheDir, exportFile] = process.argv.slice(2);
const P = JSON.parse(process.env.BENCH_PARAMS);
// Peak RSS per phase (Linux: writing 5 to clear_refs resets VmHWM).
const peaks = {};
const phase = (name) => {
  try {
    const m = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) peaks[name] = Math.round(Number(m[1]) / 1024);
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {}
};
const du = (dir) => {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += du(p); else n += fs.statSync(p).size;
  }
  return n;
};
async function main() {
  const catalog = new Catalog(catalogFile);
  try {
    if (cmd === 'scan') {
      await scanDrop(drop, { catalog, cadence: cadenceOf({}) });
      return;
    }
    const svc = new TableService({ catalog, cacheDir, workers: 1, eagerAnalysis: false });
    const out = { peaks, duck: duckSettings() };
    const time = async (name, fn) => {
      const t = performance.now();
      const r = await fn();
      out[name] = performance.now() - t;
      phase(name);
      return r;
    };
    phase('start');
    let t = performance.now();
    const h = await svc.openTable(drop, { table, scope: 'all' });
    await svc.getRows(h.handle, { offset: 0, limit: 100 });
    out.firstRows = performance.now() - t;
    await svc.settle(h.handle);
    out.firstRead = performance.now() - t;
    phase('firstRead');
    const total = (await svc.tableInfo(h.handle)).totalRows;
    if (total !== P.rows) throw new Error('read ' + total + ' rows, expected ' + P.rows);
    for (const f of P.fractions) {
      const off = Math.floor(P.rows * f);
      const page = await time('page ' + f, () => svc.getRows(h.handle, { offset: off, limit: 100 }));
      if (page.rows[0][1] !== String(100000001 + off)) throw new Error('wrong page at ' + off);
    }
    // The analysis store (typed DuckDB database per segment, once per member, reused across runs).
    await time('analysis', () => svc.getRows(h.handle, { offset: 0, limit: 1, filter: [{ op: 'malformed' }] }));
    for (const c of [P.text, P.num]) {
      await time('sort ' + c + ' first', () => svc.getRows(h.handle, { offset: 0, limit: 100, sort: { column: c } }));
      await time('sort ' + c + ' 99', () => svc.getRows(h.handle, { offset: Math.floor(P.rows * 0.99), limit: 100, sort: { column: c } }));
    }
    const s = await time('search', () => svc.getRows(h.handle, { offset: 0, limit: 100, search: P.search }));
    out.searchRows = s.totalRows;
    for (const c of [P.high, P.low]) {
      const st = await time('stats ' + c, () => svc.columnStats(h.handle, c));
      out['distinct ' + c] = st.distinct;
    }
    const view = { filter: [{ column: P.high, op: 'lt', value: String(P.exportBelow) }] };
    const ex = await time('export', () => svc.exportView(h.handle, view, exportFile));
    out.exportRows = ex.rows;
    fs.rmSync(exportFile, { force: true });
    t = performance.now();
    const mh = await svc.openTable(drop, { table, scope: 'merged' });
    const mp = await svc.getRows(mh.handle, { offset: 0, limit: 100 });
    out.merged = performance.now() - t;
    out.mergedRows = mp.totalRows;
    phase('merged');
    // Text packing runs in the background while DuckDB is idle: what is left of it now.
    t = performance.now();
    await svc.packed();
    out.packing = performance.now() - t;
    out.packError = svc.packer.lastError;
    await svc.close();
    await closeDuck();
    out.cacheBytes = du(cacheDir);
    process.stdout.write(JSON.stringify(out) + '\\n');
  } finally {
    catalog.close();
  }
}
main().then(() => { process.stderr.write('BENCH_STATS ' + JSON.stringify({ maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\\n'); }, (e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exitCode = 2; });
`;

// DuckDB, the same operations on its own table imported from the extracted CSV.
const DUCK = `
const { createRequire } = require('node:module');
const r = createRequire(${JSON.stringify(path.join(root, 'package.json'))});
const { DuckDBInstance } = r('@duckdb/node-api');
(async () => {
  const [csv, exportFile] = process.argv.slice(1);
  const P = JSON.parse(process.env.BENCH_PARAMS);
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const out = {};
  const time = async (name, sql) => {
    const t = performance.now();
    const res = await con.runAndReadAll(sql);
    out[name] = performance.now() - t;
    return res.getRowsJS();
  };
  await time('import', "CREATE TABLE t AS SELECT * FROM read_csv('" + csv + "')");
  const cols = (await con.runAndReadAll("SELECT column_name FROM (DESCRIBE t)")).getRowsJS().map((x) => x[0]);
  for (const f of P.fractions) await time('page ' + f, 'SELECT * FROM t LIMIT 100 OFFSET ' + Math.floor(P.rows * f));
  for (const c of [P.text, P.num]) {
    await time('sort ' + c + ' first', 'SELECT * FROM t ORDER BY "' + c + '" NULLS LAST LIMIT 100');
    await time('sort ' + c + ' 99', 'SELECT * FROM t ORDER BY "' + c + '" NULLS LAST LIMIT 100 OFFSET ' + Math.floor(P.rows * 0.99));
  }
  const any = cols.map((c) => "contains(lower(CAST(\\"" + c + "\\" AS VARCHAR)), '" + P.search + "')").join(' OR ');
  await time('search', 'CREATE TEMP TABLE s AS SELECT rowid AS r FROM t WHERE ' + any + ' ORDER BY rowid');
  for (const c of [P.high, P.low]) {
    const t0 = performance.now();
    const q = '"' + c + '"';
    await con.runAndReadAll('SELECT count(*), count(*) FILTER (WHERE ' + q + ' IS NULL), count(DISTINCT ' + q + '), min(' + q + '), max(' + q + ') FROM t');
    await con.runAndReadAll('SELECT ' + q + ', count(*) AS n FROM t GROUP BY ' + q + ' ORDER BY n DESC, ' + q + ' LIMIT 10');
    const [[lo, hi]] = (await con.runAndReadAll('SELECT min(' + q + ')::DOUBLE, max(' + q + ')::DOUBLE FROM t')).getRowsJS();
    await con.runAndReadAll('SELECT least(19, CAST(floor((' + q + ' - ' + lo + ') / ' + ((hi - lo) / 20 || 1) + ') AS INTEGER)) AS b, count(*) FROM t WHERE ' + q + ' IS NOT NULL GROUP BY b');
    out['stats ' + c] = performance.now() - t0;
  }
  await time('export', "COPY (SELECT * FROM t WHERE " + P.high + " < " + P.exportBelow + ") TO '" + exportFile + "' (FORMAT csv, HEADER)");
  require('node:fs').rmSync(exportFile, { force: true });
  await time('merged', 'CREATE TEMP TABLE m AS SELECT max(rowid) AS r FROM t GROUP BY "' + P.high + '" ORDER BY r');
  out.maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify(out) + '\\n');
})().catch((e) => { console.error(e); process.exit(2); });
`;

function run(program: string[], env: Record<string, string>): Promise<{ stdout: string; rssMB: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, program, { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => {
      const e = Buffer.concat(err).toString();
      if (code !== 0) return reject(new Error(`${program.slice(1, 3).join(' ')} failed (${code}): ${e}`));
      const m = /BENCH_STATS (\{.*\})/.exec(e);
      resolve({ stdout: Buffer.concat(out).toString(), rssMB: m ? JSON.parse(m[1]).maxRssMB : 0 });
    });
  });
}

function seconds(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(`${drop}.complete`)) {
    if (argDrop > 0) throw new Error(`${drop} is not a complete bench drop (${drop}.complete missing)`);
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
  const banner = {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  };
  await build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'bench-tables-entry.ts', loader: 'ts' },
    outfile: entryFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    banner,
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
    banner,
  });
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const chunkDir = readdirSync(drop).find((n) => n.startsWith('export_'))!;
  const zip = path.join(drop, chunkDir, `${chunkDir}.zip`);
  const member = `${TABLE}.csv`;
  const extracted = path.join(work, member);
  const params = JSON.stringify({
    rows: ROWS,
    fractions: FRACTIONS,
    text: TEXT_COL,
    num: NUM_COL,
    high: HIGH_COL,
    low: LOW_COL,
    search: SEARCH,
    exportBelow: EXPORT_BELOW,
  });
  const env = { BENCH_PARAMS: params, DROP_INSPECTOR_CACHE: cacheDir };
  const load0 = os.loadavg()[0];

  // DuckDB: extract (unzip -p, as its import needs a file), then the same operations.
  const extractS = seconds(() => execFileSync('bash', ['-c', `unzip -p '${zip}' ${member} > '${extracted}'`]));
  const csvBytes = statSync(extracted).size;
  const zipMB = statSync(zip).size / 1e6;
  const duckRes = spawnSync(process.execPath, ['-e', DUCK, extracted, path.join(work, 'duck-export.csv')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, BENCH_PARAMS: params },
  });
  if (duckRes.status !== 0) throw new Error(`duckdb baseline failed: ${duckRes.stderr}`);
  const duck = JSON.parse(duckRes.stdout) as Record<string, number>;
  rmSync(extracted, { force: true });

  // Ours: the catalog first (a scan is not what is measured), then the service, cold cache.
  await run([entryFile, 'scan', drop, TABLE, catalog, cacheDir], env);
  const ours = await run([entryFile, 'service', drop, TABLE, catalog, cacheDir, path.join(work, 'export.csv')], env);
  const svc = JSON.parse(ours.stdout) as Record<string, number> & {
    packError: string | null;
    peaks: Record<string, number>;
    duck: { query: string; build: string };
  };

  const ms = (x: number): string => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
  const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
  const rows: Array<[string, number, number]> = [
    ['first rows (open → first page)', svc.firstRows, NaN],
    ['first full read (ours: read + index; DuckDB: unzip -p + import)', svc.firstRead, extractS * 1000 + duck.import],
    ...FRACTIONS.map((f): [string, number, number] => [`page at ${f * 100}%`, svc[`page ${f}`], duck[`page ${f}`]]),
    ['analysis store (typed, once per member)', svc.analysis, NaN],
    ['text packing still running after the last operation (background)', svc.packing, NaN],
    ...[TEXT_COL, NUM_COL].flatMap((c): Array<[string, number, number]> => [
      [`sort by ${c} (${c === TEXT_COL ? 'text' : 'number'}): first page`, svc[`sort ${c} first`], duck[`sort ${c} first`]],
      [`sort by ${c}: page at 99%`, svc[`sort ${c} 99`], duck[`sort ${c} 99`]],
    ]),
    [`search '${SEARCH}' (${svc.searchRows} rows)`, svc.search, duck.search],
    [`stats ${HIGH_COL} (${svc[`distinct ${HIGH_COL}`]} distinct)`, svc[`stats ${HIGH_COL}`], duck[`stats ${HIGH_COL}`]],
    [`stats ${LOW_COL} (${svc[`distinct ${LOW_COL}`]} distinct)`, svc[`stats ${LOW_COL}`], duck[`stats ${LOW_COL}`]],
    [`merged view by ${HIGH_COL} (${svc.mergedRows} rows)`, svc.merged, duck.merged],
    [`export of a ${svc.exportRows}-row view`, svc.export, duck.export],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = [
    `table: ${TABLE}, ${ROWS} rows, ${(csvBytes / 1e6).toFixed(0)} MB CSV, ${zipMB.toFixed(0)} MB zipped; ${os.availableParallelism()} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB; load ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}; our DuckDB limit ${svc.duck.query} (build ${svc.duck.build})`,
    `${'operation'.padEnd(w)}  ${'ours'.padStart(10)}  ${'DuckDB'.padStart(10)}  ratio`,
    ...rows.map(
      ([name, a, b]) =>
        `${name.padEnd(w)}  ${ms(a).padStart(10)}  ${(Number.isNaN(b) ? '—' : ms(b)).padStart(10)}  ${Number.isNaN(b) ? '' : ratio(a, b)}`,
    ),
    `export rate: ${((svc.exportRows / svc.export) * 1000 / 1e6).toFixed(2)} M rows/s (target ≥ 1)`,
    // The process's maxRSS is only the last phase's: each phase resets the high-water mark
    // (clear_refs), so the peak is the largest of the phases'.
    `peak RSS: ours ${Math.max(ours.rssMB, ...Object.values(svc.peaks))} MB (per phase: ${Object.entries(svc.peaks)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); DuckDB ${duck.maxRssMB} MB`,
    `cache: ${(svc.cacheBytes / 1e6).toFixed(0)} MB = ${(svc.cacheBytes / csvBytes).toFixed(2)}× the CSV (target ≤ 0.7)${svc.packError ? `; packing failed: ${svc.packError}` : ''}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  // BENCH_KEEP=1 leaves the catalog and cache for a look at one operation by hand.
  if (process.env.BENCH_KEEP) process.stdout.write(`kept: ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
