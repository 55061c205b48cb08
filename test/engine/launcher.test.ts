// bin/drop-inspector, the installed command: finds the bundle through npm's links, and starts
// a command that reads only local files without NODE_EXTRA_CA_CERTS (Node 20 parses those
// certificates at every start), while a command that may open a connection keeps it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { removeDir, tempDir } from './harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCHER = path.join(root, 'bin/drop-inspector');
const BUNDLE = path.join(root, 'out/cli/drop-inspector.mjs');

let work: string;
let fakeBin: string;
let drop: GimDropManifest;
beforeAll(async () => {
  work = tempDir('di-launcher-');
  // A `node` first on the PATH that prints what it was started with, one item a line.
  fakeBin = path.join(work, 'fake-bin');
  mkdirSync(fakeBin);
  writeFileSync(
    path.join(fakeBin, 'node'),
    '#!/bin/sh\nprintf \'%s\\n\' "NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS-(unset)}" "DROP_INSPECTOR_EXTRA_CA_CERTS=${DROP_INSPECTOR_EXTRA_CA_CERTS-(unset)}" "GLIBC_TUNABLES=${GLIBC_TUNABLES-(unset)}" "$@"\n',
  );
  chmodSync(path.join(fakeBin, 'node'), 0o755);
  drop = await writeGimDrop(path.join(work, 'drop'), { seed: 5, chunks: 2, rowsPerTable: 5 });
});
afterAll(() => removeDir(work));

/** What the launcher (or a link to it) hands to `node`, given these arguments and environment. */
function started(args: string[], env: Record<string, string | undefined>, launcher = LAUNCHER): string[] {
  const base: NodeJS.ProcessEnv = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` };
  delete base.NODE_EXTRA_CA_CERTS;
  delete base.DROP_INSPECTOR_EXTRA_CA_CERTS;
  delete base.GLIBC_TUNABLES;
  const r = spawnSync(launcher, args, { env: { ...base, ...env }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

/** What `node` is started with, given NODE_EXTRA_CA_CERTS set and these arguments. */
const withCa = (args: string[]): string[] => started(args, { NODE_EXTRA_CA_CERTS: '/etc/proxy-ca.pem' });
const HANDED_OVER = ['NODE_EXTRA_CA_CERTS=(unset)', 'DROP_INSPECTOR_EXTRA_CA_CERTS=/etc/proxy-ca.pem'];
const KEPT = ['NODE_EXTRA_CA_CERTS=/etc/proxy-ca.pem', 'DROP_INSPECTOR_EXTRA_CA_CERTS=(unset)'];
/** A scan's (or a report's) short process starts with a small young generation; other commands with V8's own. */
const SCAN_HEAP = '--max-semi-space-size=2';
/** And glibc's allocator keeps its memory (blocks up to 32 MB in the heap, 256 MB free before it trims). */
const SCAN_MALLOC = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456';
const short = (args: string[]): boolean => args[0] === 'scan' || args[0] === 'report';
const heapOf = (args: string[]): string[] => [`GLIBC_TUNABLES=${short(args) ? SCAN_MALLOC : '(unset)'}`, ...(short(args) ? [SCAN_HEAP] : [])];

describe('bin/drop-inspector', () => {
  it('starts a local command without NODE_EXTRA_CA_CERTS, handing the value over', () => {
    for (const args of [['scan', '/data/drop', '--json'], ['--version'], ['rows', './drop', 'accounts', '--merged'], ['report', 'drop', '--format', 'md']]) {
      expect(withCa(args)).toEqual([...HANDED_OVER, ...heapOf(args), BUNDLE, ...args]);
    }
  });

  it('keeps it for a command that may open a connection: an S3 location anywhere, or serve', () => {
    for (const args of [['scan', 's3://bucket/analytics-export/'], ['rows', 'S3://Bucket/p/', 'orders'], ['serve'], ['serve', './drop', '--port', '0'], ['report', '--format', 'md', 's3://b/']]) {
      expect(withCa(args)).toEqual([...KEPT, ...heapOf(args), BUNDLE, ...args]);
    }
  });

  it('changes nothing where the variable is not set, and arguments with spaces pass whole', () => {
    expect(started(['scan', '/data/a drop', '--catalog', '/tmp/x y.sqlite'], {})).toEqual([
      'NODE_EXTRA_CA_CERTS=(unset)',
      'DROP_INSPECTOR_EXTRA_CA_CERTS=(unset)',
      `GLIBC_TUNABLES=${SCAN_MALLOC}`,
      SCAN_HEAP,
      BUNDLE,
      'scan',
      '/data/a drop',
      '--catalog',
      '/tmp/x y.sqlite',
    ]);
  });

  it("puts its allocator settings after the user's own", () => {
    expect(started(['report', 'drop'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toContain(`GLIBC_TUNABLES=glibc.malloc.arena_max=2:${SCAN_MALLOC}`);
    expect(started(['rows', 'drop', 't'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toContain('GLIBC_TUNABLES=glibc.malloc.arena_max=2');
  });

  it('finds the bundle through the links npm makes (node_modules/.bin, a global bin folder)', () => {
    const bin = path.join(work, 'global', 'bin');
    mkdirSync(bin, { recursive: true });
    const link = path.join(bin, 'drop-inspector');
    symlinkSync(path.relative(bin, LAUNCHER), link);
    const chained = path.join(work, 'drop-inspector-again');
    symlinkSync(link, chained);
    for (const l of [link, chained]) expect(started(['--version'], {}, l)).toContain(BUNDLE);
  });

  it('runs the real CLI: a local scan starts without the certificate file being read', () => {
    // Node 20 warns at start when the file cannot be loaded; a local command never reads it.
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: path.join(work, 'no-such-ca.pem') };
    const direct = spawnSync(process.execPath, [BUNDLE, '--version'], { env, encoding: 'utf8' });
    const r = spawnSync(LAUNCHER, ['scan', drop.root, '--json', '--catalog', path.join(work, 'c.sqlite'), '--exit-zero'], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).chunks).toHaveLength(2);
    expect(r.stderr).not.toMatch(/extra certs/i);
    // The same start without the launcher does read it (the cost the launcher avoids).
    expect(direct.stderr).toMatch(/extra certs/i);
  });
});
