// The "done when", as a script uses the CLI: an extract drop with every planted
// problem scanned with `scan --json`: each problem found, no false alarm, exact record
// counts for every readable file, runs in time order, exit 1; with --pgp-key the encrypted
// run is read too; `rows` returns every cell of a ';'- and a tab-separated file and of a
// JSON-lines file exactly, and says on stderr which dialect it read.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_DEFECTS, writeExtractDrop, type ExtractDropManifest } from '../fixtures/extract-drop';
import { removeDir, tempDir } from '../engine/harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(root, 'out/cli/drop-inspector.mjs');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });

let work: string;
let m: ExtractDropManifest;
beforeAll(async () => {
  work = tempDir('di-extracts-');
  m = await writeExtractDrop(path.join(work, 'drop'), { seed: 7, runs: 12, defects: FULL_DEFECTS });
}, 60_000);
afterAll(() => removeDir(work));

interface Doc {
  format: string;
  chunks: Array<{ name: string; tables: Array<{ name: string; rows: number | null; columns: string[]; declaredRows?: number | null }>; attributes?: Record<string, unknown> }>;
  problems: Array<{ kind: string; severity: string; chunk: string | null; table: string | null; message: string }>;
}

describe('extract drop, scan --json', () => {
  it('every planted problem, no false alarm, exact counts, runs in time order, exit 1', () => {
    const r = run(['scan', m.root, '--json', '--catalog', path.join(work, 'c.sqlite'), '--as-of', String(m.asOf)]);
    expect(r.status, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.format).toBe('extracts');
    expect(doc.chunks.map((c) => c.name)).toEqual(m.chunks.map((c) => c.name));
    for (const want of m.chunks) {
      const got = doc.chunks.find((c) => c.name === want.name)!;
      for (const [t, rows] of Object.entries(want.tables)) {
        expect(got.tables.find((x) => x.name === t)?.rows, `${want.name} ${t}`).toBe(rows);
      }
    }
    // Every planted problem, with its chunk (and table where it has one).
    for (const p of m.problems) {
      const hit = doc.problems.find((x) => x.kind === p.kind && x.chunk === p.chunk && (p.table === undefined || p.table === null || x.table === p.table));
      expect(hit, `${p.kind} in ${p.chunk}: ${JSON.stringify(doc.problems.map((x) => [x.kind, x.chunk, x.table]))}`).toBeTruthy();
    }
    // No false alarm: every error or warning is a planted one (a late warning may go with the gap).
    for (const x of doc.problems.filter((p) => p.severity !== 'info')) {
      const planted = m.problems.some((p) => p.kind === x.kind && p.chunk === x.chunk) || (x.kind === 'late' && m.problems.some((p) => p.kind === 'gap' && p.chunk === x.chunk));
      expect(planted, `unplanted ${x.kind} ${x.chunk} ${x.table}: ${x.message}`).toBe(true);
    }
    // The detected dialects are in the report.
    const semi = m.runs.find((x) => x.style.kind === 'dsv' && x.style.delimiter === ';')!;
    expect(JSON.stringify(doc.chunks.find((c) => c.name === semi.name)!.attributes)).toMatch(/delimiter ';'/);
  }, 240_000);

  it('with --pgp-key the encrypted run is read like any other', () => {
    const keyFile = path.join(work, 'key.asc');
    writeFileSync(keyFile, m.pgp!.privateKey);
    const r = run(['scan', m.root, '--json', '--catalog', path.join(work, 'c2.sqlite'), '--as-of', String(m.asOf), '--pgp-key', keyFile], {
      DROP_INSPECTOR_PGP_PASSPHRASE: m.pgp!.passphrase,
    });
    const doc = JSON.parse(r.stdout) as Doc;
    const pgpRun = m.runs.find((x) => x.defects.includes('pgp'))!;
    const t = doc.chunks.find((c) => c.name === pgpRun.name)!.tables.find((x) => x.name === m.job)!;
    expect(t.rows).toBe(pgpRun.main.rows.length);
    expect(doc.problems.some((p) => p.kind === 'encrypted')).toBe(false);
  }, 240_000);
});

describe('extract drop, rows', () => {
  const rowsOf = (chunk: string, extra: string[] = []) =>
    run(['rows', m.root, m.job, '--chunk', chunk, '--json', '--limit', '100000', '--catalog', path.join(work, 'c.sqlite'), ...extra], {
      DROP_INSPECTOR_CACHE: path.join(work, 'cache'),
    });
  for (const label of ["';'", 'tab', 'JSON lines']) {
    it(`every cell of the ${label} run exactly; the dialect on stderr`, () => {
      const x = m.runs.find((r) =>
        label === 'JSON lines' ? r.style.kind === 'jsonl' : r.style.kind === 'dsv' && r.style.delimiter === (label === 'tab' ? '\t' : ';'),
      )!;
      const r = rowsOf(x.name);
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { columns: string[]; rows: string[][]; totalRows: number };
      expect(doc.totalRows).toBe(x.main.rows.length);
      expect(doc.columns).toEqual(x.main.header);
      // JSON numbers are cells as written (profile.age is a number in the JSON run).
      expect(doc.rows).toEqual(x.main.rows);
      if (label !== 'JSON lines') expect(r.stderr).toMatch(label === 'tab' ? /delimiter tab/ : /delimiter ';'/);
    }, 240_000);
  }
  it('over every run, says each run is read its own way (it said the first run\u2019s delimiter)', () => {
    const r = run(['rows', m.root, m.job, '--limit', '1', '--catalog', path.join(work, 'c.sqlite')], { DROP_INSPECTOR_CACHE: path.join(work, 'cache') });
    // Exit 1: the encrypted and the truncated runs cannot be read (named on stderr).
    expect(r.status, r.stderr).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.includes('read '))!;
    expect(line).toMatch(/^ {2}read each chunk its own way: /);
    for (const way of [`delimiter ';', quote '"', header (`, `delimiter tab, quote '"', header (`, 'JSON lines (', `delimiter '|'`]) expect(line).toContain(way);
    // The ways' chunks add up to the chunks read.
    const across = Number(/across (\d+) chunks/.exec(r.stderr)![1]);
    expect([...line.matchAll(/\((\d+) chunks?\)/g)].reduce((n, x) => n + Number(x[1]), 0)).toBe(across);
  }, 240_000);
  it("read in another dialect than detected, the columns and count are that reading's, not the scan's", () => {
    const x = m.runs.find((r) => r.style.kind === 'dsv' && r.style.delimiter === ';')!;
    const nohead = rowsOf(x.name, ['--no-header', '--limit', '2']);
    expect(nohead.status, nohead.stderr).toBe(0);
    const a = JSON.parse(nohead.stdout) as { columns: string[]; rows: string[][]; totalRows: number };
    // The header line is a row now, and the columns are named by position.
    expect(a.totalRows).toBe(x.main.rows.length + 1);
    expect(a.columns).toEqual(x.main.header.map((_, i) => `column_${i + 1}`));
    expect(a.rows[0]).toEqual(x.main.header);
    const comma = rowsOf(x.name, ['--delimiter', ',', '--limit', '1']);
    expect(comma.status, comma.stderr).toBe(0);
    const b = JSON.parse(comma.stdout) as { columns: string[] };
    // Split on ',' the ';'-separated header is one name (or a few), never the scan's columns.
    expect(b.columns).not.toEqual(x.main.header);
    expect(b.columns[0]).toContain(';');
  }, 240_000);
});
