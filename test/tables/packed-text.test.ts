// The packed text of a cache entry (packed-text.ts): after packing, a fresh reader reads
// exactly the records the CSV held (the same parser over the same bytes), in pages that
// cross blocks and segments and by scattered rows; a reader that held the CSV open keeps
// reading; an entry whose packed text lost its store is taken for damaged and rebuilt.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuck, ensureParquet } from '../../src/engine/tables/analysis';
import { buildEntry } from '../../src/engine/tables/build';
import {
  entryKey,
  segmentParquet,
  segmentRows,
  TableCache,
  type EntrySource,
} from '../../src/engine/tables/cache';
import { parseCsv } from '../../src/engine/tables/csv-cells';
import { EntryReader } from '../../src/engine/tables/entry-reader';
import { BLOCK_ROWS, packSegment } from '../../src/engine/tables/packed-text';
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
        await ensureParquet(dir, meta, k);
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
      rmSync(path.join(dir, segmentParquet(1)));
      expect(cache.readMeta(key)).toBeNull();
      expect(existsSync(dir)).toBe(false);
    });
  }
});
