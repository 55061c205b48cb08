// npm run bench (extracts part): a ~1 GB account-extract drop (seed 002: gzip DSV with , ; and
// tab, and gzip JSON lines; each run a main file, a flattened profile.likes file without a
// header, count files) scanned cold, against the shell decoding and counting the same files
// (`gzip -dc FILE | wc -l`, one file after another), in one run. Prints the ratio and the scan's
// peak memory. The drop is built on demand into bench/.data (never in tests) and reused.
//   BENCH_EXTRACT_MB=1000 npm run bench      (decoded bytes of the drop; 0 skips this part)
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
// The installed command (bench/lib.ts CLI).
const CLI = path.join(root, 'bin/drop-inspector');
const MB = Number(process.env.BENCH_EXTRACT_MB ?? 1000);
const RUNS = 8;
const dataDir = path.join(root, 'bench/.data');
const drop = path.join(dataDir, `extracts-${RUNS}r-${MB}MB`);
const work = path.join(os.tmpdir(), `di-bench-extracts-${process.pid}`);
const CADENCE = 6 * 3600;
const START = Date.UTC(2025, 10, 24, 2) / 1000;

type Style = { kind: 'dsv'; delimiter: string; ext: string } | { kind: 'jsonl' };
const STYLES: Style[] = [
  { kind: 'dsv', delimiter: ',', ext: 'csv' },
  { kind: 'jsonl' },
  { kind: 'dsv', delimiter: ';', ext: 'csv' },
  { kind: 'dsv', delimiter: '\t', ext: 'tsv' },
];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'ES', 'IT'];
const CITIES = ['Berlin', 'Paris', 'New York', 'London', 'Madrid', 'Roma, centro'];
const stamp = (ts: number): string => new Date(ts * 1000).toISOString().replace(/[-:]/g, '').slice(0, 13);

/** Writes text made by `line(i)` gzipped until `bytes` decoded bytes; returns the lines written. */
async function writeGz(file: string, bytes: number, header: string | null, line: (i: number) => string): Promise<number> {
  const gz = zlib.createGzip({ level: 6 });
  const out = createWriteStream(file);
  gz.pipe(out);
  let written = 0;
  let n = 0;
  if (header !== null) {
    gz.write(header);
    written += header.length;
  }
  while (written < bytes) {
    let batch = '';
    while (batch.length < 1 << 22 && written + batch.length < bytes) batch += line(n++);
    written += batch.length;
    if (!gz.write(batch)) await once(gz, 'drain');
  }
  gz.end();
  await once(out, 'close');
  return n;
}

async function generate(): Promise<void> {
  rmSync(drop, { recursive: true, force: true });
  mkdirSync(drop, { recursive: true });
  const perRun = (MB * 1e6) / RUNS;
  for (let r = 0; r < RUNS; r++) {
    const style = STYLES[r % STYLES.length];
    const base = `accounts_delta_${stamp(START + r * CADENCE)}`;
    const uid = (i: number): string => `_gid_${((i * 2654435761 + r * 97) >>> 0).toString(36)}${i.toString(36)}==`;
    let rows: number;
    if (style.kind === 'jsonl') {
      rows = await writeGz(path.join(drop, `${base}.jsonl.gz`), perRun * 0.85, null, (i) =>
        JSON.stringify({
          UID: uid(i),
          email: `user${i}@example.org`,
          created: new Date((START - (i % 86400)) * 1000).toISOString(),
          country: COUNTRIES[i % 6],
          profile: { firstName: `First${i % 997}`, lastName: `Last${i % 1009}`, age: String(18 + (i % 70)), city: CITIES[i % 6] },
        }) + '\n',
      );
    } else {
      const d = style.delimiter;
      const q = (v: string): string => (v.includes(d) || v.includes('"') ? `"${v.replace(/"/g, '""')}"` : v);
      rows = await writeGz(
        path.join(drop, `${base}.${style.ext}.gz`),
        perRun * 0.85,
        ['UID', 'email', 'created', 'country', 'profile.firstName', 'profile.lastName', 'profile.age', 'profile.city'].join(d) + '\n',
        (i) =>
          [uid(i), `user${i}@example.org`, new Date((START - (i % 86400)) * 1000).toISOString(), COUNTRIES[i % 6], `First${i % 997}`, `Last${i % 1009}`, String(18 + (i % 70)), q(CITIES[i % 6])].join(d) + '\n',
      );
    }
    writeFileSync(path.join(drop, `${base}.count`), `${rows}\n`);
    // The flattened file: the seed's form (every field quoted, no header, the owner's UID second).
    const likes = await writeGz(path.join(drop, `${base}.profile.likes.csv.gz`), perRun * 0.15, null, (i) =>
      `"${(i * 40503).toString(16).padStart(12, '0')}","${uid(Math.floor(i / 2))}","","Movie","Title ${i % 5000}"\n`,
    );
    writeFileSync(path.join(drop, `${base}.profile.likes.count`), `${likes}\n`);
  }
  writeFileSync(path.join(drop, '.bench-complete'), '');
}

/** Runs a command under /usr/bin/time: wall seconds, CPU seconds (user + system, children included), peak RSS. */
function timed(cmd: string[], env?: NodeJS.ProcessEnv): { wall: number; cpu: number; rssMB: number; stdout: string; stderr: string; status: number | null } {
  const res = spawnSync('/usr/bin/time', ['-f', 'TIMED %e %U %S %M', ...cmd], { env: env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /TIMED ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(res.stderr);
  if (!m) throw new Error(`could not time ${cmd.join(' ')}: ${res.stderr.slice(-500)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMB: Math.round(Number(m[4]) / 1024), stdout: res.stdout, stderr: res.stderr, status: res.status };
}

async function main(): Promise<void> {
  if (MB <= 0) return;
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(path.join(drop, '.bench-complete'))) {
    process.stderr.write(`generating an extract drop, ${RUNS} runs, ~${MB} MB decoded, in ${drop} …\n`);
    const t = Date.now();
    await generate();
    process.stderr.write(`  generated in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  }
  mkdirSync(work, { recursive: true });
  const files = readdirSync(drop).filter((n) => n.endsWith('.gz')).sort().map((n) => path.join(drop, n));
  const gzMB = files.reduce((s, f) => s + Number(execFileSync('stat', ['-c', '%s', f]).toString()), 0) / 1e6;
  const list = path.join(work, 'files.txt');
  writeFileSync(list, files.join('\n') + '\n');
  // Warm the page cache once so neither side pays for the first read.
  execFileSync('bash', ['-c', `xargs -d '\\n' cat < '${list}' > /dev/null`]);
  const load = os.loadavg()[0];
  const shell = timed(['bash', '-c', `t=0; while IFS= read -r f; do n=$(gzip -dc "$f" | wc -l); t=$((t+n)); done < '${list}'; echo $t`]);
  const lines = Number(shell.stdout.trim());
  const catalog = path.join(work, 'catalog.sqlite');
  const asOf = new Date((START + (RUNS - 1) * CADENCE + 600) * 1000).toISOString();
  const scan = timed([CLI, 'scan', drop, '--json', '--catalog', catalog, '--exit-zero', '--as-of', asOf]);
  if (scan.status !== 0) throw new Error(`drop-inspector failed (${scan.status}): ${scan.stderr.slice(-2000)}`);
  const report = JSON.parse(scan.stdout) as { problems: Array<{ kind: string; severity: string }>; summary: { rows: number } };
  const bad = report.problems.filter((p) => p.severity !== 'info');
  process.stdout.write(
    [
      '',
      `extracts: ${RUNS} runs, ${files.length} gzip files, ${gzMB.toFixed(0)} MB gzipped, ~${MB} MB decoded (gzip DSV , ; tab and JSON lines, flattened files); ${os.availableParallelism()} cores; load ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
      `shell  gzip -dc | wc -l (per file)   : ${shell.wall.toFixed(2)} s wall, ${shell.cpu.toFixed(2)} s CPU   (${lines} lines)`,
      `scan   cold (decode once: count, dialect, ids, orphans): ${scan.wall.toFixed(2)} s wall, ${scan.cpu.toFixed(2)} s CPU   → ${(shell.wall / scan.wall).toFixed(2)}× the shell's speed (target ≥ 2); CPU ${(scan.cpu / shell.cpu).toFixed(2)}× the shell's`,
      `       ${report.summary.rows} records; problems other than info: ${bad.length ? [...new Set(bad.map((p) => p.kind))].join(', ') : 'none'}`,
      `memory peak RSS cold scan ${scan.rssMB} MB (target < 400 MB)`,
    ].join('\n') + '\n',
  );
  rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`bench extracts failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
