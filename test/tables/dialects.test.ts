// Other dialects through the cell parser, the record indexer and the scan's counter: the
// csv-spectrum cases written with another delimiter (and another quote), held to the suite's
// JSON and to papaparse told the same dialect; files without quoting against a plain split;
// files without a header; messy input per dialect with the three readers agreeing on every
// record boundary.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CsvRecordCounter } from '../../src/engine/csv/record-counter';
import { parseCsv, parseRecords } from '../../src/engine/tables/csv-cells';
import { transcodeAll } from '../../src/engine/tables/encoding';
import { RecordIndexer } from '../../src/engine/tables/indexer';
import type { Dialect } from '../../src/shared/family';
import { Rng } from '../fixtures/prng';

const require = createRequire(import.meta.url);
const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

/** Writes rows in a dialect, quoting a field only when it must (or always). */
function writeDsv(rows: string[][], d: Dialect, eol = '\n', quoteAll = false): string {
  const q = d.quote;
  const f = (s: string): string => {
    if (q === null) return s;
    const must = s.includes(d.delimiter) || s.includes(q) || /[\r\n]/.test(s);
    return quoteAll || must ? q + s.split(q).join(q + q) + q : s;
  };
  return rows.map((r) => r.map(f).join(d.delimiter)).join(eol) + eol;
}

function chunked(b: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, Math.min(b.length, i + size)));
  return out;
}

/** The indexer's record starts and counts over b, pushed in pieces of `size`. */
function indexOf(b: Uint8Array, d: Dialect, size: number): { offsets: number[]; rows: number; malformed: number } {
  const offsets: number[] = [];
  const ix = new RecordIndexer((o) => offsets.push(...o), d);
  for (const part of chunked(b, size)) ix.push(part);
  const st = ix.finish();
  return { offsets, rows: st.rows, malformed: st.malformed };
}

const SPECTRUM_DIALECTS: Dialect[] = [
  { delimiter: ';', quote: '"', header: true },
  { delimiter: '|', quote: '"', header: true },
  { delimiter: '\t', quote: '"', header: true },
  { delimiter: ';', quote: "'", header: true },
  { delimiter: '\t', quote: '"', header: false },
];

describe('csv-spectrum with the delimiter swapped', () => {
  const dir = path.join(path.dirname(require.resolve('csv-spectrum/package.json')), 'csvs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  it('has the suite', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const f of files) {
    for (const d of SPECTRUM_DIALECTS) {
      it(`${f} as ${JSON.stringify(d)}: cells = the suite's JSON = papaparse; counter and indexer agree`, () => {
        const json = JSON.parse(readFileSync(path.join(dir, '..', 'json', f.replace(/\.csv$/, '.json')), 'utf8')) as
          | Record<string, string>
          | Array<Record<string, string>>;
        const expected = Array.isArray(json) ? json : [json];
        // (the suite's location_coordinates.json disagrees with its CSV on the phone number)
        if (f === 'location_coordinates.csv') expected[0]['Contact Phone Number'] = '2095257564';
        const keys = Object.keys(expected[0]);
        const table = [keys, ...expected.map((o) => keys.map((k) => o[k]))];
        const body = d.header ? table : table.slice(1);
        const eol = f.includes('crlf') ? '\r\n' : '\n';
        const text = writeDsv(body, d, eol);
        const buf = bytes(text);
        for (const chunkSize of [1, 3, 7, buf.length]) {
          const p = parseCsv(buf, { chunkSize, dialect: d });
          if (d.header) expect(p.header).toEqual(keys);
          else expect(p.header).toBeNull();
          expect(p.rows).toEqual(table.slice(1));
          expect(p.malformed).toBe(0);
        }
        const papa = Papa.parse<string[]>(text, {
          delimiter: d.delimiter,
          quoteChar: d.quote ?? undefined,
          escapeChar: d.quote ?? undefined,
          newline: eol as '\n' | '\r\n',
          skipEmptyLines: true,
        });
        expect(papa.errors).toEqual([]);
        expect(papa.data).toEqual(body);
        const c = new CsvRecordCounter({ dialect: d });
        c.push(buf);
        const r = c.finish();
        expect(r.records).toBe(expected.length);
        expect(r.header).toEqual(d.header ? keys : null);
        expect(r.malformedRows).toBe(0);
        const p = parseCsv(buf, { dialect: d });
        for (const size of [1, 5, buf.length]) {
          const ix = indexOf(buf, d, size);
          expect(ix.rows).toBe(expected.length);
          expect(ix.offsets.slice(0, -1)).toEqual(p.infos.map((i) => i.offset));
        }
        // Each record's slice parses back alone (the table browser's page reads).
        p.infos.forEach((info, k) => {
          const again = parseRecords(buf.subarray(info.offset, info.end), keys.length, info.offset, k + 1, 1, true, d);
          expect(again.map((x) => x.cells)).toEqual([table[k + 1]]);
        });
      });
    }
  }
});

describe('no quoting', () => {
  it('quotes are data: cells = a plain split of each line', () => {
    const r = new Rng(77);
    const PIECES = ['a', '"', "'", 'é', ' ', '""', 'x"y', '', '1'];
    for (const delimiter of [',', ';', '|', '\t']) {
      const d: Dialect = { delimiter, quote: null, header: true };
      const rows = Array.from({ length: 60 }, () =>
        Array.from({ length: 4 }, () => Array.from({ length: r.int(0, 4) }, () => r.pick(PIECES)).join('')),
      );
      const text = writeDsv(rows, d, '\r\n');
      const want = text
        .split('\r\n')
        .filter((l) => l !== '')
        .map((l) => l.split(delimiter));
      const buf = bytes(text);
      for (const size of [1, 4, buf.length]) {
        const p = parseCsv(buf, { chunkSize: size, dialect: d });
        expect([p.header, ...p.rows]).toEqual(want);
        expect(p.malformed).toBe(0);
        const ix = indexOf(buf, d, size);
        expect(ix.offsets.slice(0, -1)).toEqual(p.infos.map((i) => i.offset));
      }
      const c = new CsvRecordCounter({ dialect: d });
      c.push(buf);
      expect(c.finish()).toMatchObject({ records: 59, header: want[0], malformedRows: 0 });
    }
  });
});

describe('messy input in every dialect: parser, indexer and counter agree', () => {
  const dialects: Dialect[] = [];
  for (const delimiter of [',', ';', '|', '\t'])
    for (const quote of ['"', "'", null]) for (const header of [true, false]) dialects.push({ delimiter, quote, header });
  dialects.forEach((d, k) => {
    it(JSON.stringify(d), () => {
      const r = new Rng(500 + k);
      const ALPHABET = ['a', 'b', d.delimiter, d.delimiter, ',', '"', '"', "'", '\n', '\r', '\r\n', '\n\n', ' ', 'é'];
      for (let iter = 0; iter < 30; iter++) {
        let s = r.chance(0.2) ? '\uFEFF' : '';
        const n = r.int(0, 300);
        for (let i = 0; i < n; i++) s += r.pick(ALPHABET);
        const buf = bytes(s);
        const counter = new CsvRecordCounter({ dialect: d });
        counter.push(buf);
        const c = counter.finish();
        const t = transcodeAll(buf);
        for (const size of [1, 3, buf.length || 1]) {
          const p = parseCsv(buf, { chunkSize: size, dialect: d });
          expect(p.rows.length, s).toBe(c.records);
          expect(p.malformed, s).toBe(c.malformedRows);
          if (c.header) expect(p.header).toEqual(c.header);
          const ix = indexOf(t.bytes, d, size);
          expect(ix.rows, s).toBe(c.records);
          expect(ix.malformed, s).toBe(c.malformedRows);
          expect(ix.offsets.slice(0, -1), s).toEqual(p.infos.map((i) => i.offset));
        }
      }
    });
  });
});
