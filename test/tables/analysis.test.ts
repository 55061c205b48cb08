// DuckDB sees exactly our cells: for plain files read by DuckDB's own CSV reader and for
// messy ones sent through the canonical CSV, every cell of the analysis store is compared
// with what our parser returns. Also: encodings end to end, invalid bytes counted.
import { existsSync, openSync, readSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analysisStats,
  closeDuck,
  queryRows,
  withConnection,
} from '../../src/engine/tables/analysis';
import { segmentStore, segmentRows, TableCache, type EntryMeta } from '../../src/engine/tables/cache';
import { attachedStores, attachStore, storeAlias } from '../../src/engine/tables/duck';
import { TableService } from '../../src/engine/tables/table-service';
import { removeDir, scan, tempDir, type Scanned } from '../engine/harness';
import { chunkName, writeCustomDrop } from './custom-drop';
import { nastyRows, writeCsv } from './nasty';

let work: string;
let scanned: Scanned;
let svc: TableService;
const cacheDir = (): string => path.join(work, 'cache');

const messy = Buffer.from(
  'id,name,note\r\n' +
    '1,plain,x\r\n' +
    '\r\n' + // an empty line: not a record
    '2,"quoted ""and"" more",y\r' + // a lone CR ends a record
    '3,mid"quote,z\n' +
    '4,"closed"then,w\n' +
    '5,too,many,fields,here\n' +
    '6,few\n' +
    '7,"multi\r\nline",\n' +
    '8,,\n' +
    '9,"unterminated,at end\n',
);

const tables: Record<string, { data: Buffer; plain: boolean }> = {
  plain_lf: { data: Buffer.from(writeCsv(nastyRows(71, 400, 6), { eol: '\n' })), plain: true },
  plain_crlf_bom: {
    data: Buffer.from(writeCsv(nastyRows(72, 400, 4), { eol: '\r\n', bom: true })),
    plain: true,
  },
  plain_quote_all: {
    data: Buffer.from(writeCsv(nastyRows(73, 300, 3), { eol: '\r\n', quoteAll: true })),
    plain: true,
  },
  messy: { data: messy, plain: false },
  invalid_utf8: {
    data: Buffer.concat([
      Buffer.from('k,v,w\n1,caf'),
      Buffer.from([0xe9]),
      Buffer.from(',ok\n2,\uFFFD,'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\n'),
    ]),
    plain: true,
  },
  header_only: { data: Buffer.from('a,b,c\n'), plain: true },
};

beforeAll(async () => {
  work = tempDir('di-analysis-');
  const members: Record<string, Buffer> = {};
  for (const [t, { data }] of Object.entries(tables)) members[`${t}.csv`] = data;
  await writeCustomDrop(path.join(work, 'drop'), [{ members }]);
  scanned = await scan(path.join(work, 'drop'));
  svc = new TableService({ catalog: scanned.catalog, cacheDir: cacheDir(), workers: 1, segmentBytes: 4000 });
});

afterAll(async () => {
  await svc?.close();
  await closeDuck();
  scanned?.catalog.close();
  removeDir(work);
});

function entries(): Array<{ dir: string; meta: EntryMeta }> {
  const base = path.join(cacheDir(), 'e');
  return readdirSync(base)
    .filter((n) => !n.startsWith('.'))
    .map((n) => ({
      dir: path.join(base, n),
      meta: JSON.parse(readFileSync(path.join(base, n, 'meta.json'), 'utf8')) as EntryMeta,
    }));
}

/** The DuckDB database file's magic bytes (at offset 8). */
function magic(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    readSync(fd, b, 0, 4, 8);
    return b.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

async function allRows(handle: string, from = svc): Promise<{ rows: string[][]; malformed: boolean[] }> {
  const p = await from.getRows(handle, { offset: 0, limit: 100_000 });
  return { rows: p.rows, malformed: p.malformed };
}

describe('the analysis store holds exactly the parser cells', () => {
  afterAll(() => {
    // Plain members were read by DuckDB itself, segment by segment, never sent through the
    // canonical CSV because DuckDB's reading disagreed with ours.
    expect(analysisStats.plainRejected).toBe(0);
    expect(analysisStats.canonical).toBeGreaterThan(0); // the messy table
    expect(analysisStats.duckdbCsv).toBeGreaterThan(5);
  });
  for (const [table, { plain }] of Object.entries(tables)) {
    it(`${table} (${plain ? 'DuckDB reads the file itself' : 'canonical CSV'})`, async () => {
      const h = await svc.openTable(path.join(work, 'drop'), { table, scope: { chunk: chunkName(0) } });
      const ours = await allRows(h.handle);
      // Any whole-table query builds the analysis store.
      await svc.getRows(h.handle, { offset: 0, limit: 1, sort: { column: h.columns[0] } });
      const e = entries().find((x) => x.meta.source.member === `${table}.csv`)!;
      expect(e.meta.plain).toBe(plain);
      const n = Math.max(1, e.meta.headerFields);
      // The store is a DuckDB database file per segment (not Parquet), attached once built.
      const stores = e.meta.segments.map((_, k) => path.join(e.dir, segmentStore(k)));
      for (const f of stores) {
        expect(magic(f), f).toBe('DUCK');
        expect(attachedStores()).toContain(f);
        expect(existsSync(`${f}.wal`)).toBe(false);
      }
      // Typed columns (store.ts) read back as their exact text; in record order by __r (the
      // scopes' __p, and the table's rowid): compared row by row with our parser's rows below.
      const cols = Array.from({ length: n }, (_, i) => `coalesce(CAST(c${i} AS VARCHAR), '') AS c${i}`).join(', ');
      const duck = await withConnection({}, (con) =>
        queryRows(
          con,
          stores
            .map((f, k) => `SELECT ${k} AS seg, __r AS r, rowid AS i, ${cols}, __malformed, __extra FROM ${storeAlias(f)}.t`)
            .join(' UNION ALL ') + ' ORDER BY seg, r',
        ),
      ).then((rows) =>
        rows.map((r) => {
          expect(r[2], 'rowid = __r').toBe(r[1]);
          return [r[0], r[1], ...r.slice(3)];
        }),
      );
      // __r runs 0.. in each segment, as the rowid does.
      e.meta.segments.forEach((_, k) =>
        expect(duck.filter((r) => r[0] === k).map((r) => Number(r[1]))).toEqual(
          Array.from({ length: segmentRows(e.meta, k) }, (_, i) => i),
        ),
      );
      expect(duck.length).toBe(ours.rows.length);
      if (table.startsWith('plain')) expect(e.meta.segments.length).toBeGreaterThan(1);
      duck.forEach((row, i) => {
        const d = row.slice(2);
        const cells = ours.rows[i];
        const expected = Array.from({ length: n }, (_, k) => cells[k] ?? '');
        expect(d.slice(0, n), `${table} row ${i}`).toEqual(expected);
        expect(d[n]).toBe(ours.malformed[i]);
        expect(d[n + 1]).toBe(cells.length > n ? cells.slice(n).join(',') : null);
      });
      // Once the store is built the CSV is packed (packed-text.ts), in the background: CSV
      // and row index gone, and a fresh reader (another process) reads the same cells from
      // the packed blocks, in pages that cross blocks and segments, and by scattered rows.
      await svc.packed();
      const files = readdirSync(e.dir);
      if (e.meta.rows > 0) {
        expect(files.filter((f) => f.endsWith('.csv') || f === 'rows.idx'), table).toEqual([]);
        expect(files.filter((f) => f.endsWith('.z')).length).toBe(
          e.meta.segments.filter((_, k) => segmentRows(e.meta, k) > 0).length,
        );
      }
      const fresh = new TableService({ catalog: scanned.catalog, cacheDir: cacheDir(), workers: 1, segmentBytes: 4000 });
      try {
        const h2 = await fresh.openTable(path.join(work, 'drop'), { table, scope: { chunk: chunkName(0) } });
        expect(await allRows(h2.handle, fresh)).toEqual(ours);
        const pages: string[][] = [];
        for (let o = 0; o < ours.rows.length; o += 7)
          pages.push(...(await fresh.getRows(h2.handle, { offset: o, limit: 7 })).rows);
        expect(pages).toEqual(ours.rows);
        const desc = await fresh.getRows(h2.handle, { offset: 0, limit: 100_000, sort: { column: h.columns[0], desc: true } });
        const byNumber = new Map(ours.rows.map((r, i) => [i, r]));
        expect(desc.rows).toEqual(desc.rowNumbers.map((i) => byNumber.get(i)));
      } finally {
        await fresh.close();
      }
      await svc.closeTable(h.handle);
    });
  }

  it('the messy table reads as the lenient rules say, malformed rows flagged', async () => {
    const h = await svc.openTable(path.join(work, 'drop'), {
      table: 'messy',
      scope: { chunk: chunkName(0) },
    });
    const { rows, malformed } = await allRows(h.handle);
    expect(rows).toEqual([
      ['1', 'plain', 'x'],
      ['2', 'quoted "and" more', 'y'],
      ['3', 'mid"quote', 'z'],
      ['4', 'closedthen', 'w'],
      ['5', 'too', 'many', 'fields', 'here'],
      ['6', 'few'],
      ['7', 'multi\r\nline', ''],
      ['8', '', ''],
      ['9', 'unterminated,at end\n'],
    ]);
    expect(malformed).toEqual([false, false, false, false, true, true, false, false, true]);
    // Search finds text in fields past the header's count too.
    expect((await svc.getRows(h.handle, { offset: 0, limit: 10, search: 'HERE' })).rowNumbers).toEqual([4]);
    await svc.closeTable(h.handle);
  });

  it('invalid UTF-8 bytes are U+FFFD and counted (a real U+FFFD is not)', async () => {
    const h = await svc.openTable(path.join(work, 'drop'), {
      table: 'invalid_utf8',
      scope: { chunk: chunkName(0) },
    });
    const { rows } = await allRows(h.handle);
    expect(rows).toEqual([
      ['1', 'caf\uFFFD', 'ok'],
      ['2', '\uFFFD', '\uFFFD\uFFFD'],
    ]);
    await svc.settle(h.handle);
    expect((await svc.tableInfo(h.handle)).problems.invalidChars).toBe(3);
    await svc.closeTable(h.handle);
  });
});

describe('encodings end to end', () => {
  let drop: string;
  let s2: Scanned;
  let svc2: TableService;
  const text = 'ID,NAME,CITY\r\n1,"Zoë ""Z"" Ørsted",Köln\r\n2,€uro,"a,b"\r\n';
  beforeAll(async () => {
    drop = path.join(work, 'enc-drop');
    const cp1252 = Buffer.from(text.replace('€', '\u0080'), 'latin1');
    cp1252[cp1252.indexOf(0x80)] = 0x80; // € in windows-1252
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    await writeCustomDrop(drop, [
      { members: { 'other.csv': Buffer.from('a\n1\n') } },
      { members: { 'people.csv': cp1252, 'wide.csv': le } },
      { members: { 'wide.csv': be } },
    ]);
    s2 = await scan(drop);
    svc2 = new TableService({ catalog: s2.catalog, cacheDir: path.join(work, 'cache2'), workers: 1 });
  });
  afterAll(async () => {
    await svc2?.close();
    s2?.catalog.close();
  });
  const expected = [
    ['1', 'Zoë "Z" Ørsted', 'Köln'],
    ['2', '€uro', 'a,b'],
  ];

  it('windows-1252 when chosen; the same bytes read as UTF-8 show U+FFFD and count them', async () => {
    const h = await svc2.openTable(drop, {
      table: 'people',
      scope: { chunk: chunkName(1) },
      encoding: 'windows-1252',
    });
    expect(h.columns).toEqual(['ID', 'NAME', 'CITY']);
    expect((await svc2.getRows(h.handle, { offset: 0, limit: 10 })).rows).toEqual(expected);
    const u = await svc2.openTable(drop, { table: 'people', scope: { chunk: chunkName(1) } });
    const rows = (await svc2.getRows(u.handle, { offset: 0, limit: 10 })).rows;
    expect(rows[0][1]).toBe('Zo\uFFFD "Z" \uFFFDrsted');
    await svc2.settle(u.handle); // problems are counted over the whole member
    expect((await svc2.tableInfo(u.handle)).problems.invalidChars).toBe(4);
  });

  it('UTF-16 (LE and BE, with BOM) across chunks, sorted and searched', async () => {
    const h = await svc2.openTable(drop, { table: 'wide', scope: 'all', encoding: 'utf-16' });
    expect(h.columns).toEqual(['_chunk', 'ID', 'NAME', 'CITY']);
    const p = await svc2.getRows(h.handle, { offset: 0, limit: 10 });
    expect(p.rows).toEqual([1, 2].flatMap((c) => expected.map((r) => [chunkName(c), ...r])));
    const s = await svc2.getRows(h.handle, {
      offset: 0,
      limit: 10,
      search: 'köln',
      sort: { column: '_chunk', desc: true },
    });
    expect(s.rowChunks).toEqual([chunkName(2), chunkName(1)]);
    // Asked as UTF-8, the UTF-16 BOM still switches the reading.
    const auto = await svc2.openTable(drop, { table: 'wide', scope: { chunk: chunkName(2) } });
    expect((await svc2.getRows(auto.handle, { offset: 0, limit: 10 })).rows).toEqual(expected);
    expect(auto.encoding).toBe('utf-16be');
  });
});

describe('merging rules', () => {
  it('within a chunk the later record wins; empty keys are kept; duplicates inside a chunk are counted', async () => {
    const drop = path.join(work, 'dupes-drop');
    await writeCustomDrop(drop, [
      { members: { 'dupes.csv': Buffer.from('DUPES_KEY,V\n1,a\n2,b\n1,c\n') } },
      { members: { 'dupes.csv': Buffer.from('DUPES_KEY,V\r\n2,d\r\n3,e\r\n,f\r\n,g\r\n') } },
    ]);
    const s3 = await scan(drop);
    const svc3 = new TableService({ catalog: s3.catalog, cacheDir: path.join(work, 'cache3'), workers: 1 });
    try {
      const h = await svc3.openTable(drop, { table: 'dupes', scope: 'merged' });
      const p = await svc3.getRows(h.handle, { offset: 0, limit: 10 });
      expect(p.rows).toEqual([
        [chunkName(0), '1', 'c'],
        [chunkName(1), '2', 'd'],
        [chunkName(1), '3', 'e'],
        [chunkName(1), '', 'f'],
        [chunkName(1), '', 'g'],
      ]);
      expect(p.rowNumbers).toEqual([2, 3, 4, 5, 6]);
      const info = await svc3.tableInfo(h.handle);
      expect(info.key).toMatchObject({
        columns: ['DUPES_KEY'],
        source: 'table-name',
        duplicatesWithinChunk: 1,
        emptyKeys: 2,
        replaced: 2,
      });
    } finally {
      await svc3.close();
      s3.catalog.close();
    }
  });
});

describe('column statistics', () => {
  it('"most frequent" is ordered by count, then numerically (9 before 10), then as text', async () => {
    const drop = path.join(work, 'freq-drop');
    await writeCustomDrop(drop, [{ members: { 'freq.csv': Buffer.from('FREQ_KEY,N\n1,10\n2,9\n3,100\n4,9\n5,10\n6,x\n7,2\n8,2\n') } }]);
    const s4 = await scan(drop);
    const svc4 = new TableService({ catalog: s4.catalog, cacheDir: path.join(work, 'cache4'), workers: 1 });
    try {
      const h = await svc4.openTable(drop, { table: 'freq', scope: { chunk: chunkName(0) } });
      await svc4.getRows(h.handle, { offset: 0, limit: 10 });
      const st = await svc4.columnStats(h.handle, 'N');
      expect(st.top.map((t) => [t.value, t.count])).toEqual([
        ['2', 2],
        ['9', 2],
        ['10', 2],
        ['100', 1],
        ['x', 1],
      ]);
    } finally {
      await svc4.close();
      s4.catalog.close();
    }
  });
});

describe('eviction', () => {
  it('detaches the stores of an evicted entry from DuckDB before deleting it', async () => {
    const e = entries().find((x) => x.meta.source.member === 'plain_lf.csv')!;
    const stores = e.meta.segments.map((_, k) => path.join(e.dir, segmentStore(k)));
    for (const f of stores) await attachStore(f); // attached by the first describe already: shared
    const attachedNames = async (): Promise<string[]> =>
      (await withConnection({}, (con) => queryRows(con, 'SELECT database_name FROM duckdb_databases()'))).map((r) =>
        String(r[0]),
      );
    const names = await attachedNames();
    for (const f of stores) expect(names).toContain(storeAlias(f));
    // Another cache object on the folder pins nothing: everything goes.
    await svc.close();
    await new TableCache({ dir: cacheDir(), maxBytes: 1 }).evict();
    expect(existsSync(e.dir)).toBe(false);
    expect(attachedStores().filter((f) => f.startsWith(e.dir))).toEqual([]);
    const after = await attachedNames();
    for (const f of stores) expect(after).not.toContain(storeAlias(f));
  });
});
