// A table in another dialect through the first read and the analysis store: the cache
// entry's rows (EntryReader) and DuckDB's cells (data.duckdb, built with the dialect's read
// options) are exactly our parser's, for plain and messy files, with and without a header;
// another dialect of the same member is another cache entry.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisStats, closeDuck, ensureStore, queryRows, withConnection } from '../../src/engine/tables/analysis';
import { attachStore, storeAlias } from '../../src/engine/tables/duck';
import { buildEntry } from '../../src/engine/tables/build';
import { entryKey, TableCache, type EntrySource } from '../../src/engine/tables/cache';
import { parseCsv } from '../../src/engine/tables/csv-cells';
import { EntryReader } from '../../src/engine/tables/entry-reader';
import type { Dialect } from '../../src/shared/family';
import { ZipWriter } from '../fixtures/zip-writer';
import { removeDir, tempDir } from '../engine/harness';
import { nastyRows } from './nasty';

let work: string;
const zip = (): string => path.join(work, 'drop.zip');

function writeDsv(rows: string[][], d: Dialect, eol = '\n'): string {
  const q = d.quote;
  const f = (s: string): string =>
    q !== null && (s.includes(d.delimiter) || s.includes(q) || /[\r\n]/.test(s)) ? q + s.split(q).join(q + q) + q : s;
  return rows.map((r) => r.map(f).join(d.delimiter)).join(eol) + eol;
}

const SEMI: Dialect = { delimiter: ';', quote: '"', header: true };
const TAB_NOHEAD: Dialect = { delimiter: '\t', quote: '"', header: false };
const PIPE_NOQUOTE: Dialect = { delimiter: '|', quote: null, header: true };
const clean = (rows: string[][], d: Dialect): string[][] =>
  rows.map((r) => r.map((c) => c.split(d.delimiter).join('_').replace(/[\r\n]/g, ' ')));

const members: Record<string, { text: string; dialect: Dialect }> = {
  'semi.csv': { text: writeDsv(nastyRows(11, 300, 5), SEMI), dialect: SEMI },
  'tab.csv': { text: writeDsv(nastyRows(12, 300, 4).slice(1), TAB_NOHEAD, '\r\n'), dialect: TAB_NOHEAD },
  'tab_lf.csv': { text: writeDsv(nastyRows(14, 300, 4).slice(1), TAB_NOHEAD), dialect: TAB_NOHEAD },
  'pipe.csv': { text: writeDsv(clean(nastyRows(13, 200, 3), PIPE_NOQUOTE), PIPE_NOQUOTE), dialect: PIPE_NOQUOTE },
  'messy.csv': { text: 'a;b\n1;"x;y"\n\n2;"unclosed\n3;4;5\n', dialect: SEMI },
};

beforeAll(async () => {
  work = tempDir('di-dialect-entry-');
  const w = await ZipWriter.create(zip(), { style: 'plain', mtime: 1_700_000_000 });
  for (const [name, m] of Object.entries(members)) await w.addBuffer(name, Buffer.from(m.text));
  await w.close();
});

afterAll(async () => {
  await closeDuck();
  removeDir(work);
});

async function source(member: string, dialect: Dialect): Promise<EntrySource> {
  const { statSync } = await import('node:fs');
  const st = statSync(zip());
  return { archive: zip(), size: st.size, mtimeMs: st.mtimeMs, member, encoding: 'utf-8', dialect };
}

describe('a table in another dialect', () => {
  for (const [name, m] of Object.entries(members)) {
    it(`${name} (${JSON.stringify(m.dialect)}): entry rows and DuckDB cells = our parser's`, async () => {
      const want = parseCsv(Buffer.from(m.text), { dialect: m.dialect });
      const src = await source(name, m.dialect);
      const cacheDir = path.join(work, 'cache');
      const key = entryKey(src);
      const meta = await buildEntry({ cacheDir, cacheMaxBytes: 1e10, key, source: src, segmentBytes: 3000 });
      expect(meta.rows).toBe(want.rows.length);
      expect(meta.header).toEqual(
        m.dialect.header ? want.header : Array.from({ length: want.rows[0].length }, (_, i) => `column_${i + 1}`),
      );
      const dir = new TableCache({ dir: cacheDir, maxBytes: 1e10 }).entryDir(key);
      const reader = new EntryReader(dir, m.dialect, meta.headerFields, meta.rows, true, meta.segments);
      const got = await reader.readRange(0, meta.rows);
      await reader.close();
      expect(got.map((r) => r.cells)).toEqual(want.rows);
      // DuckDB's store, segment by segment
      const cells: string[][] = [];
      const before = analysisStats.duckdbCsv;
      for (let k = 0; k < meta.segments.length; k++) {
        const store = await ensureStore(dir, meta, k);
        await attachStore(store);
        const rows = await withConnection({}, (con) =>
          // Typed columns (store.ts) as their exact text; the store's own columns only.
          queryRows(
            con,
            `SELECT ${Array.from({ length: Math.max(1, meta.headerFields) }, (_, i) => `coalesce(CAST(c${i} AS VARCHAR), '')`).join(', ')} FROM ${storeAlias(store)}.t ORDER BY rowid`,
          ),
        );
        for (const r of rows) cells.push(r.map((v) => String(v)));
      }
      // Plain files are read by DuckDB's own CSV reader with the dialect's options.
      expect(meta.plain).toBe(name !== 'messy.csv');
      // (CRLF: DuckDB detects the line end per segment and may refuse one, which then goes
      // through the canonical CSV; see readCsvOptions.)
      const byDuck = analysisStats.duckdbCsv - before;
      if (meta.plain && meta.lineEnding === 'lf') expect(byDuck).toBe(meta.segments.length);
      else if (meta.plain) expect(byDuck).toBeGreaterThan(0);
      const n = meta.headerFields;
      expect(cells).toEqual(want.rows.map((r) => Array.from({ length: n }, (_, i) => r[i] ?? '')));
    });
  }

  it('another dialect of the same member is another cache entry', async () => {
    const a = entryKey(await source('semi.csv', SEMI));
    const b = entryKey(await source('semi.csv', { ...SEMI, delimiter: ',' }));
    const c = entryKey(await source('semi.csv', { ...SEMI, header: false }));
    expect(new Set([a, b, c]).size).toBe(3);
  });
});
