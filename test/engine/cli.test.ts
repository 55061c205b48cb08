// The CLI as scripts use it: stdout carries only the document, exit codes per the contract,
// messages on stderr; a scan killed part-way leaves a consistent catalog.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from './harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(root, 'out/cli/drop-inspector.mjs');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

let work: string;
let broken: GimDropManifest;
let clean: GimDropManifest;
beforeAll(async () => {
  work = tempDir('di-cli-');
  broken = await writeGimDrop(path.join(work, 'broken'), { seed: 21, chunks: 7, defects: { 2: ['missing'], 4: ['checksum-mismatch'] } });
  clean = await writeGimDrop(path.join(work, 'clean'), { seed: 22, chunks: 4 });
});
afterAll(() => removeDir(work));

const asOf = (m: GimDropManifest): string => String(Math.max(...m.chunks.map((c) => c.createdTs)) + 60);

describe('drop-inspector scan', () => {
  it('--json prints the contract document alone on stdout and exits 1 on errors', () => {
    const r = run(['scan', broken.root, '--json', '--catalog', path.join(work, 'c1.sqlite'), '--as-of', asOf(broken)]);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['format', 'drop', 'scannedAt', 'summary', 'chunks', 'problems']));
    expect(doc.format).toBe('gim');
    expect(doc.chunks.map((c: { name: string }) => c.name)).toEqual(broken.chunks.map((c) => c.name));
    for (const c of doc.chunks) {
      expect(c).toEqual(expect.objectContaining({ name: expect.any(String), checksum: expect.any(String), tables: expect.any(Array) }));
      for (const k of ['hwmFrom', 'hwmTo', 'createdTs', 'maxDataTs']) expect(typeof c[k] === 'number' || c[k] === null).toBe(true);
    }
    const kinds = doc.problems.map((p: { kind: string }) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['gap', 'checksum-mismatch']));
    for (const p of doc.problems) expect(Object.keys(p)).toEqual(expect.arrayContaining(['kind', 'severity', 'chunk', 'table', 'message']));
    expect(doc.summary.problems).toBe(doc.problems.length);
  });

  it('reads an --as-of without a zone as UTC, as the app does, whatever the machine\'s zone', () => {
    // New York is UTC-5 in January: read there as local time, 08:00 was 13:00 UTC.
    const at = (v: string, tz: string) => {
      const r = spawnSync(process.execPath, [CLI, 'scan', clean.root, '--json', '--catalog', path.join(work, 'as-of.sqlite'), '--as-of', v], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, TZ: tz },
      });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout).options.asOf as string;
    };
    expect(at('2017-01-10T08:00', 'America/New_York')).toBe('2017-01-10T08:00:00.000Z');
    expect(at('2017-01-10 08:00', 'Asia/Tokyo')).toBe('2017-01-10T08:00:00.000Z');
    expect(at('2017-01-10T08:00-05:00', 'Asia/Tokyo')).toBe('2017-01-10T13:00:00.000Z');
    expect(at('1484035200', 'America/New_York')).toBe('2017-01-10T08:00:00.000Z');
    const bad = run(['scan', clean.root, '--catalog', path.join(work, 'as-of.sqlite'), '--as-of', '2017-02-30']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/cannot read the time "2017-02-30"/);
  });

  it('exits 0 on a whole drop and prints the summary on stderr only', () => {
    const r = run(['scan', clean.root, '--catalog', path.join(work, 'c2.sqlite'), '--as-of', asOf(clean)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('WHOLE');
    // A local drop's reads are not counted: the summary must not claim "0.00 MB read".
    expect(r.stderr).toMatch(/chunks read, 0 unchanged since the last scan\)/);
    expect(r.stderr).not.toMatch(/MB read/);
  });

  it("ends without closing its catalog: what it recorded is in the catalog's log, read by the next connection and scan", () => {
    const file = path.join(work, 'left-open.sqlite');
    const first = run(['scan', clean.root, '--json', '--catalog', file, '--as-of', asOf(clean)]);
    expect(first.status).toBe(0);
    // Not checkpointed at close (main.ts): the recorded chunks are in the write-ahead log.
    expect(existsSync(`${file}-wal`)).toBe(true);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n).toBe(clean.chunks.length);
    } finally {
      db.close();
    }
    const again = run(['scan', clean.root, '--catalog', file, '--as-of', asOf(clean)]);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`(0 chunks read, ${clean.chunks.length} unchanged since the last scan)`);
    expect(JSON.parse(run(['scan', clean.root, '--json', '--catalog', file, '--as-of', asOf(clean)]).stdout).chunks).toEqual(JSON.parse(first.stdout).chunks);
  });

  it('exits 2 with a clear message when the scan cannot run', () => {
    const missing = run(['scan', path.join(work, 'nope'), '--catalog', path.join(work, 'c3.sqlite')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
    expect(missing.stdout).toBe('');
    const empty = path.join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(path.join(empty, 'readme.txt'), 'hello');
    const unknown = run(['scan', empty, '--catalog', path.join(work, 'c3.sqlite')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/recognises/);
    const badArg = run(['scan', clean.root, '--cadence', 'often']);
    expect(badArg.status).toBe(2);
    expect(run(['frobnicate']).status).toBe(2);
    // The catalog may never be put inside the drop (the drop is read-only).
    const inside = run(['scan', clean.root, '--catalog', path.join(clean.root, 'cat.sqlite')]);
    expect(inside.status).toBe(2);
    expect(existsSync(path.join(clean.root, 'cat.sqlite'))).toBe(false);
  });

  it('a catalog from a newer version is refused with a clear message, not overwritten', () => {
    const file = path.join(work, 'future.sqlite');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    const r = run(['scan', clean.root, '--catalog', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/newer Drop Inspector/);
  });
});

describe('drop-inspector --help', () => {
  it('prints the usage on stdout (for | less) and exits 0; no command at all is a usage error on stderr', () => {
    for (const flag of ['--help', '-h']) {
      const r = run([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^drop-inspector .*Usage:/s);
      expect(r.stdout).toContain('--exit-zero');
      expect(r.stderr).toBe('');
    }
    const sub = run(['report', '--help']);
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('Usage:');
    const none = run([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage:');
  });
});

describe('a reader that stops early', () => {
  it('rows --csv | head: the CLI stops quietly, no EPIPE stack trace', async () => {
    // 2 chunks x 4000 rows is ~1 MB of CSV: far more than a pipe holds, so writes hit EPIPE.
    const big = await writeGimDrop(path.join(work, 'pipe-big'), { seed: 5, chunks: 2, rowsPerTable: 4000 });
    const args = [CLI, 'rows', big.root, 'INTERACTION_FACT', '--csv', '--limit', '100000', '--catalog', path.join(work, 'c-pipe.sqlite')];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let got = 0;
    child.stderr.on('data', (d) => (err += d));
    // Like head -c 10: read a little, then close the pipe.
    child.stdout.once('data', (d: Buffer) => {
      got = d.length;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    expect(got).toBeGreaterThan(0);
    expect(err).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });

  it.runIf(existsSync('/dev/full'))('an output that cannot be written (a full disk) is one line and exit status 2, no stack trace', async () => {
    const m = await writeGimDrop(path.join(work, 'full-disk'), { seed: 6, chunks: 2 });
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, 'scan', m.root, '--json', '--catalog', path.join(work, 'c-full.sqlite')], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(r.stderr).toBe('drop-inspector: cannot write the output: ENOSPC: no space left on device, write\n');
      expect(r.status).toBe(2);
    } finally {
      closeSync(fd);
    }
  });
});

describe('drop-inspector report', () => {
  it('--exit-zero writes the report and exits 0 even with error-severity problems', () => {
    const out = path.join(work, 'exit-zero.md');
    const r = run(['report', broken.root, '--format', 'md', '-o', out, '--exit-zero', '--catalog', path.join(work, 'c5.sqlite'), '--as-of', asOf(broken)]);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`${broken.missing[0].hwmFrom}..${broken.missing[0].hwmTo}`);
    // What was written, counted in words: "1 error", "2 errors".
    const said = /wrote .+ \((\d+) (errors?), (\d+) (warnings?)\)/.exec(r.stderr);
    expect(said, r.stderr).not.toBeNull();
    expect(said![2]).toBe(said![1] === '1' ? 'error' : 'errors');
    expect(said![4]).toBe(said![3] === '1' ? 'warning' : 'warnings');
    // Without it, the same drop exits 1: the flag is what changes the status.
    expect(run(['report', broken.root, '--format', 'md', '-o', out, '--catalog', path.join(work, 'c5.sqlite'), '--as-of', asOf(broken)]).status).toBe(1);
  });

  it('-o - writes the report on stdout, as the shell convention has it, not to a file named "-"', () => {
    const cwd = path.join(work, 'dash-out');
    mkdirSync(cwd, { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'report', broken.root, '--format', 'md', '-o', '-', '--catalog', path.join(work, 'c5.sqlite'), '--as-of', asOf(broken)], { cwd, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain(`${broken.missing[0].hwmFrom}..${broken.missing[0].hwmTo}`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('writes a long report whole into a pipe whose reader comes late (a pipe takes 64 KiB at once)', async () => {
    // ~250 kB of JSON. The reader starts 2 s late, by when the CLI has written what the pipe
    // takes: the process ended with the rest unwritten, and `| jq` got the first 65,536 bytes.
    const many = await writeGimDrop(path.join(work, 'many'), { seed: 23, chunks: 40, rowsPerTable: 2, extras: false });
    const cli = [process.execPath, CLI, 'report', many.root, '--format', 'json', '--catalog', path.join(work, 'c6.sqlite'), '--as-of', asOf(many)];
    const quoted = cli.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const r = spawnSync('sh', ['-c', `${quoted} 2>/dev/null | (sleep 2; cat)`], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
    expect(r.stdout.length).toBeGreaterThan(4 * 65536);
    expect((JSON.parse(r.stdout) as { chunks: unknown[] }).chunks).toHaveLength(40);
  });

  it('writes each format with the gap and the checksum failure in it', () => {
    const gap = broken.missing[0];
    for (const format of ['md', 'csv', 'json', 'html']) {
      const out = path.join(work, `report.${format}`);
      const r = run(['report', broken.root, '--format', format, '-o', out, '--catalog', path.join(work, 'c4.sqlite'), '--as-of', asOf(broken)]);
      expect(r.status).toBe(1);
      const text = readFileSync(out, 'utf8');
      expect(text).toContain(`${gap.hwmFrom}..${gap.hwmTo}`);
      expect(text).toContain(broken.chunks[3].name); // the mismatching chunk (index 4 before removal of 2)
      if (format === 'csv') expect(Papa.parse(text.trim()).errors).toEqual([]);
      if (format === 'json') expect(JSON.parse(text).problems.length).toBeGreaterThan(1);
    }
  });
});

describe('killing a scan', () => {
  const CHUNKS = 16;
  const recorded = (file: string): number => {
    if (!existsSync(file)) return 0;
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
      } finally {
        db.close();
      }
    } catch {
      return 0; // schema not there yet
    }
  };

  /**
   * Runs a scan and SIGKILLs it once a first batch of chunks is recorded. The scan of this drop
   * takes well under a second on a quiet machine, faster than a poll can catch it part-way, so
   * the child is slowed from outside: it runs in short slices between SIGSTOPs (a slow machine,
   * without a test hook in the product), and is inspected and killed while stopped. Returns how
   * many chunks were recorded at the kill, or null when the scan finished first.
   */
  const killPartWay = async (drop: string, file: string): Promise<number | null> => {
    const child = spawn(process.execPath, [CLI, 'scan', drop, '--catalog', file, '--quiet'], { stdio: 'ignore' });
    // Made at spawn: an 'exit' listener added after the child ended would wait forever.
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    let done = false;
    void exited.then(() => (done = true));
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const deadline = Date.now() + 45_000;
    let n = 0;
    try {
      while (!done && Date.now() < deadline) {
        process.kill(child.pid!, 'SIGCONT');
        await sleep(2);
        process.kill(child.pid!, 'SIGSTOP');
        n = recorded(file);
        if (n >= 1) break;
        await sleep(8);
      }
    } catch {
      /* the child ended between two signals */
    }
    if (done) return null;
    if (n < 1) throw new Error('the scan never recorded a chunk');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    return n;
  };

  it('leaves the catalog consistent; the next scan completes with the same result as a clean run', async () => {
    const drop = path.join(work, 'big');
    await writeGimDrop(drop, { seed: 30, chunks: CHUNKS, rowsPerTable: 6000 });
    const file = path.join(work, 'killed.sqlite');
    // A kill after the last batch would prove nothing about resuming: try again (rarely needed).
    let atKill: number | null = null;
    for (let attempt = 0; attempt < 3 && (atKill === null || atKill >= CHUNKS); attempt++) {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
      atKill = await killPartWay(drop, file);
    }
    expect(atKill).not.toBeNull();
    expect(atKill).toBeGreaterThanOrEqual(1);
    expect(atKill).toBeLessThan(CHUNKS);
    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Every recorded chunk is whole: tables present for each.
    const orphans = db.prepare('SELECT count(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunk_tables t WHERE t.chunk_id = c.id)').get() as { n: number };
    expect(orphans.n).toBe(0);
    db.close();
    const resumed = run(['scan', drop, '--json', '--catalog', file]);
    const fresh = run(['scan', drop, '--json', '--catalog', path.join(work, 'fresh.sqlite')]);
    const strip = (s: string) => {
      const d = JSON.parse(s);
      delete d.scannedAt;
      d.options.asOf = null;
      d.problems = d.problems.filter((p: { kind: string }) => p.kind !== 'stale');
      d.summary.problems = d.problems.length;
      d.summary.warnings = 0;
      return d;
    };
    expect(strip(resumed.stdout)).toEqual(strip(fresh.stdout));
  }, 120_000);
});
