// Issue 7, defects 1 and 2: an entry the walk cannot read or decode never disappears (no
// false gap), and no stat error aborts the scan; links leading outside the drop are reported
// and not followed unless asked.
import { chmodSync, mkdirSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkDrop } from '../../src/engine/fs/walk';
import { KeptFolders } from '../../src/engine/fs/kept-folders';
import { escapeName, pathOfRel, unescapeName } from '../../src/engine/fs/names';
import type { Problem } from '../../src/shared/report';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { openUp, runCliUnprivileged } from './as-user';
import { justAfter, removeDir, scan, tempDir } from './harness';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) {
    chmodTree(d);
    removeDir(d);
  }
});
function chmodTree(d: string): void {
  try {
    chmodSync(d, 0o755);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) chmodTree(path.join(d, e.name));
  } catch {
    /* already gone */
  }
}
const fresh = (): string => {
  const d = tempDir('di-walk-');
  dirs.push(d);
  return d;
};

async function threeChunks(seed: number): Promise<{ m: GimDropManifest; middle: string }> {
  const m = await writeGimDrop(path.join(fresh(), 'drop'), { seed, chunks: 3, rowsPerTable: 5 });
  return { m, middle: path.join(m.root, m.chunks[1].dir) };
}
const asOfOf = (m: GimDropManifest): number => justAfter(m.chunks.map((c) => c.createdTs));
const kinds = (ps: Problem[]): string[] => ps.map((p) => p.kind);

describe('names are bytes', () => {
  it('escapes undecodable bytes as \\xNN and maps the shown name back to them', () => {
    const raw = Buffer.concat([Buffer.from('export_1_'), Buffer.from([0xff, 0xc3]), Buffer.from('é')]);
    const shown = escapeName(raw);
    expect(shown).toEqual({ text: 'export_1_\\xFF\\xC3é', exact: false });
    expect(unescapeName(shown.text).equals(raw)).toBe(true);
    expect(escapeName(Buffer.from('plain é'))).toEqual({ text: 'plain é', exact: true });
  });

  it('a chunk folder whose name is not UTF-8 is read and inspected like any other: no false gap', async () => {
    const { m, middle } = await threeChunks(71);
    const renamed = Buffer.concat([Buffer.from(middle), Buffer.from([0xff])]);
    renameSync(middle, renamed);
    const walk = await walkDrop(m.root);
    const rels = walk.files.map((f) => f.rel);
    expect(rels.some((r) => r.startsWith(`${m.chunks[1].dir}\\xFF/`))).toBe(true);
    expect(walk.unreadable).toEqual([]);
    const s = await scan(m.root, { asOf: asOfOf(m) });
    s.catalog.close();
    expect(s.report.chunks.map((c) => c.name)).toContain(`${m.chunks[1].name}\\xFF`);
    const chunk = s.report.chunks.find((c) => c.name.endsWith('\\xFF'))!;
    expect(chunk.checksum).toBe('ok');
    expect(chunk.tables.map((t) => t.rows)).toEqual(Object.values(m.chunks[1].tables).map((t) => t.rows));
    expect(kinds(s.report.problems)).not.toContain('gap');
    expect(s.report.summary.errors).toBe(0);
    // The path as shown opens the file.
    const zip = walk.files.find((f) => f.rel.endsWith('.zip') && f.rel.includes('\\xFF'))!;
    expect(Buffer.isBuffer(pathOfRel(m.root, zip.rel))).toBe(true);
  });
});

describe('paths', () => {
  it("each file's path is the root's, normalised, joined with its relative path, however the root was spelt", async () => {
    const { m } = await threeChunks(11);
    const rels = (await walkDrop(m.root)).files.map((f) => f.rel);
    expect(rels.length).toBeGreaterThan(6);
    const up = path.relative(process.cwd(), m.root);
    for (const spelt of [m.root, `${m.root}/`, `${m.root}//`, `${m.root}/.`, `${path.dirname(m.root)}/./drop`, up, `./${up}`]) {
      for (const kept of [undefined, KeptFolders.empty()]) {
        const files = (await walkDrop(spelt, { kept })).files;
        expect(files.map((f) => [f.rel, f.abs])).toEqual(rels.map((r) => [r, path.join(spelt, r)]));
      }
    }
  });
});

describe('entries that cannot be read', () => {
  it('a symlink loop a→b→a is an unreadable entry, and the rest of the drop is scanned', async () => {
    const { m } = await threeChunks(72);
    symlinkSync('b', path.join(m.root, 'a'));
    symlinkSync('a', path.join(m.root, 'b'));
    const s = await scan(m.root, { asOf: asOfOf(m) });
    s.catalog.close();
    expect(s.report.chunks).toHaveLength(3);
    const loops = s.report.problems.filter((p) => p.kind === 'unreadable-entry');
    expect(loops.map((p) => p.detail?.path).sort()).toEqual(['a', 'b']);
    expect(loops[0].severity).toBe('error');
    expect(loops[0].message).toMatch(/link loop/);
    expect(loops[0].action).toMatch(/re-scan/);
  });

  it('a link to / is not followed (info), and the scan does not reach /proc', async () => {
    const { m } = await threeChunks(73);
    symlinkSync('/', path.join(m.root, 'rootfs'));
    const s = await scan(m.root, { asOf: asOfOf(m) });
    s.catalog.close();
    const link = s.report.problems.find((p) => p.kind === 'link-not-followed')!;
    expect(link).toMatchObject({ severity: 'info', detail: { path: 'rootfs', target: '/' } });
    expect(s.report.summary.errors).toBe(0);
  });

  it('links inside the drop are followed once; links outside only with followLinks', async () => {
    const base = fresh();
    const m = await writeGimDrop(path.join(base, 'drop'), { seed: 74, chunks: 3, rowsPerTable: 5 });
    // The last chunk lives elsewhere and is linked in.
    const last = m.chunks[2];
    mkdirSync(path.join(base, 'elsewhere'));
    renameSync(path.join(m.root, last.dir), path.join(base, 'elsewhere', last.dir));
    symlinkSync(path.join(base, 'elsewhere', last.dir), path.join(m.root, last.dir));
    symlinkSync('.', path.join(m.root, 'self')); // inside, a loop back to the root: entered once
    const plain = await walkDrop(m.root);
    expect(plain.outsideLinks.map((l) => l.rel)).toEqual([last.dir]);
    expect(plain.files.some((f) => f.rel.startsWith(`${last.dir}/`))).toBe(false);
    expect(plain.files.some((f) => f.rel.startsWith('self/'))).toBe(false);
    const followed = await walkDrop(m.root, { followLinks: true });
    expect(followed.outsideLinks).toEqual([]);
    expect(followed.files.filter((f) => f.rel.startsWith(`${last.dir}/`)).length).toBeGreaterThan(0);
  });

  it('a folder reached twice (by a link inside the drop and by its own name, under a linked root) is walked once', async () => {
    const base = fresh();
    const m = await writeGimDrop(path.join(base, 'drop'), { seed: 77, chunks: 3, rowsPerTable: 5 });
    const target = m.chunks[1].dir;
    symlinkSync(target, path.join(m.root, 'aaa-alias')); // sorts first: entered by the link
    symlinkSync(m.root, path.join(base, 'via-link'));
    for (const root of [m.root, path.join(base, 'via-link')]) {
      const w = await walkDrop(root);
      const copies = w.files.filter((f) => f.rel.endsWith(`${path.basename(target)}.zip`));
      expect(copies).toHaveLength(1);
      expect(w.files.filter((f) => f.rel.endsWith('.zip'))).toHaveLength(3);
      expect(w.outsideLinks).toEqual([]);
      expect(w.unreadable).toEqual([]);
    }
  });

  it('an unreadable chunk folder (mode 0000, unprivileged user) is an error with its path, and its keys are not called missing', async () => {
    const { m, middle } = await threeChunks(75);
    const work = path.dirname(m.root);
    openUp(work);
    chmodTree(m.root);
    chmodSync(middle, 0o000);
    const r = runCliUnprivileged(['scan', m.root, '--json', '--catalog', path.join(work, 'cat.sqlite'), '--as-of', String(asOfOf(m))]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.chunks).toHaveLength(2);
    expect(kinds(doc.problems)).not.toContain('gap');
    const u = doc.problems.find((p: Problem) => p.kind === 'unreadable-entry');
    expect(u).toMatchObject({ severity: 'error', detail: { path: m.chunks[1].dir, code: 'EACCES' } });
    expect(u.message).toContain(`possibly in the unreadable folder ${m.chunks[1].dir}`);
    expect(u.detail.possibleGaps).toHaveLength(1);
  });

  it('a folder of mode 0644 (listable, not enterable) does not abort the scan: each entry is reported', async () => {
    const { m, middle } = await threeChunks(76);
    const work = path.dirname(m.root);
    openUp(work);
    chmodTree(m.root);
    chmodSync(middle, 0o644);
    const r = runCliUnprivileged(['scan', m.root, '--json', '--catalog', path.join(work, 'cat.sqlite'), '--as-of', String(asOfOf(m))]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(kinds(doc.problems)).not.toContain('gap');
    const paths = doc.problems.filter((p: Problem) => p.kind === 'unreadable-entry').map((p: Problem) => p.detail?.path);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p.startsWith(`${m.chunks[1].dir}/`)).toBe(true);
  });
});
