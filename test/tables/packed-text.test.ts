// The packed text of a cache entry (packed-text.ts): after packing, a fresh reader reads
// exactly the records the CSV held (the same parser over the same bytes), in pages that
// cross blocks and segments and by scattered rows; a reader that held the CSV open keeps
// reading; an entry whose packed text lost its store is taken for damaged and rebuilt.
// Packing runs in the background (text-packer.ts): reads during it return exact cells, and
// a packing killed midway (or between its rename and the CSV's delete) leaves a whole entry
// that the next packing finishes.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readdirSync, readlinkSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuck, ensureStore } from '../../src/engine/tables/analysis';
import { buildEntry } from '../../src/engine/tables/build';
import {
  entryKey,
  packedFile,
  packedIndexFile,
  segmentFile,
  segmentStore,
  segmentRows,
  TableCache,
  type EntrySource,
} from '../../src/engine/tables/cache';
import { parseCsv } from '../../src/engine/tables/csv-cells';
import { EntryReader } from '../../src/engine/tables/entry-reader';
import { BLOCK_ROWS, isPacked, packSegment } from '../../src/engine/tables/packed-text';
import { TextPacker } from '../../src/engine/tables/text-packer';
import { RFC4180 } from '../../src/shared/family';
import { ZipWriter } from '../fixtures/zip-writer';
import { removeDir, tempDir } from '../engine/harness';
import { nastyRows, writeCsv } from './nasty';

let work: string;
const zip = (): string => path.join(work, 'drop.zip');
const members: Record<string, string> = {
  'plain.csv': writeCsv(nastyRows(21, 1900, 5), { eol: '\r\n' }),
  // Malformed records, a lone CR, a quoted line break, and an unterminated last record.
  'messy.csv':
    'id,name,note\n' +
    Array.from({ length: 3000 }, (_, i) =>
      i % 97 === 5
        ? `${i},too,many,fields\n`
        : i % 89 === 3
          ? `${i},"multi\r\nline",x\r`
          : `${i},n${i},"q ""${i}"""\n`,
    ).join('') +
    '3000,"unterminated,at end\n',
};

beforeAll(async () => {
  work = tempDir('di-packed-');
  const w = await ZipWriter.create(zip(), { style: 'plain', mtime: 1_700_000_000 });
  for (const [name, text] of Object.entries(members)) await w.addBuffer(name, Buffer.from(text));
  await w.close();
});

afterAll(async () => {
  await closeDuck();
  removeDir(work);
});

async function source(member: string): Promise<EntrySource> {
  const { statSync } = await import('node:fs');
  const st = statSync(zip());
  return { archive: zip(), size: st.size, mtimeMs: st.mtimeMs, member, encoding: 'utf-8', dialect: RFC4180 };
}

describe('packed text', () => {
  for (const name of Object.keys(members)) {
    it(`${name}: the same records after packing, across blocks and segments`, async () => {
      const want = parseCsv(Buffer.from(members[name]));
      const src = await source(name);
      const cacheDir = path.join(work, 'cache');
      const cache = new TableCache({ dir: cacheDir, maxBytes: 1e10 });
      const key = entryKey(src);
      // Segments of ~40 KB: several blocks of BLOCK_ROWS records each, a short last block.
      const meta = await buildEntry({
        cacheDir,
        cacheMaxBytes: 1e10,
        key,
        source: src,
        segmentBytes: 40_000,
      });
      const dir = cache.entryDir(key);
      expect(meta.rows).toBe(want.rows.length);
      expect(meta.segments.length).toBeGreaterThan(1);
      expect(meta.segments.some((_, k) => segmentRows(meta, k) > 2 * BLOCK_ROWS)).toBe(true);
      const open = (): EntryReader =>
        new EntryReader(dir, RFC4180, meta.headerFields, meta.rows, true, meta.segments);
      const before = open();
      const csvRows = await before.readRange(0, meta.rows);
      expect(csvRows.map((r) => r.cells)).toEqual(want.rows);
      for (let k = 0; k < meta.segments.length; k++) {
        await ensureStore(dir, meta, k);
        await packSegment(dir, meta, k);
        await packSegment(dir, meta, k); // idempotent
      }
      expect(readdirSync(dir).filter((f) => f.endsWith('.csv') || f === 'rows.idx')).toEqual([]);
      // The reader that held the CSV open still reads it.
      expect((await before.readRange(0, meta.rows)).map((r) => r.cells)).toEqual(want.rows);
      await before.close();
      const after = open();
      try {
        expect(await after.readRange(0, meta.rows)).toEqual(csvRows);
        for (const [from, count] of [
          [0, 1],
          [BLOCK_ROWS - 1, 2],
          [BLOCK_ROWS * 2 - 3, BLOCK_ROWS + 7],
          [meta.segments[1].firstRow - 2, 5],
          [meta.rows - 3, 10],
        ])
          expect(await after.readRange(from, count), `${from}+${count}`).toEqual(
            csvRows.slice(from, from + count),
          );
        const scattered = [meta.rows - 1, 0, 517, 3, 518, BLOCK_ROWS, meta.segments[1].firstRow];
        expect(await after.readRows(scattered)).toEqual(scattered.map((r) => csvRows[r]));
      } finally {
        await after.close();
      }
      // A packed segment without its store cannot be rebuilt from: the entry is damaged.
      expect(cache.readMeta(key)).not.toBeNull();
      rmSync(path.join(dir, segmentStore(1)));
      expect(cache.readMeta(key)).toBeNull();
      expect(existsSync(dir)).toBe(false);
    });
  }

  /** A fresh entry of messy.csv in its own cache, stores built, not packed; and its records. */
  async function builtEntry(name: string): Promise<{ dir: string; key: string; cache: TableCache; meta: Awaited<ReturnType<typeof buildEntry>>; want: string[][]; open: () => EntryReader }> {
    const src = await source('messy.csv');
    const cacheDir = path.join(work, name);
    const cache = new TableCache({ dir: cacheDir, maxBytes: 1e10 });
    const key = entryKey(src);
    const meta = await buildEntry({ cacheDir, cacheMaxBytes: 1e10, key, source: src, segmentBytes: 20_000 });
    const dir = cache.entryDir(key);
    for (let k = 0; k < meta.segments.length; k++) await ensureStore(dir, meta, k);
    const want = parseCsv(Buffer.from(members['messy.csv'])).rows;
    const open = (): EntryReader => new EntryReader(dir, RFC4180, meta.headerFields, meta.rows, true, meta.segments);
    return { dir, key, cache, meta, want, open };
  }

  /** Files of `dir` this process holds open although they are deleted (Linux). */
  const deletedOpen = (dir: string): string[] =>
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      })
      .filter((l) => l.startsWith(dir) && l.endsWith(' (deleted)'));

  const cellsOf = async (r: EntryReader, rows: number[]): Promise<string[][]> =>
    (await r.readRows(rows)).map((x) => x.cells);

  it('reads while packing runs in the background return exact cells', async () => {
    const { dir, key, cache, meta, want, open } = await builtEntry('cache-concurrent');
    expect(meta.segments.length).toBeGreaterThan(2);
    const held = open();
    await held.readRange(0, 5); // holds the first CSV open
    // The packer yields at every block: the test reads there, through a reader that held the
    // CSV open and a fresh one each time (another process), at the rows of every segment.
    const scattered = [meta.rows - 1, 0, 517, 3, 518, BLOCK_ROWS, ...meta.segments.map((s) => s.firstRow)];
    const seen = { csv: 0, packed: 0 };
    let checks: Promise<void> = Promise.resolve();
    let blocks = 0;
    const packer = new TextPacker(
      (k) => cache.pin(k),
      (_key, k, all) => held.released(k, all),
      () => {
        if (++blocks % 7 !== 0) return null;
        const fresh = open();
        const at = meta.segments.map((_, k) => isPacked(dir, k));
        const check = (async () => {
          try {
            expect(await cellsOf(held, scattered)).toEqual(scattered.map((r) => want[r]));
            expect(await cellsOf(fresh, scattered)).toEqual(scattered.map((r) => want[r]));
            expect((await fresh.readRange(0, meta.rows)).map((x) => x.cells)).toEqual(want);
            seen[at.some(Boolean) ? 'packed' : 'csv']++;
          } finally {
            await fresh.close();
          }
        })();
        checks = checks.then(() => check);
        return check;
      },
    );
    for (let k = 0; k < meta.segments.length; k++) packer.add(key, dir, meta, k);
    packer.add(key, dir, meta, 0); // queued once
    // Meanwhile, reads that race the renames and deletes (no pause between them).
    let stop = false;
    const racer = (async () => {
      let n = 0;
      while (!stop) {
        const fresh = open();
        try {
          const r = (n++ * 211) % meta.rows;
          expect(await cellsOf(fresh, [r, (r + 97) % meta.rows])).toEqual([want[r], want[(r + 97) % meta.rows]]);
        } finally {
          await fresh.close();
        }
      }
    })();
    await packer.settled();
    stop = true;
    await racer;
    await checks;
    expect(packer.lastError).toBeNull();
    expect(packer.packed).toBe(meta.segments.length);
    expect(seen.csv).toBeGreaterThan(0);
    expect(seen.packed).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.csv') || f === 'rows.idx' || f.endsWith('.tmp'))).toEqual([]);
    expect(await cellsOf(held, scattered)).toEqual(scattered.map((r) => want[r]));
    // Told of each pack, the reader let the deleted CSV and row index go (their space freed).
    await new Promise((r) => setTimeout(r, 50));
    if (process.platform === 'linux')
      expect(deletedOpen(dir)).toEqual([]);
    await held.close();
    // Closed while a segment packs: stops at the next block, leaves no temporary file.
    const second = await builtEntry('cache-closed');
    let paused = 0;
    const closing = new TextPacker(
      (k) => second.cache.pin(k),
      () => undefined,
      () => (++paused > 3 ? new Promise<void>(() => undefined) : null),
    );
    closing.add(second.key, second.dir, second.meta, 0);
    while (paused <= 3) await new Promise((r) => setTimeout(r, 5));
    await closing.close();
    expect(closing.packed).toBe(0);
    expect(readdirSync(second.dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.z'))).toEqual([]);
    expect(second.cache.readMeta(second.key)).not.toBeNull();
  });

  it("a segment packed between the reader's look and its read is read packed", async () => {
    const { dir, meta, want, open } = await builtEntry('cache-race');
    expect(meta.segments.length).toBeGreaterThan(2);
    // The pack of segment 1, made in a copy of the entry, to drop in at the chosen moment.
    const twin = `${dir}-twin`;
    cpSync(dir, twin, { recursive: true });
    await packSegment(twin, meta, 1);
    await packSegment(dir, meta, 0);
    const r = open();
    const s1 = meta.segments[1].firstRow;
    expect((await r.readRange(0, 5)).map((x) => x.cells)).toEqual(want.slice(0, 5));
    // The reader looks (segment 1 not packed) and starts reading; the pack appears and the
    // CSV goes before it opens the CSV (as packing in the background does).
    const reading = r.readRange(s1, 5);
    for (const f of [packedIndexFile(1), packedFile(1)]) copyFileSync(path.join(twin, f), path.join(dir, f));
    unlinkSync(path.join(dir, segmentFile(1)));
    expect((await reading).map((x) => x.cells)).toEqual(want.slice(s1, s1 + 5));
    await r.close();
  });

  it('a packing killed midway, or before it deleted the CSV, leaves a whole entry; the next packing finishes it', async () => {
    const { dir, key, cache, meta, want, open } = await builtEntry('cache-killed');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./pack-until-killed.ts', import.meta.url)), dir, '1'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('mid') && resolve());
      child.on('exit', (code) => reject(new Error(`the packing child ended (${code}) before it was killed`)));
    });
    const temps = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    expect(temps().length).toBeGreaterThan(0); // its half-written pack
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Whole: the CSV is there, nothing reads the half-written pack.
    expect(cache.readMeta(key)).not.toBeNull();
    expect(isPacked(dir, 1)).toBe(false);
    const r1 = open();
    expect((await r1.readRange(0, meta.rows)).map((x) => x.cells)).toEqual(want);
    await r1.close();
    await packSegment(dir, meta, 1);
    expect(temps()).toEqual([]);
    expect(existsSync(path.join(dir, segmentFile(1)))).toBe(false);
    // Killed between the rename and the delete: both forms; the next packing deletes the CSV.
    const keep = path.join(work, 'segment0.csv');
    copyFileSync(path.join(dir, segmentFile(0)), keep);
    await packSegment(dir, meta, 0);
    copyFileSync(keep, path.join(dir, segmentFile(0)));
    expect(cache.readMeta(key)).not.toBeNull();
    const r2 = open();
    expect((await r2.readRange(0, meta.rows)).map((x) => x.cells)).toEqual(want);
    await r2.close();
    await packSegment(dir, meta, 0);
    expect(existsSync(path.join(dir, segmentFile(0)))).toBe(false);
    for (let k = 2; k < meta.segments.length; k++) await packSegment(dir, meta, k);
    expect(readdirSync(dir).filter((f) => f.endsWith('.csv') || f === 'rows.idx' || f.endsWith('.tmp'))).toEqual([]);
    const r3 = open();
    expect((await r3.readRange(0, meta.rows)).map((x) => x.cells)).toEqual(want);
    await r3.close();
  });
});
