// Issue 7: every case of the hostile corpus (test/fixtures/hostile-corpus.ts) through scan,
// rows and report, as a user runs them (the CLI, unprivileged): exit 0/1/2 only, no stack
// trace, valid report JSON, the expected problem kind, no false gap, peak RSS under 500 MB,
// and the drop byte-for-byte unchanged (content, names, modes, mtimes).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBase, HOSTILE_CASES, snapshot, writeBaseDrop, type HostileCase } from '../fixtures/hostile-corpus';
import type { GimDropManifest } from '../fixtures/gim-drop';
import { CLI, isRoot } from './as-user';
import { removeDir, tempDir } from './harness';

const RSS_LIMIT_MB = 500;
/** A command still running after this is taken for hung (a busy shared machine is slow, not hung). */
const HANG_MS = 150_000;
const AS_OF = '2016-07-13T12:00:00Z';

let work: string;
let base: GimDropManifest;
beforeAll(async () => {
  work = tempDir('di-corpus-');
  chmodSync(work, 0o755);
  base = await writeBaseDrop(path.join(work, 'base'));
});
afterAll(() => {
  const open = (d: string): void => {
    try {
      chmodSync(d, 0o755);
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) open(path.join(d, e.name));
    } catch {
      /* gone */
    }
  };
  open(work);
  removeDir(work);
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  rssMB: number | null;
}

/** The CLI as an unprivileged user (nobody under root), with a hang limit. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const argv = isRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args] : [CLI, ...args];
  return new Promise((resolve) => {
    const child = spawn(isRoot ? 'setpriv' : process.execPath, argv, {
      env: { ...process.env, DROP_INSPECTOR_STATS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      const m = /DROP_INSPECTOR_STATS (\{.*\})/.exec(stderr);
      resolve({ status, stdout, stderr: stderr.replace(/DROP_INSPECTOR_STATS .*\n?/, ''), rssMB: m ? JSON.parse(m[1]).maxRssMB : null });
    });
  });
}

interface Outcome {
  c: HostileCase;
  before: string[];
  after: string[];
  scan: Run;
  rows: Run;
  report: Run;
  reportJson: string | null;
  ms: number;
}

async function runCase(c: HostileCase, i: number): Promise<Outcome> {
  const t0 = Date.now();
  const dir = path.join(work, `case-${i}`);
  mkdirSync(dir);
  chmodSync(dir, 0o777); // the unprivileged user's catalog, cache and report go here
  const drop = path.join(dir, 'drop');
  copyBase(base, drop);
  await c.make(drop, base);
  // One scan worker: the cases run side by side (vitest's maxConcurrency), which is where the
  // parallelism is; a pool per scan would start a second worker for three small chunks.
  const env = {
    DROP_INSPECTOR_CACHE: path.join(dir, 'cache'),
    XDG_CACHE_HOME: dir,
    XDG_DATA_HOME: dir,
    HOME: dir,
    DROP_INSPECTOR_WORKERS: '1',
  };
  const cat = ['--catalog', path.join(dir, 'catalog.sqlite'), '--as-of', AS_OF];
  const before = snapshot(drop);
  const [scan] = await Promise.all([cli(['scan', drop, '--json', ...cat], env), c.during?.(drop, base)]);
  // A twist made while the scan ran is part of the drop as the user left it.
  const settled = c.during ? snapshot(drop) : before;
  const table = c.table ?? Object.keys(base.chunks[1].tables)[0];
  const rows = await cli(['rows', drop, table, '--limit', '5', '--json', ...cat], env);
  const out = path.join(dir, 'report.json');
  const report = await cli(['report', drop, '--format', 'json', '-o', out, ...cat], env);
  let reportJson: string | null = null;
  try {
    reportJson = readFileSync(out, 'utf8');
  } catch {
    /* not written (exit 2) */
  }
  return { c, before: settled, after: snapshot(drop), scan, rows, report, reportJson, ms: Date.now() - t0 };
}

const STACK = /\n\s+at \S.*:\d+:\d+\)?|internal error|Uncaught|UnhandledPromiseRejection/;

describe('the hostile corpus', () => {
  // HOSTILE_ONLY=<regex> runs the cases whose name matches (while working on one).
  const only = process.env.HOSTILE_ONLY ? new RegExp(process.env.HOSTILE_ONLY, 'i') : null;
  const runnable = HOSTILE_CASES.filter((c) => !only || only.test(`${c.group} ${c.name}`));

  it(`has at least 60 cases across every kind of twist (${HOSTILE_CASES.length})`, () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(HOSTILE_CASES.map((c) => c.group)).size).toBeGreaterThanOrEqual(14);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
  });

  // One test per case, run a few at a time (each spawns the CLI three times).
  it.concurrent.each(runnable.map((c, i) => [`${c.group} / ${c.name}`, c, i] as const))('%s', async (_label, c, i) => {
    const o = await runCase(c, i);
    const failures: string[] = [];
    {
      const f = (msg: string): number => failures.push(msg);
      for (const [cmd, r] of [['scan', o.scan], ['rows', o.rows], ['report', o.report]] as const) {
        if (r.status === null || ![0, 1, 2].includes(r.status)) f(`${cmd} exited ${r.status} (killed or hung?)\n${r.stderr.slice(0, 400)}`);
        if (STACK.test(r.stderr)) f(`${cmd} printed a stack trace:\n${r.stderr.slice(0, 600)}`);
        if (r.rssMB !== null && r.rssMB >= RSS_LIMIT_MB) f(`${cmd} peaked at ${r.rssMB} MB`);
        if (r.rssMB === null && r.status !== null) f(`${cmd} printed no memory figure`);
        if (r.status === 2 && r.stderr.trim().split('\n').length > 1 && !/\n\n/.test(r.stderr)) f(`${cmd} exit 2 with more than one line:\n${r.stderr.slice(0, 400)}`);
      }
      if (o.after.join('\n') !== o.before.join('\n')) {
        const gone = o.before.filter((l) => !o.after.includes(l));
        const added = o.after.filter((l) => !o.before.includes(l));
        f(`the drop changed: -${gone.slice(0, 3).join(' | ')} +${added.slice(0, 3).join(' | ')}`);
      }
      if (o.c.exit === 2) {
        if (o.scan.status !== 2) f(`scan should exit 2, exited ${o.scan.status}`);
        expect(failures, failures.join('\n\n')).toEqual([]);
        return;
      }
      if (o.scan.status === 2) {
        f(`scan could not run: ${o.scan.stderr.trim()}`);
        expect(failures, failures.join('\n\n')).toEqual([]);
        return;
      }
      let doc: { problems: Array<{ kind: string; severity: string }>; summary: { errors: number }; chunks: unknown[] };
      try {
        doc = JSON.parse(o.scan.stdout);
      } catch {
        f(`scan --json printed no JSON: ${o.scan.stdout.slice(0, 200)}`);
        expect(failures, failures.join('\n\n')).toEqual([]);
        return;
      }
      try {
        JSON.parse(o.reportJson ?? '');
      } catch {
        f('report -o wrote no valid JSON');
      }
      const kinds = new Set(doc.problems.map((p) => p.kind));
      if (o.c.expect.length && !o.c.expect.some((k) => kinds.has(k))) f(`expected one of ${o.c.expect.join(', ')}; got ${[...kinds].join(', ') || 'none'}`);
      for (const k of o.c.forbid ?? ['gap']) if (kinds.has(k)) f(`false ${k}: ${JSON.stringify(doc.problems.filter((p) => p.kind === k))}`);
      if (o.c.whole && (doc.summary.errors > 0 || doc.chunks.length !== 3)) {
        f(`should be whole (3 chunks, no error): ${doc.chunks.length} chunks, ${JSON.stringify(doc.problems.filter((p) => p.severity === 'error'))}`);
      }
      if ((doc.summary.errors > 0 ? 1 : 0) !== o.scan.status) f(`exit ${o.scan.status} with ${doc.summary.errors} errors`);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 3 * HANG_MS + 60_000);
});
