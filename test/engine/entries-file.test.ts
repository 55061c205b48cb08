// The report's entries file (report/entries-file.ts): a report of many chunks is written from
// the file beside the catalog when the file was made from the same chunks, and it is exactly
// the report built from the records whether or not the file is used: after a change to the
// drop, with the file damaged, renamed from another key or left from a catalog made again,
// from a catalog opened read-only (which writes nothing), never inside the drop.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { buildReport, reportJson } from '../../src/engine/report/build-report';
import { ENTRIES_FILE_MIN_CHUNKS, entriesFileOf, entriesKey, readEntries, spliceEntries, writeEntries, type SpliceSpec } from '../../src/engine/report/entries-file';
import type { Judgement } from '../../src/engine/checks/time';
import { scanDrop, type ScanOutcome } from '../../src/engine/scan';
import { InlinePool } from '../../src/engine/workers/inline-pool';
import type { InspectPool } from '../../src/engine/workers/messages';
import type { ScanPool } from '../../src/engine/workers/pool';
import type { ScanReport } from '../../src/shared/report';
import { writeGimDrop, type GimDropManifest } from '../fixtures/gim-drop';
import { freshDirs } from './harness';

const fresh = freshDirs('di-entries-');
const cadence = cadenceOf({ asOf: 4102444800 });

/** Pieces as one text, each copied as it comes (as the CLI writes each before the next: the file's share one buffer). */
function text(pieces: Iterable<string | Uint8Array>): string {
  const copies: Buffer[] = [];
  for (const p of pieces) copies.push(typeof p === 'string' ? Buffer.from(p) : Buffer.from(p));
  return Buffer.concat(copies).toString();
}

/** reportJson's compact text. */
const fromEntries = (catalog: Catalog, o: ScanOutcome | null, j: Judgement, drop?: string): string =>
  text(reportJson(catalog, o?.drop ?? drop!, j, o?.checked, { compact: true }).pieces);

const fromRecords = (catalog: Catalog, drop: string, j: Judgement): string => `${JSON.stringify(buildReport(catalog, drop, j))}\n`;

const withoutTimes = (t: string): unknown => ({ ...(JSON.parse(t) as ScanReport), scannedAt: null });

/** The key in an entries file's header line (MAGIC, length, key, the index's length). */
const keyOf = (file: string): string => readFileSync(file, 'latin1').split('\n', 1)[0].split(' ').at(-2)!;

/** Every file below a folder, with its size and modification time: a drop's state. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => path.join(d.parentPath, d.name))
    .map((f) => `${path.relative(dir, f)} ${statSync(f).size} ${statSync(f).mtimeMs}`)
    .sort();
}

/** `use` with a connection of its own to the catalog file (as a process of its own would have), closed after. */
function withCatalog<T>(file: string, use: (catalog: Catalog) => T, options?: { readonly: boolean }): T {
  const catalog = new Catalog(file, options);
  let closeNow = true;
  try {
    const out = use(catalog);
    if (out instanceof Promise) {
      closeNow = false;
      return out.finally(() => catalog.close()) as T;
    }
    return out;
  } finally {
    if (closeNow) catalog.close();
  }
}

/** A scan with a catalog of its own (as the CLI's): its outcome and its compact report. */
function scanned(file: string, drop: string): Promise<{ o: ScanOutcome; report: string; built: string; entries: string }> {
  return withCatalog(file, async (catalog) => {
    const o = await scanDrop(drop, { catalog, cadence });
    const entries = entriesFileOf(file, catalog.drop(o.drop)!.id)!;
    return { o, report: fromEntries(catalog, o, cadence), built: fromRecords(catalog, o.drop, cadence), entries };
  });
}

describe('the report entries file', () => {
  // One drop of many small chunks for the whole file, copied where a test changes it.
  let source: string;
  let m: GimDropManifest;
  beforeAll(async () => {
    source = path.join(fresh(), 'drop');
    m = await writeGimDrop(source, { seed: 11, chunks: ENTRIES_FILE_MIN_CHUNKS + 10, tables: ['a', 'b', 'c', 'd', 'e'], rowsPerTable: 2, nasty: false, extras: false, absentEvery: 0 });
  }, 120_000);

  const copy = (): { drop: string; file: string } => {
    const work = fresh();
    const drop = path.join(work, 'drop');
    cpSync(source, drop, { recursive: true, preserveTimestamps: true });
    return { drop, file: path.join(work, 'catalog.sqlite') };
  };

  /** A copy of the drop scanned once into a catalog of its own: where they are, and the entries file that scan wrote. */
  const scannedCopy = async (): Promise<{ drop: string; file: string; entries: string }> => {
    const c = copy();
    return { ...c, entries: (await scanned(c.file, c.drop)).entries };
  };

  it('is written by the first scan, read by the next, and either way the report is the one built from the records', async () => {
    const { drop, file } = copy();
    const before = tree(drop);
    const cold = await scanned(file, drop);
    expect(cold.report).toBe(cold.built);
    expect(JSON.parse(cold.report).chunks).toHaveLength(m.chunks.length);
    const entries = cold.entries;
    expect(existsSync(entries)).toBe(true);
    const written = statSync(entries);
    // More than one piece of the buffer it is read through (1 MiB).
    expect(written.size).toBeGreaterThan(1 << 20);

    const again = await scanned(file, drop);
    expect(again.o).toMatchObject({ inspected: 0 });
    // Judged from the last scan's verdict (report/verdict.ts): its frame, the file's entries.
    expect(again.o.checked?.verdict?.entries).toBe(keyOf(entries));
    expect(again.report).toBe(again.built);
    expect(withoutTimes(again.report)).toEqual(withoutTimes(cold.report));
    // Read, not written again.
    expect(statSync(entries)).toMatchObject({ ino: written.ino, mtimeMs: written.mtimeMs });
    // Read indeed: a mark put into the file (same length) is in the report.
    const body = readFileSync(entries, 'latin1');
    const name = m.chunks[3].name;
    expect(body).toContain(`"${name}"`);
    writeFileSync(entries, body.replace(`"${name}"`, `"${name.replace(/.$/, '~')}"`), 'latin1');
    const marked = await scanned(file, drop);
    expect(marked.report).toContain(`"${name.replace(/.$/, '~')}"`);
    expect(tree(drop)).toEqual(before);
  }, 60_000);

  it('is not used once a chunk is changed, removed or added: written again for the new chunks', async () => {
    const { drop, file, entries } = await scannedCopy();
    let key = keyOf(entries);
    const expectNew = (s: { o: ScanOutcome; report: string; built: string }): void => {
      expect(s.report).toBe(s.built);
      expect(keyOf(entries)).not.toBe(key);
      key = keyOf(entries);
      // And the new file is the one the next report reads.
      withCatalog(file, (catalog) => expect(fromEntries(catalog, null, cadence, s.o.drop)).toBe(fromRecords(catalog, s.o.drop, cadence)));
    };
    const c = m.chunks[7];
    utimesSync(path.join(drop, c.dir, `${path.basename(c.dir)}.extracted.xml`), new Date(), new Date());
    const changed = await scanned(file, drop);
    expect(changed.o).toMatchObject({ inspected: 1 });
    expectNew(changed);

    rmSync(path.join(drop, m.chunks[20].dir), { recursive: true });
    const removed = await scanned(file, drop);
    expect(removed.o).toMatchObject({ removed: 1 });
    expect(JSON.parse(removed.report).chunks).toHaveLength(m.chunks.length - 1);
    expectNew(removed);

    // One new chunk at the end: the next run of the export.
    const extra = path.join(fresh(), 'drop');
    const m2 = await writeGimDrop(extra, { seed: 11, chunks: m.chunks.length + 1, tables: ['a', 'b', 'c', 'd', 'e'], rowsPerTable: 2, nasty: false, extras: false, absentEvery: 0 });
    const last = m2.chunks[m2.chunks.length - 1];
    cpSync(path.join(extra, last.dir), path.join(drop, last.dir), { recursive: true, preserveTimestamps: true });
    const added = await scanned(file, drop);
    expect(added.o).toMatchObject({ inspected: 1, chunks: m.chunks.length });
    expect(JSON.parse(added.report).chunks.map((e: { name: string }) => e.name)).toContain(last.name);
    expectNew(added);
  }, 120_000);

  /** A chunk of the next run of the export (the drop's chunks and one more, same seed), put into `drop`; its name. */
  async function nextRun(drop: string): Promise<string> {
    const extra = path.join(fresh(), 'drop');
    const m2 = await writeGimDrop(extra, { seed: 11, chunks: m.chunks.length + 1, tables: ['a', 'b', 'c', 'd', 'e'], rowsPerTable: 2, nasty: false, extras: false, absentEvery: 0 });
    const last = m2.chunks[m2.chunks.length - 1];
    cpSync(path.join(extra, last.dir), path.join(drop, last.dir), { recursive: true, preserveTimestamps: true });
    return last.name;
  }

  /** Marks chunk i's entry in the file (same length: the file stays valid); the mark. */
  function mark(entries: string, i: number): string {
    const name = m.chunks[i].name;
    const marked = name.replace(/.$/, '~');
    const body = readFileSync(entries, 'latin1');
    expect(body).toContain(`"${name}"`);
    writeFileSync(entries, body.replace(`"${name}"`, `"${marked}"`), 'latin1');
    return marked;
  }

  it('after a scan that recorded a new chunk, is spliced: the other entries copied from it, the new one from the catalog', async () => {
    const { drop, file } = await scannedCopy();
    const name = await nextRun(drop);
    const added = await scanned(file, drop);
    expect(added.o).toMatchObject({ inspected: 1, chunks: m.chunks.length + 1 });
    expect(added.report).toBe(added.built);
    expect(JSON.parse(added.report).chunks.map((e: { name: string }) => e.name)).toContain(name);
    // The spliced file is the one the next report reads whole.
    const unchanged = await scanned(file, drop);
    expect(unchanged.report).toBe(unchanged.built);
    expect(withoutTimes(unchanged.report)).toEqual(withoutTimes(added.report));

    // Copied indeed: a mark put into an old entry is in the spliced report; the new chunk's
    // entry (and a changed chunk's) comes from the catalog.
    const again = await scannedCopy();
    const marked = mark(again.entries, 5);
    await nextRun(again.drop);
    const c = m.chunks[9];
    utimesSync(path.join(again.drop, c.dir, `${path.basename(c.dir)}.extracted.xml`), new Date(), new Date());
    const spliced = await scanned(again.file, again.drop);
    expect(spliced.o).toMatchObject({ inspected: 2 });
    expect(spliced.report).toContain(`"${marked}"`);
    expect(spliced.report.replace(`"${marked}"`, `"${m.chunks[5].name}"`)).toBe(spliced.built);
  }, 120_000);

  it('is not spliced when another connection changed the chunks during the scan: the report is made from the catalog', async () => {
    const { drop, file, entries } = await scannedCopy();
    const marked = mark(entries, 5);
    const name = await nextRun(drop);
    // While the scan reads the new chunk, another process changes chunk 7's entry.
    const other = m.chunks[7].name;
    const inline = new InlinePool();
    const pool: InspectPool = {
      threads: 0,
      run: async (job, onBytes, onIo) => {
        if (job.chunk.name === name)
          withCatalog(file, (elsewhere) =>
            elsewhere.db.prepare("UPDATE chunk_summaries SET entry = replace(entry, ?, ?) WHERE chunk_id = (SELECT id FROM chunks WHERE name = ?)").run(`"${other}"`, `"${other}-elsewhere"`, other),
          );
        return inline.run(job, onBytes, onIo);
      },
      close: (reason) => inline.close(reason),
    };
    const during = await withCatalog(file, async (catalog) => {
      const o = await scanDrop(drop, { catalog, cadence, pool: pool as unknown as ScanPool });
      return fromEntries(catalog, o, cadence);
    });
    // The catalog's entries, not the file's: the other's change is there, the mark is not.
    expect(during).toContain(`"${other}-elsewhere"`);
    expect(during).not.toContain(`"${marked}"`);
  }, 120_000);

  it('damaged, of another key or left from a catalog made again, is not read: the report is built and the file made again', async () => {
    const { drop, file, entries } = await scannedCopy();
    const good = readFileSync(entries);
    const nl = good.indexOf(0x0a);
    const damages: Array<[string, Buffer]> = [
      ['truncated', good.subarray(0, good.length - 100)],
      ['longer', Buffer.concat([good, Buffer.from(',{}')])],
      ['garbage header', Buffer.concat([Buffer.from('not an entries file\n'), good.subarray(nl + 1)])],
      ['no header', good.subarray(nl + 1)],
      ['empty', Buffer.alloc(0)],
      // The same header, but for the key's last part (the chunks' order).
      ['another key', Buffer.concat([Buffer.from(good.subarray(0, nl).toString().replace(/\/[^/ ]+( \d+)$/, '/AAAA$1')), good.subarray(nl)])],
    ];
    for (const [what, bytes] of damages) {
      writeFileSync(entries, bytes);
      const s = await scanned(file, drop);
      expect(s.report, what).toBe(s.built);
      expect(readFileSync(entries).equals(good), what).toBe(true);
    }
    // A file left beside a catalog deleted and made again: the same drop id, other chunks.
    const renamed = path.join(fresh(), 'drop');
    cpSync(drop, renamed, { recursive: true, preserveTimestamps: true });
    // As many chunks, read in as many batches (a count of changes would come out the same),
    // one of them truncated.
    const dir = path.join(renamed, m.chunks[4].dir);
    const zip = readdirSync(dir).find((f) => f.endsWith('.zip'))!;
    writeFileSync(path.join(dir, zip), readFileSync(path.join(dir, zip)).subarray(0, 200));
    const stamp = (): number => withCatalog(file, (catalog) => catalog.chunksRev(catalog.recentDrops()[0].id));
    const was = stamp();
    rmSync(file);
    const other = await scanned(file, renamed);
    // The new catalog's chunks are named by another stamp, kept while they are unchanged.
    expect(stamp()).not.toBe(was);
    const kept = stamp();
    await scanned(file, renamed);
    expect(stamp()).toBe(kept);
    expect(other.entries).toBe(entries);
    expect(other.report).toBe(other.built);
    expect(JSON.parse(other.report).chunks).toHaveLength(m.chunks.length);
    expect(other.report).toMatch(/"truncated"|"corrupt/);
  }, 120_000);

  it('is never written by a catalog opened read-only, and a report from one is the built one', async () => {
    const { drop, file } = copy();
    const first = await scanned(file, drop);
    const entries = first.entries;
    rmSync(path.dirname(entries), { recursive: true });
    withCatalog(file, (ro) => expect(fromEntries(ro, null, cadence, first.o.drop)).toBe(fromRecords(ro, first.o.drop, cadence)), { readonly: true });
    expect(existsSync(path.dirname(entries))).toBe(false);
  }, 60_000);
});

describe('the entries file, read and written', () => {
  it('gives back what was written under the same key, in pieces, and nothing under another', () => {
    const file = path.join(fresh(), 'x.entries', 'drop-1.json');
    const key = entriesKey(1, 'audit-key', 5, [3, 1, 2]);
    expect(entriesKey(1, 'audit-key', 5, [1, 2, 3])).not.toBe(key);
    expect(entriesKey(1, 'audit-key', 6, [3, 1, 2])).not.toBe(key);
    expect(entriesKey(2, 'audit-key', 5, [3, 1, 2])).not.toBe(key);
    const big = Buffer.alloc(2.5 * (1 << 20) + 7, 'x');
    expect(writeEntries(file, key, [Buffer.from('{"a":1}'), big], { ids: [3], lengths: [7 + big.length] })).toBe(true);
    const pieces = readEntries(file, key)!;
    // Each piece copied before the next is asked for (they share one buffer).
    const got = [...(function* () {
      for (const p of pieces) yield Buffer.from(p);
    })()];
    expect(got.map((p) => p.length)).toEqual([1 << 20, 1 << 20, big.length + 7 - 2 * (1 << 20)]);
    expect(Buffer.concat(got).equals(Buffer.concat([Buffer.from('{"a":1}'), big]))).toBe(true);
    expect(readEntries(file, entriesKey(1, 'audit-key', 6, [3, 1, 2]))).toBeNull();
    expect(readEntries(`${file}.missing`, key)).toBeNull();
    expect(readdirSync(path.dirname(file))).toEqual(['drop-1.json']);
  });

  it('cannot be written where no file can be (false, nothing left behind), and none is kept for a catalog in memory', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'blocker'), '');
    expect(writeEntries(path.join(dir, 'blocker', 'drop-1.json'), 'k', [Buffer.from('[]')], { ids: [1], lengths: [2] })).toBe(false);
    expect(readdirSync(dir)).toEqual(['blocker']);
    expect(entriesFileOf(':memory:', 1)).toBeNull();
  });

  /** Entries of these ids (each its own text, some over a piece of the buffer), written at stamp `rev`. */
  function fileOf(entries: Map<number, string>, ids: number[], rev: number): string {
    const file = path.join(fresh(), 'x.entries', 'drop-1.json');
    const texts = ids.map((id) => Buffer.from(entries.get(id)!));
    const joined = texts.flatMap((t, i) => (i ? [Buffer.from(','), t] : [t]));
    expect(writeEntries(file, entriesKey(1, 'audit-key', rev, ids), joined, { ids, lengths: texts.map((t) => t.length) })).toBe(true);
    return file;
  }
  const entry = (id: number, size = 20): string => JSON.stringify({ id, pad: 'é'.repeat(size) });
  /** The text of the file a splice made (null: none made), and the chunks it asked the catalog for. */
  function spliced(file: string, spec: Partial<SpliceSpec> & { ids: number[] }, catalog: Map<number, string>): { text: string | null; asked: number[] } {
    const asked: number[] = [];
    const fresh: SpliceSpec['fresh'] = (ids, lengths) => {
      asked.push(...ids);
      const texts = ids.map((id) => Buffer.from(catalog.get(id)!));
      lengths.push(...texts.map((t) => t.length));
      return texts.flatMap((t, i) => (i ? [Buffer.from(','), t] : [t]));
    };
    const full: SpliceSpec = { dropId: 1, axis: 'audit-key', from: 5, rev: 6, written: new Set(), fresh, ...spec };
    if (!spliceEntries(file, full)) return { text: null, asked };
    // Read whole under the new stamp's key.
    return { text: text(readEntries(file, entriesKey(full.dropId, full.axis, full.rev, full.ids))!), asked };
  }

  it('is spliced: the entries of chunks not written since come from the file, the others from the catalog; the new file is the one read', () => {
    // Entries of 0.4 MiB and more: runs that cross the 1 MiB buffer's edges.
    const old = new Map([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => [id, entry(id, id % 3 === 0 ? 300_000 : 20)]));
    const file = fileOf(old, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    // The catalog now: chunk 4 written again (another text), 11 new, 7 removed; a new order.
    const now = new Map(old);
    now.set(4, entry(40, 100));
    now.set(11, entry(11, 350_000));
    now.delete(7);
    const ids = [1, 2, 11, 3, 5, 4, 6, 8, 9, 10];
    const s = spliced(file, { ids, written: new Set([4, 11]) }, now);
    expect(s.asked).toEqual([11, 4]);
    expect(s.text).toBe(ids.map((id) => now.get(id)).join(','));
    // The file now holds the new stamp's entries (read whole), and splices on from there.
    expect(text(readEntries(file, entriesKey(1, 'audit-key', 6, ids))!)).toBe(s.text);
    expect(readEntries(file, entriesKey(1, 'audit-key', 5, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toBeNull();
    now.set(12, entry(12));
    const next = spliced(file, { from: 6, rev: 7, ids: [...ids, 12], written: new Set([12]) }, now);
    expect(next).toEqual({ text: [...ids, 12].map((id) => now.get(id)).join(','), asked: [12] });
    expect(readdirSync(path.dirname(file))).toEqual(['drop-1.json']);
  });

  it('is not spliced from another stamp, drop or format, a damaged file, nor when most entries would come from the catalog', () => {
    const old = new Map([1, 2, 3, 4, 5, 6, 7, 8].map((id) => [id, entry(id)]));
    const ids = [1, 2, 3, 4, 5, 6, 7, 8];
    const file = fileOf(old, ids, 5);
    const good = readFileSync(file);
    const none = { text: null, asked: [] };
    expect(spliced(file, { ids, from: 4 }, old)).toEqual(none);
    expect(spliced(file, { ids, dropId: 2 }, old)).toEqual(none);
    expect(spliced(file, { ids, axis: 'run-date' }, old)).toEqual(none);
    // 3 of 8 would come from the catalog: made whole instead.
    expect(spliced(file, { ids, written: new Set([1, 2, 3]) }, old).text).toBeNull();
    const nl = good.indexOf(0x0a);
    const damages: Array<[string, Buffer]> = [
      ['truncated', good.subarray(0, good.length - 3)],
      ['an index of other lengths', Buffer.from(good.toString('latin1').replace('[1,2,3,4,5,6,7,8,', '[1,2,3,4,5,6,7,9,').replace(/,(\d+)\]/, (_, n) => `,${Number(n) + 1}]`), 'latin1')],
      ['format 1', Buffer.concat([Buffer.from(good.subarray(0, nl).toString().replace(' entries 2 ', ' entries ').replace(/ \d+$/, '')), good.subarray(nl)])],
    ];
    for (const [what, bytes] of damages) {
      writeFileSync(file, bytes);
      expect(spliced(file, { ids }, old).text, what).toBeNull();
      expect(readFileSync(file).equals(bytes), what).toBe(true);
    }
  });

  it('leaves nothing aside, and removes what a writer killed midway left (its process gone), not what a running one writes', () => {
    const old = new Map([1, 2].map((id) => [id, entry(id)]));
    const file = fileOf(old, [1, 2], 5);
    const dir = path.dirname(file);
    // No process has this id (above Linux's pid_max); the parent of this one runs.
    writeFileSync(`${file}.4194999.tmp`, 'half a file');
    writeFileSync(`${file}.${process.ppid}.tmp`, 'being written');
    writeFileSync(path.join(dir, 'drop-2.json.4194999.tmp'), "another drop's");
    expect(spliced(file, { ids: [1, 2] }, old).text).toBe(`${old.get(1)},${old.get(2)}`);
    expect(readdirSync(dir).sort()).toEqual(['drop-1.json', `drop-1.json.${process.ppid}.tmp`, 'drop-2.json.4194999.tmp']);
  });
});
