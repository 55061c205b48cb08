// The duplicate-key check's cheap path (raw integer pages) against hyparquet's general reader,
// over key columns as writers really lay them out: PLAIN and dictionary-encoded, required and
// with NULLs, data pages v1 and v2, INT32 and INT64, in order and shuffled, several row
// groups and part files, Snappy, gzip and none. Files written by DuckDB.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOOTER_FETCH, footerFetch, readParquetFooter } from '../../src/engine/parquet/footer';
import { readIntKeys } from '../../src/engine/parquet/int-keys';
import { duplicateKeys, duplicatesOf, generalDuplicates } from '../../src/engine/parquet/keys';
import { LocalStore } from '../../src/engine/storage/local-store';

type Duck = { run(sql: string): Promise<unknown>; closeSync?: () => void };
let dir: string;
let con: Duck;
let close: () => void;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'di-pqkeys-'));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'true' });
  con = await inst.connect();
  close = () => inst.closeSync();
});
afterAll(() => {
  close?.();
  rmSync(dir, { recursive: true, force: true });
});

async function write(name: string, select: string, opts = 'COMPRESSION snappy'): Promise<string> {
  const file = path.join(dir, name);
  await con.run(`COPY (${select}) TO '${file}' (FORMAT parquet, ${opts})`);
  return name;
}

async function partsOf(names: string[]) {
  const store = new LocalStore(dir);
  const parts = [];
  for (const rel of names) {
    const size = statSync(path.join(dir, rel)).size;
    const f = await readParquetFooter(store, rel, size);
    parts.push({ rel, size, metadata: f.metadata, file: f.file });
  }
  return { store, parts };
}

const CASES: Array<{ name: string; select: string; opts?: string; dupes: number; encoding?: RegExp }> = [
  { name: 'plain-sorted', select: 'SELECT i::BIGINT AS k, i AS v FROM range(50000) t(i)', dupes: 0, encoding: /PLAIN/ },
  { name: 'plain-shuffled-dupes', select: 'SELECT ((i * 7919) % 30000)::BIGINT AS k FROM range(30500) t(i)', dupes: 500 },
  { name: 'negative-and-large', select: "SELECT (CASE WHEN i % 2 = 0 THEN -i ELSE i * 4294967296 END)::BIGINT AS k FROM range(20000) t(i) UNION ALL SELECT (3 * 4294967296)::BIGINT UNION ALL SELECT -4::BIGINT", dupes: 2 },
  { name: 'int32', select: 'SELECT (i % 9000)::INTEGER AS k FROM range(10000) t(i)', dupes: 1000 },
  { name: 'int32-unique', select: 'SELECT (20000 - i)::INTEGER AS k FROM range(20000) t(i)', dupes: 0 },
  { name: 'dictionary-dupes', select: 'SELECT (i % 100)::BIGINT AS k FROM range(5000) t(i)', dupes: 4900, encoding: /DICTIONARY/ },
  { name: 'dictionary-unique', select: 'SELECT (i % 100)::BIGINT AS k FROM range(100) t(i)', dupes: 0 },
  { name: 'nulls', select: 'SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i % 4000 END::BIGINT AS k FROM range(9000) t(i)', dupes: 2000 },
  { name: 'nulls-dictionary', select: 'SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i % 50 END::BIGINT AS k FROM range(9000) t(i)', dupes: 5950 },
  { name: 'row-groups', select: 'SELECT (i % 250000)::BIGINT AS k FROM range(260000) t(i)', opts: 'COMPRESSION snappy, ROW_GROUP_SIZE 50000', dupes: 10000 },
  { name: 'v2-pages', select: 'SELECT (i % 7000)::BIGINT AS k FROM range(8000) t(i)', opts: "COMPRESSION snappy, PARQUET_VERSION V2", dupes: 1000 },
  { name: 'gzip', select: 'SELECT (i % 7000)::BIGINT AS k FROM range(8000) t(i)', opts: 'COMPRESSION gzip', dupes: 1000 },
  { name: 'uncompressed', select: 'SELECT (i % 7000)::INTEGER AS k FROM range(8000) t(i)', opts: 'COMPRESSION uncompressed', dupes: 1000 },
];

describe('duplicate keys of a Parquet key column', () => {
  for (const c of CASES) {
    it(`${c.name}: the cheap path agrees with the general reader`, async () => {
      const name = await write(`${c.name}.parquet`, c.select, c.opts);
      const { store, parts } = await partsOf([name]);
      if (c.encoding) expect(parts[0].metadata.row_groups[0].columns[0].meta_data!.encodings.join(' ')).toMatch(c.encoding);
      const ints = await readIntKeys(parts, 'k');
      const general = await generalDuplicates(parts, 'k');
      // hyparquet has no gzip of its own: only the cheap path answers there.
      if (c.name === 'gzip') expect(general).toBeNull();
      else expect(general!.duplicates).toBe(c.dupes);
      if (c.name === 'v2-pages') {
        // DuckDB's v2 pages use DELTA_BINARY_PACKED: the cheap path declines, the general one answers.
        if (ints === null) return expect((await duplicateKeys(store, parts, 'k'))!.duplicates).toBe(c.dupes);
      }
      expect(ints).not.toBeNull();
      const fast = duplicatesOf(ints!);
      expect(fast.duplicates).toBe(c.dupes);
      expect(new Set(fast.examples).size).toBe(fast.examples.length);
      for (const e of fast.examples) expect(e).toMatch(/^-?\d+$/);
      expect(await duplicateKeys(store, parts, 'k')).toEqual(fast);
    });
  }

  it('across part files: a key repeated in another part is a duplicate', async () => {
    const a = await write('part-a.parquet', 'SELECT i::BIGINT AS k FROM range(0, 1000) t(i)');
    const b = await write('part-b.parquet', 'SELECT i::BIGINT AS k FROM range(990, 2000) t(i)');
    const { store, parts } = await partsOf([a, b]);
    const d = await duplicateKeys(store, parts, 'k');
    expect(d).toEqual({ duplicates: 10, examples: ['990', '991', '992', '993', '994'] });
  });

  it('a string key takes the general reader', async () => {
    const s = await write('strings.parquet', "SELECT 'id-' || (i % 90) AS k FROM range(100) t(i)");
    const { store, parts } = await partsOf([s]);
    expect(await readIntKeys(parts, 'k')).toBeNull();
    expect((await duplicateKeys(store, parts, 'k'))!.duplicates).toBe(10);
  });
});

/** A local store that counts its reads (an S3 store's GETs), and the ranges asked. */
function countingStore(): { store: LocalStore; reads: Array<[number, number]> } {
  const store = new LocalStore(dir);
  const reads: Array<[number, number]> = [];
  const read = store.read.bind(store);
  store.read = (rel: string, start: number, end: number) => {
    reads.push([start, end]);
    return read(rel, start, end);
  };
  return { store, reads };
}

describe('reads per Parquet object', () => {
  it('a small object: its footer and its key column in one read', async () => {
    const name = await write('small.parquet', 'SELECT i::BIGINT AS k, i % 7 AS v FROM range(300) t(i)');
    const size = statSync(path.join(dir, name)).size;
    expect(size).toBeLessThan(FOOTER_FETCH);
    const { store, reads } = countingStore();
    const f = await readParquetFooter(store, name, size);
    expect(await duplicateKeys(store, [{ rel: name, size, metadata: f.metadata, file: f.file }], 'k')).toEqual({ duplicates: 0, examples: [] });
    expect(reads).toEqual([[0, size]]);
  });

  it('a bigger object: one suffix read for the footer, one read per row group of the key column only', async () => {
    const name = await write('big.parquet', "SELECT i::BIGINT AS k, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS pad FROM range(120000) t(i)", 'COMPRESSION snappy, ROW_GROUP_SIZE 60000');
    const size = statSync(path.join(dir, name)).size;
    const { store, reads } = countingStore();
    const f = await readParquetFooter(store, name, size);
    expect(size).toBeGreaterThan(16 * FOOTER_FETCH);
    expect(reads).toEqual([[size - FOOTER_FETCH, size]]);
    const groups = f.metadata.row_groups.map((g) => g.columns[0].meta_data!);
    expect(groups.length).toBe(2);
    await duplicateKeys(store, [{ rel: name, size, metadata: f.metadata, file: f.file }], 'k');
    expect(reads.slice(1).sort((a, b) => a[0] - b[0])).toEqual(groups.map((m) => [Number(m.data_page_offset), Number(m.data_page_offset) + Number(m.total_compressed_size)]));
    const keyBytes = groups.reduce((s, m) => s + Number(m.total_compressed_size), 0);
    expect(keyBytes).toBeLessThan(size / 4);
  });

  it('key chunks of one object side by side (a table of few columns, small row groups): one read for all of them', async () => {
    // Every 50,000th key repeats the one before, across row groups too.
    const name = await write('narrow.parquet', 'SELECT (CASE WHEN i % 50000 = 1 THEN i - 1 ELSE i END)::BIGINT AS k FROM range(300000) t(i)', 'COMPRESSION snappy, ROW_GROUP_SIZE 50000');
    const size = statSync(path.join(dir, name)).size;
    expect(size).toBeGreaterThan(FOOTER_FETCH);
    const { store, reads } = countingStore();
    const f = await readParquetFooter(store, name, size);
    const groups = f.metadata.row_groups.map((g) => g.columns[0].meta_data!);
    expect(groups.length).toBe(6);
    const d = await duplicateKeys(store, [{ rel: name, size, metadata: f.metadata, file: f.file }], 'k');
    expect(d!.duplicates).toBe(6);
    const first = groups[0];
    const last = groups[groups.length - 1];
    const from = Math.min(Number(first.dictionary_page_offset ?? first.data_page_offset), Number(first.data_page_offset));
    expect(reads).toEqual([
      [size - footerFetch(size), size],
      [from, Number(last.data_page_offset) + Number(last.total_compressed_size)],
    ]);
  });

  it('a footer bigger than the first suffix read: exactly one more read, of the rest', async () => {
    const cols = Array.from({ length: 1200 }, (_, c) => `i + ${c} AS a_rather_long_column_name_to_grow_the_footer_${c}`).join(', ');
    const name = await write('wide.parquet', `SELECT i::BIGINT AS k, ${cols} FROM range(10) t(i)`);
    const size = statSync(path.join(dir, name)).size;
    const { store, reads } = countingStore();
    const f = await readParquetFooter(store, name, size);
    expect(f.columns.length).toBe(1201);
    expect(f.rows).toBe(10);
    const metaLen = (await store.read(name, size - 8, size - 4)).readUInt32LE(0);
    reads.pop();
    const tail = footerFetch(size);
    expect(metaLen + 8).toBeGreaterThan(tail);
    expect(reads).toEqual([
      [size - tail, size],
      [size - metaLen - 8, size - tail],
    ]);
  });
});
