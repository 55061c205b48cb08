// A folder unchanged since the last walk is stat'ed, not listed (fs/kept-folders.ts): the walk
// must give exactly what listing every folder gives, whatever changed in between, and must
// list again any folder it cannot be sure of.
import {
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeptFolders, keepsFolders, RACY_MS } from '../../src/engine/fs/kept-folders';
import { walkDrop, type WalkResult } from '../../src/engine/fs/walk';
import { Catalog } from '../../src/engine/catalog/catalog';
import { scanDrop } from '../../src/engine/scan';
import { writeGimDrop } from '../fixtures/gim-drop';
import { cadenceOf } from '../../src/engine/options';
import { freshDirs, tempDir } from './harness';

const fresh = freshDirs('di-kept-');
afterEach(() => vi.useRealTimers());

/** Walks as if `later` ms had passed: the folders made before are settled (RACY_MS). */
async function walkLater(
  root: string,
  kept: KeptFolders | undefined,
  later = 10 * RACY_MS,
): Promise<WalkResult> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(vi.getRealSystemTime() + later);
  try {
    return await walkDrop(root, { kept });
  } finally {
    vi.useRealTimers();
  }
}

/** What a walk found, without what it kept. */
const seen = (w: WalkResult): Omit<WalkResult, 'folders'> => ({
  files: w.files,
  unreadable: w.unreadable,
  outsideLinks: w.outsideLinks,
  special: w.special,
});

describe('kept folders', () => {
  it('this machine keeps folders where the tests make them (else the tests below prove nothing)', () => {
    expect(keepsFolders(fresh())).toBe(true);
    expect(keepsFolders('/proc')).toBe(false);
  });

  it('are stored and read back; text of another version, or broken, keeps none', () => {
    const k = KeptFolders.empty();
    k.set('', {
      dev: 1,
      ino: 2,
      mtimeMs: 3.5,
      ctimeMs: 1796411151018.8564,
      files: ['a.zip'],
      dirs: ['export_1'],
    });
    const chunkFolder = {
      dev: 1,
      ino: 9,
      mtimeMs: 4,
      ctimeMs: 5,
      files: ['export_1.zip', 'export_1.zip.sha1', 'other'],
      dirs: [],
    };
    k.set('export_1', { ...chunkFolder });
    const again = KeptFolders.parse(k.text());
    expect(again.size).toBe(2);
    expect(again.get('export_1')).toMatchObject(chunkFolder);
    expect(again.get('')).toMatchObject({
      mtimeMs: 3.5,
      ctimeMs: 1796411151018.8564,
      files: ['a.zip'],
      dirs: ['export_1'],
    });
    expect(again.text()).toBe(k.text());
    expect(KeptFolders.parse('{"v":1,"folders":[]}').size).toBe(0);
    expect(KeptFolders.parse(null).size).toBe(0);
    const broken = KeptFolders.parse(k.text().replace('\t9\t', '\tnine\t'));
    expect(broken.get('export_1')).toBeUndefined();
    // A field fewer or more (each place a tab may go missing) is no folder kept.
    const line = k.text().split('\n')[2];
    expect(line.split('\t')).toHaveLength(7);
    for (let drop = 1; drop < 7; drop++) {
      const tabs = [...line.matchAll(/\t/g)].map((m) => m.index!);
      const fewer = line.slice(0, tabs[drop - 1]) + line.slice(tabs[drop - 1] + 1);
      expect(KeptFolders.parse(k.text().replace(line, fewer)).get('export_1')).toBeUndefined();
    }
    expect(KeptFolders.parse(k.text().replace(line, `${line}\tx`)).get('export_1')).toBeUndefined();
    expect(KeptFolders.parse(k.text()).get('export_1')).toMatchObject(chunkFolder);
    // A line naming a way up or round is no folder kept.
    for (const bad of ['..', '.', ''])
      expect(
        KeptFolders.parse(k.text().replace('\texport_1\n', `\texport_1/${bad}\n`)).get(''),
      ).toBeUndefined();
    expect(
      KeptFolders.parse(k.text().replace('\texport_1\n', '\texport_1/export_2\n')).get('')!.dirs,
    ).toEqual(['export_1', 'export_2']);
  });

  it('a folder changed just before its listing is listed again next time (a change in the same clock tick would not show)', async () => {
    const root = fresh();
    mkdirSync(path.join(root, 'export_1'));
    writeFileSync(path.join(root, 'export_1', 'a'), 'x');
    const first = await walkDrop(root, { kept: KeptFolders.empty() });
    expect(first.folders).toMatchObject({ reused: 0 });
    expect(first.folders!.kept.size).toBe(0);
    const settled = await walkLater(root, KeptFolders.empty());
    expect(settled.folders!.kept.size).toBe(2);
    const again = await walkLater(root, settled.folders!.kept);
    expect(again.folders).toMatchObject({ reused: 2, changed: false });
  });

  it('a file added to a folder whose modification time is then put back is found (its change time moved)', async () => {
    const root = fresh();
    const dir = path.join(root, 'export_1');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a'), 'x');
    // A whole second: a time utimes puts back exactly.
    utimesSync(dir, 1_600_000_000, 1_600_000_000);
    const first = await walkLater(root, KeptFolders.empty());
    const before = statSync(dir);
    writeFileSync(path.join(dir, 'b'), 'y');
    utimesSync(dir, 1_600_000_000, 1_600_000_000);
    expect(statSync(dir).mtimeMs).toBe(before.mtimeMs);
    const again = await walkLater(root, first.folders!.kept);
    expect(again.files.map((f) => f.rel)).toEqual(['export_1/a', 'export_1/b']);
    expect(again.folders!.reused).toBe(1); // the root only
  });

  it('a folder holding a link or a name that is not printable ASCII is listed each time', async () => {
    const root = fresh();
    mkdirSync(path.join(root, 'linked'));
    writeFileSync(path.join(root, 'linked', 'a'), 'x');
    symlinkSync('a', path.join(root, 'linked', 'b'));
    mkdirSync(path.join(root, 'odd'));
    writeFileSync(path.join(root, 'odd', 'tab\there'), 'x');
    mkdirSync(path.join(root, 'plain'));
    writeFileSync(path.join(root, 'plain', 'a'), 'x');
    const first = await walkLater(root, KeptFolders.empty());
    expect([...['', 'linked', 'odd', 'plain']].filter((r) => first.folders!.kept.get(r))).toEqual([
      '',
      'plain',
    ]);
  });

  it('without kept folders given, the walk keeps none (other walks of a drop are unchanged)', async () => {
    const root = fresh();
    writeFileSync(path.join(root, 'a'), 'x');
    expect((await walkLater(root, undefined)).folders).toBeUndefined();
  });

  it('a walk from kept folders finds exactly what listing every folder finds, whatever changed since', async () => {
    type Op =
      | { op: 'add-file'; at: number; name: string }
      | { op: 'remove-file'; at: number }
      | { op: 'rewrite-file'; at: number; bytes: number }
      | { op: 'add-folder'; at: number; name: string }
      | { op: 'remove-folder'; at: number }
      | { op: 'rename-file'; at: number; name: string }
      | { op: 'add-then-put-time-back'; at: number; name: string }
      | { op: 'add-link'; at: number; name: string };
    const name = fc.constantFrom('a', 'b', 'c.zip', 'c.zip.sha1', 'export_1', 'export_2', 'z');
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('add-file' as const), at: fc.nat(), name }),
      fc.record({ op: fc.constant('remove-file' as const), at: fc.nat() }),
      fc.record({
        op: fc.constant('rewrite-file' as const),
        at: fc.nat(),
        bytes: fc.integer({ min: 0, max: 40 }),
      }),
      fc.record({ op: fc.constant('add-folder' as const), at: fc.nat(), name }),
      fc.record({ op: fc.constant('remove-folder' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('rename-file' as const), at: fc.nat(), name }),
      fc.record({ op: fc.constant('add-then-put-time-back' as const), at: fc.nat(), name }),
      fc.record({ op: fc.constant('add-link' as const), at: fc.nat(), name }),
    );
    let reused = 0;
    let listed = 0;
    const tree = fc.array(fc.tuple(fc.nat(), name, fc.boolean()), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        tree,
        fc.array(op, { maxLength: 6 }),
        fc.array(op, { maxLength: 6 }),
        async (made, changes1, changes2) => {
          const root = fresh();
          const folders = [root];
          const files: string[] = [];
          const place = (at: number): string => folders[at % folders.length];
          for (const [at, n, isDir] of made) {
            const p = path.join(place(at), n);
            if (folders.includes(p) || files.includes(p)) continue;
            if (isDir && p.split('/').length - root.split('/').length < 4) {
              mkdirSync(p);
              folders.push(p);
            } else {
              writeFileSync(p, n);
              files.push(p);
            }
          }
          // Whole seconds: times utimes puts back exactly ('add-then-put-time-back').
          for (const f of folders) utimesSync(f, 1_600_000_000, 1_600_000_000);
          const apply = (o: Op): void => {
            try {
              switch (o.op) {
                case 'add-file':
                  writeFileSync(path.join(place(o.at), o.name), 'new');
                  break;
                case 'remove-file':
                  if (files.length) rmSync(files[o.at % files.length], { force: true });
                  break;
                case 'rewrite-file':
                  if (files.length) writeFileSync(files[o.at % files.length], 'x'.repeat(o.bytes));
                  break;
                case 'add-folder': {
                  const p = path.join(place(o.at), `${o.name}.d`);
                  mkdirSync(p, { recursive: true });
                  writeFileSync(path.join(p, 'inside'), 'x');
                  break;
                }
                case 'remove-folder':
                  if (folders.length > 1)
                    rmSync(folders[1 + (o.at % (folders.length - 1))], { recursive: true, force: true });
                  break;
                case 'rename-file':
                  if (files.length)
                    rmSync(path.join(place(o.at), `${o.name}.moved`), { force: true, recursive: true });
                  if (files.length) writeFileSync(path.join(place(o.at), `${o.name}.moved`), 'moved');
                  if (files.length) rmSync(files[o.at % files.length], { force: true });
                  break;
                case 'add-then-put-time-back': {
                  const dir = place(o.at);
                  const st = statSync(dir);
                  writeFileSync(path.join(dir, `${o.name}.late`), 'late');
                  utimesSync(dir, st.atimeMs / 1000, st.mtimeMs / 1000);
                  break;
                }
                case 'add-link':
                  symlinkSync('missing-or-not', path.join(place(o.at), `${o.name}.link`));
                  break;
              }
            } catch (e) {
              // A change the tree no longer allows (a folder removed before): skipped.
              if (
                !['ENOENT', 'EEXIST', 'ENOTDIR', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')
              )
                throw e;
            }
          };
          let kept = (await walkLater(root, KeptFolders.empty())).folders!.kept;
          for (const changes of [changes1, changes2]) {
            for (const o of changes) apply(o);
            const fromKept = await walkLater(root, kept);
            expect(seen(fromKept)).toEqual(seen(await walkDrop(root)));
            reused += fromKept.folders!.reused;
            listed += folders.length - fromKept.folders!.reused;
            kept = KeptFolders.parse(fromKept.folders!.kept.text());
          }
        },
      ),
      { numRuns: 40 },
    );
    // Both ways were taken: folders found as kept, and folders listed again.
    expect(reused).toBeGreaterThan(40);
    expect(listed).toBeGreaterThan(40);
  });
});

describe("a scan keeps its walk's folders", () => {
  it('a re-scan lists only what changed, and finds a chunk added to the drop and a file added to a chunk', async () => {
    const root = path.join(fresh(), 'drop');
    const m = await writeGimDrop(root, { seed: 5, chunks: 4, rowsPerTable: 3 });
    const held = path.join(path.dirname(root), 'held');
    const last = m.chunks[3].dir;
    renameSync(path.join(root, last), held);
    const catalog = new Catalog(path.join(tempDir('di-cat-'), 'catalog.sqlite'));
    try {
      const cadence = cadenceOf({ asOf: 4102444800 });
      const later = async (): Promise<Awaited<ReturnType<typeof scanDrop>>> => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(vi.getRealSystemTime() + 10 * RACY_MS);
        try {
          return await scanDrop(root, { catalog, cadence });
        } finally {
          vi.useRealTimers();
        }
      };
      const first = await later();
      expect(first.chunks).toBe(3);
      const id = catalog.drop(root)!.id;
      // Every folder the walk enters (not the vendor's .gim state folders) and the root.
      const entered = readdirSync(root, { recursive: true, withFileTypes: true }).filter(
        (d) => d.isDirectory() && !path.join(d.parentPath, d.name).split('/').includes('.gim'),
      );
      expect(entered.length).toBeGreaterThanOrEqual(5);
      expect(KeptFolders.parse(catalog.dropFolders(id)).size).toBe(entered.length + 1);
      renameSync(held, path.join(root, last));
      const second = await later();
      expect([second.chunks, second.inspected]).toEqual([4, 1]);
      writeFileSync(path.join(root, m.chunks[0].dir, 'notes.txt'), 'a file the vendor added');
      const third = await later();
      expect(third.chunks).toBe(4);
      const files = (await walkDrop(root)).files.map((f) => f.rel);
      expect(files).toContain(`${m.chunks[0].dir}/notes.txt`);
      expect(KeptFolders.parse(catalog.dropFolders(id)).get(m.chunks[0].dir)!.files).toContain('notes.txt');
    } finally {
      catalog.close();
    }
  });
});
