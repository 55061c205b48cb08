import { createRequire } from 'node:module';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { itIsAFreshCompile } from '../wasm-freshness';
import { decodeRecordFields } from '../../src/engine/csv/header';
import type { CsvCountOptions, CsvCountResult } from '../../src/engine/csv/count-types';
import { CsvRecordCounter, countCsvBuffer } from '../../src/engine/csv/record-counter';
import { CSV_SIMD_AVAILABLE } from '../../src/engine/csv/simd-scan';
import { SIMD_KERNEL_WASM_BASE64 } from '../../src/engine/csv/simd-kernel.wasm';
import { RFC4180, type Dialect } from '../../src/shared/family';

/** A dialect from RFC 4180 with some parts changed. */
const dia = (d: Partial<Dialect>): Dialect => ({ ...RFC4180, ...d });

const require = createRequire(import.meta.url);
const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

// ---------------------------------------------------------------------------------------------
// Helpers

/** A copy of buf starting at byteOffset `shift` of its ArrayBuffer (the word loop depends on alignment). */
function shifted(buf: Uint8Array, shift: number): Uint8Array {
  const ab = new Uint8Array(buf.length + 8);
  ab.set(buf, shift);
  return ab.subarray(shift, shift + buf.length);
}

function countChunks(chunks: Uint8Array[], options?: CsvCountOptions): CsvCountResult {
  const c = new CsvRecordCounter(options);
  for (const ch of chunks) c.push(ch);
  return c.finish();
}

function splitAt(buf: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const cut of cuts) {
    out.push(buf.subarray(prev, cut));
    prev = cut;
  }
  out.push(buf.subarray(prev));
  return out;
}

function oneByteChunks(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1));
  return out;
}

/** The counter's paths: the SIMD kernel (default), the JS word + byte loops, the JS byte loop only. */
const PATHS: [string, CsvCountOptions][] = [
  ['simd', {}],
  ['js', { simd: false }],
];

/**
 * Feeds buf whole, at every single split point, in 1-byte chunks, at every byte alignment,
 * with and without the SIMD kernel, and with the byte loop only; every way must give the
 * same result. Returns that result.
 */
function countEveryWay(buf: Uint8Array, options: CsvCountOptions = {}): CsvCountResult {
  const whole = countCsvBuffer(buf, options);
  for (const [path, extra] of PATHS) {
    const opts = { ...options, ...extra };
    expect(countCsvBuffer(buf, opts), path).toEqual(whole);
    for (let shift = 1; shift < 4; shift++) {
      expect(countCsvBuffer(shifted(buf, shift), opts), `${path} shift ${shift}`).toEqual(whole);
    }
    for (let cut = 0; cut <= buf.length; cut++) {
      expect(countChunks(splitAt(buf, [cut]), opts), `${path} split at ${cut}`).toEqual(whole);
    }
    expect(countChunks(oneByteChunks(buf), opts), `${path} 1-byte chunks`).toEqual(whole);
  }
  expect(countCsvBuffer(buf, { ...options, wordSkip: false }), 'byte loop only').toEqual(whole);
  return whole;
}

/** Whole with and without the kernel and byte loop only, plus the given chunkings (both paths): all equal to want. */
function expectAllPaths(
  buf: Uint8Array,
  want: CsvCountResult,
  options: CsvCountOptions = {},
  cutss: number[][] = [],
  label = '',
): void {
  for (const [path, extra] of PATHS) {
    const opts = { ...options, ...extra };
    expect(countCsvBuffer(buf, opts), `${path} ${label}`).toEqual(want);
    for (const cuts of cutss)
      expect(countChunks(splitAt(buf, cuts), opts), `${path} ${label} cuts ${cuts}`).toEqual(want);
  }
  expect(countCsvBuffer(buf, { ...options, wordSkip: false }), `byte loop ${label}`).toEqual(want);
}

/**
 * Reference: a deliberately plain parser following the documented rules record by record, kept
 * independent of the counter (no shared code, no chunking, no word tricks).
 */
function reference(buf: Uint8Array, dialect: Dialect = RFC4180, maxHeaderBytes = 1024 * 1024): CsvCountResult {
  const delim = dialect.delimiter.charCodeAt(0);
  const QUOTE = dialect.quote === null ? -1 : dialect.quote.charCodeAt(0);
  const LF = 0x0a;
  const CR = 0x0d;
  const n = buf.length;
  let i = 0;
  let bom = false;
  if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    bom = true;
    i = 3;
  }
  let line = 1;
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  const terminator = (): void => {
    if (buf[i] === CR) {
      if (i + 1 < n && buf[i + 1] === LF) {
        crlf++;
        i += 2;
      } else {
        cr++;
        i++;
      }
    } else {
      lf++;
      i++;
    }
    line++;
  };
  const recs: { fields: number[][]; line: number; start: number; end: number; unterminated: boolean }[] = [];
  while (i < n) {
    if (buf[i] === LF || buf[i] === CR) {
      terminator(); // an empty line
      continue;
    }
    const rec = { fields: [] as number[][], line, start: i, end: i, unterminated: false };
    for (;;) {
      const field: number[] = [];
      if (i < n && buf[i] === QUOTE) {
        i++;
        for (;;) {
          if (i >= n) {
            rec.unterminated = true;
            break;
          }
          const c = buf[i];
          if (c === QUOTE) {
            if (i + 1 < n && buf[i + 1] === QUOTE) {
              field.push(QUOTE);
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === LF) line++;
          if (c === CR && !(i + 1 < n && buf[i + 1] === LF)) line++;
          field.push(c);
          i++;
        }
      }
      while (i < n && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) field.push(buf[i++]);
      rec.fields.push(field);
      if (i < n && buf[i] === delim) {
        i++;
        continue;
      }
      break;
    }
    rec.end = i;
    recs.push(rec);
    if (i < n) terminator();
  }
  const dec = new TextDecoder();
  const hdr = recs[0];
  const headerTooLong = hdr !== undefined && hdr.end - hdr.start > maxHeaderBytes;
  const firstMalformed: CsvCountResult['firstMalformed'] = [];
  let malformedRows = 0;
  const skip = dialect.header ? 1 : 0;
  recs.slice(skip).forEach((r, k) => {
    if (r.fields.length !== hdr.fields.length || r.unterminated) {
      malformedRows++;
      if (firstMalformed.length < 20)
        firstMalformed.push({ record: k + 1, fields: r.fields.length, line: r.line });
    }
  });
  const kinds = (lf ? 1 : 0) + (crlf ? 1 : 0) + (cr ? 1 : 0);
  return {
    records: Math.max(recs.length - skip, 0),
    header:
      hdr && !headerTooLong && dialect.header ? hdr.fields.map((f) => dec.decode(Uint8Array.from(f))) : null,
    headerFields: hdr ? hdr.fields.length : 0,
    malformedRows,
    firstMalformed,
    unterminatedQuote: recs.length > 0 && recs[recs.length - 1].unterminated,
    bytes: n,
    lineEnding: kinds > 1 || cr > 0 ? 'mixed' : lf ? 'lf' : crlf ? 'crlf' : null,
    lineEndings: { lf, crlf, cr },
    headerTooLong,
    bom,
  };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------

describe('csv-spectrum conformance', () => {
  type Case = { name: string; csv: Buffer; json: Buffer };
  let cases: Case[] = [];
  beforeAll(async () => {
    // csv-spectrum's only API: a callback with [{ csv, json, name }] (Buffers of csvs/x.csv and json/x.json).
    cases = await new Promise<Case[]>((resolve, reject) =>
      require('csv-spectrum')((err: Error | null, data: Case[]) => (err ? reject(err) : resolve(data))),
    );
  });

  it('loads the cases', () => {
    expect(cases.map((c) => c.name).sort()).toEqual([
      'comma_in_quotes',
      'empty',
      'empty_crlf',
      'escaped_quotes',
      'json',
      'location_coordinates',
      'newlines',
      'newlines_crlf',
      'quotes_and_newlines',
      'simple',
      'simple_crlf',
      'utf8',
    ]);
  });

  it('every case: record count = JSON rows, header = JSON keys, any chunking', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const json: unknown = JSON.parse(c.json.toString('utf8'));
      // Special case: location_coordinates.json is a single object, not an array of one (and
      // its values differ from the CSV's: a different phone number). It stands for one row.
      const rows = (Array.isArray(json) ? json : [json]) as Record<string, string>[];
      const r = countEveryWay(new Uint8Array(c.csv));
      expect(r.records, c.name).toBe(rows.length);
      expect(r.header, c.name).toEqual(Object.keys(rows[0]));
      // Every spectrum row is well formed (location_coordinates has a literal `"` mid-field).
      expect(r.malformedRows, c.name).toBe(0);
      expect(r.unterminatedQuote, c.name).toBe(false);
      expect(r).toEqual(reference(new Uint8Array(c.csv)));
    }
  });

  it('line endings of the crlf cases', () => {
    const byName = new Map(cases.map((c) => [c.name, countCsvBuffer(new Uint8Array(c.csv))]));
    expect(byName.get('simple_crlf')!.lineEnding).toBe('crlf');
    expect(byName.get('newlines_crlf')!.lineEnding).toBe('crlf');
    expect(byName.get('simple')!.lineEnding).toBe('lf');
    // quoted "\n" inside an LF file is not a terminator
    expect(byName.get('quotes_and_newlines')!.lineEnding).toBe('lf');
  });
});

// ---------------------------------------------------------------------------------------------

describe('basic rules', () => {
  it('empty file', () => {
    const r = countEveryWay(new Uint8Array(0));
    expect(r).toEqual({
      records: 0,
      header: null,
      headerFields: 0,
      malformedRows: 0,
      firstMalformed: [],
      unterminatedQuote: false,
      bytes: 0,
      lineEnding: null,
      lineEndings: { lf: 0, crlf: 0, cr: 0 },
      headerTooLong: false,
      bom: false,
    });
  });

  it('BOM only, blank lines only', () => {
    expect(countEveryWay(bytes('\uFEFF'))).toMatchObject({ records: 0, header: null, bom: true, bytes: 3 });
    expect(countEveryWay(bytes('\n\r\n\r'))).toMatchObject({
      records: 0,
      header: null,
      lineEnding: 'mixed',
      lineEndings: { lf: 1, crlf: 1, cr: 1 },
    });
  });

  it('header only, with and without a newline', () => {
    for (const s of ['a,b,c', 'a,b,c\n', 'a,b,c\r\n', 'a,b,c\n\n\n']) {
      const r = countEveryWay(bytes(s));
      expect(r.records, JSON.stringify(s)).toBe(0);
      expect(r.header).toEqual(['a', 'b', 'c']);
      expect(r.headerFields).toBe(3);
      expect(r.malformedRows).toBe(0);
    }
  });

  it('a last record without a newline is counted; trailing blank lines are not', () => {
    expect(countEveryWay(bytes('h\n1\n2')).records).toBe(2);
    expect(countEveryWay(bytes('h\n1\n2\n')).records).toBe(2);
    expect(countEveryWay(bytes('h\n1\n2\n\n\r\n\n')).records).toBe(2);
    expect(countEveryWay(bytes('h\r\n1\r\n2\r\n\r\n')).records).toBe(2);
  });

  it('blank lines anywhere are skipped, also before the header; line numbers still count them', () => {
    const r = countEveryWay(bytes('\n\r\nx,y\n\n1,2\n\n\n3\n'));
    expect(r.header).toEqual(['x', 'y']);
    expect(r.records).toBe(2);
    expect(r.firstMalformed).toEqual([{ record: 2, fields: 1, line: 8 }]);
  });

  it('a line of only spaces, or of `""`, is a record', () => {
    expect(countEveryWay(bytes('h\n \n""\n')).records).toBe(2);
  });

  it('lone CR ends a record (outside quotes) and makes lineEnding mixed', () => {
    const r = countEveryWay(bytes('a,b\r1,2\r3,4'));
    expect(r.records).toBe(2);
    expect(r.header).toEqual(['a', 'b']);
    expect(r.malformedRows).toBe(0);
    expect(r.lineEnding).toBe('mixed');
    expect(r.lineEndings).toEqual({ lf: 0, crlf: 0, cr: 2 });
    // "\r\r\n": a lone CR, then a CRLF (an empty line)
    const r2 = countEveryWay(bytes('a,b\r\r\n1,2\r\n'));
    expect(r2.records).toBe(1);
    expect(r2.lineEndings).toEqual({ lf: 0, crlf: 2, cr: 1 });
    // inside quotes CR is data
    const r3 = countEveryWay(bytes('a,b\n"x\ry",2\n'));
    expect(r3.records).toBe(1);
    expect(r3.lineEnding).toBe('lf');
  });

  it('line endings: lf, crlf, mixed, none', () => {
    expect(countEveryWay(bytes('a\n1\n')).lineEnding).toBe('lf');
    expect(countEveryWay(bytes('a\r\n1\r\n')).lineEnding).toBe('crlf');
    expect(countEveryWay(bytes('a\r\n1\n')).lineEnding).toBe('mixed');
    expect(countEveryWay(bytes('a,b')).lineEnding).toBe(null);
    // line breaks inside quotes are not terminators
    expect(countEveryWay(bytes('a\r\n"1\n2"\r\n')).lineEnding).toBe('crlf');
  });

  it('quotes: a quote opens a quoted field only at the start of a field', () => {
    // literal quote mid-field (lenient); the comma after it is a delimiter
    expect(countEveryWay(bytes('a,b\nx"y,z\n'))).toMatchObject({
      records: 1,
      malformedRows: 0,
      unterminatedQuote: false,
    });
    // after a closing quote, bytes up to the delimiter are data; a quote there is literal
    expect(countEveryWay(bytes('a,b\n"x"y"z,w\n'))).toMatchObject({ records: 1, malformedRows: 0 });
    // quoted delimiters and newlines, doubled quotes
    expect(countEveryWay(bytes('a,b\n"1,2","3\n""4"""\n"",""\n'))).toMatchObject({
      records: 2,
      malformedRows: 0,
    });
    // a quote after a space is literal: ` "x,y"` is two fields
    expect(countEveryWay(bytes('a,b,c\n1, "x,y"\n'))).toMatchObject({ records: 1, malformedRows: 0 });
  });

  it('bytes and bom', () => {
    const r = countEveryWay(bytes('\uFEFFa,b\n1,2\n'));
    expect(r.bom).toBe(true);
    expect(r.bytes).toBe(3 + 8);
    expect(r.header).toEqual(['a', 'b']);
    // a BOM is only a BOM at byte 0
    const r2 = countEveryWay(bytes('a,b\n\uFEFF1,2\n'));
    expect(r2.bom).toBe(false);
    // something that starts like a BOM but is not one
    const r3 = countEveryWay(Uint8Array.from([0xef, 0xbb, 0x41, 0x2c, 0x42, 0x0a, 0x31, 0x2c, 0x32]));
    expect(r3.bom).toBe(false);
    expect(r3.header).toEqual(['\uFFFDA', 'B']);
    expect(r3.records).toBe(1);
    expect(countEveryWay(Uint8Array.from([0xef, 0xbb]))).toMatchObject({
      bom: false,
      header: ['\uFFFD'],
      bytes: 2,
    });
  });

  it('dialect option: delimiter, quote or none, header or none', () => {
    expect(countEveryWay(bytes('a\tb\n1\t"2\t3"\n4\n'), { dialect: dia({ delimiter: '\t' }) })).toMatchObject({
      header: ['a', 'b'],
      records: 2,
      malformedRows: 1,
    });
    expect(countEveryWay(bytes('a;b\n1;2,3\n'), { dialect: dia({ delimiter: ';' }) })).toMatchObject({
      header: ['a', 'b'],
      records: 1,
      malformedRows: 0,
    });
    // another quote character; '"' is then plain data
    expect(
      countEveryWay(bytes("a|b\n'1|\n2'|\"x|y\n'it''s'|z\n"), { dialect: dia({ delimiter: '|', quote: "'" }) }),
    ).toMatchObject({ header: ['a', 'b'], records: 2, malformedRows: 1, firstMalformed: [{ record: 1, fields: 3, line: 2 }] });
    // no quoting: every quote is data, a quote never hides a delimiter or a line end
    expect(countEveryWay(bytes('a,b\n"1,2"\n"x\ny",z\n'), { dialect: dia({ quote: null }) })).toMatchObject({
      header: ['a', 'b'],
      records: 3,
      malformedRows: 1,
      unterminatedQuote: false,
    });
    // no header: every record is data, compared with the first one's field count
    expect(countEveryWay(bytes('1,2\n3,4,5\n"6,7",8\n'), { dialect: dia({ header: false }) })).toMatchObject({
      header: null,
      headerFields: 2,
      records: 3,
      malformedRows: 1,
      firstMalformed: [{ record: 2, fields: 3, line: 2 }],
    });
    expect(countEveryWay(bytes('"open,quote'), { dialect: dia({ header: false }) })).toMatchObject({
      records: 1,
      malformedRows: 1,
      unterminatedQuote: true,
    });
    expect(countEveryWay(bytes(''), { dialect: dia({ header: false }) })).toMatchObject({ records: 0, headerFields: 0 });
    expect(() => new CsvRecordCounter({ dialect: dia({ delimiter: '"' }) })).toThrow(RangeError);
    expect(() => new CsvRecordCounter({ dialect: dia({ delimiter: '\n' }) })).toThrow(RangeError);
    expect(() => new CsvRecordCounter({ dialect: dia({ delimiter: ';;' }) })).toThrow(RangeError);
    expect(() => new CsvRecordCounter({ dialect: dia({ delimiter: '¦' }) })).toThrow(RangeError);
    expect(() => new CsvRecordCounter({ dialect: dia({ quote: '\r' }) })).toThrow(RangeError);
  });

  it('finish() is idempotent; push() after finish() throws', () => {
    const c = new CsvRecordCounter();
    c.push(bytes('a\n1\n'));
    const r = c.finish();
    expect(c.finish()).toBe(r);
    expect(() => c.push(bytes('2\n'))).toThrow();
  });

  it('accepts Buffers and reused chunk buffers (nothing kept by reference)', () => {
    const c = new CsvRecordCounter();
    const scratch = Buffer.alloc(4);
    for (const part of ['"a,', 'b","', 'c"\n1', ',2\n']) {
      scratch.fill(0);
      scratch.write(part);
      c.push(scratch.subarray(0, Buffer.byteLength(part)));
    }
    expect(c.finish()).toMatchObject({ header: ['a,b', 'c'], records: 1, malformedRows: 0 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('header decoding', () => {
  it('RFC 4180 fields: quotes removed, doubled quotes, delimiters and newlines inside, UTF-8', () => {
    const r = countEveryWay(
      bytes(
        '\uFEFF"id","na""me","a,b","multi\r\nline",plain,,"",ünï,東京,"Ωmega"\r\n1,2,3,4,5,6,7,8,9,10\r\n',
      ),
    );
    expect(r.header).toEqual([
      'id',
      'na"me',
      'a,b',
      'multi\r\nline',
      'plain',
      '',
      '',
      'ünï',
      '東京',
      'Ωmega',
    ]);
    expect(r.headerFields).toBe(10);
    expect(r.records).toBe(1);
    expect(r.malformedRows).toBe(0);
  });

  it('a multi-byte character split across chunks (every split point above)', () => {
    const buf = bytes('é,😀,東\n1,2,3\n');
    const r = countEveryWay(buf);
    expect(r.header).toEqual(['é', '😀', '東']);
  });

  it('invalid UTF-8 becomes U+FFFD', () => {
    const r = countEveryWay(Uint8Array.from([0x61, 0xff, 0x2c, 0x62, 0x0a]));
    expect(r.header).toEqual(['a\uFFFD', 'b']);
  });

  it('unterminated quote in the header: the field runs to the end', () => {
    const r = countEveryWay(bytes('a,"b,c\n1,2'));
    expect(r).toMatchObject({
      header: ['a', 'b,c\n1,2'],
      records: 0,
      unterminatedQuote: true,
      malformedRows: 0,
    });
  });

  it('decodeRecordFields', () => {
    expect(decodeRecordFields(bytes(''))).toEqual(['']);
    expect(decodeRecordFields(bytes(','))).toEqual(['', '']);
    expect(decodeRecordFields(bytes('"a"x"y,b'))).toEqual(['ax"y', 'b']);
    expect(decodeRecordFields(bytes('a;"b;c"'), dia({ delimiter: ';' }))).toEqual(['a', 'b;c']);
    expect(decodeRecordFields(bytes('a;"b;c"'), dia({ delimiter: ';', quote: null }))).toEqual(['a', '"b', 'c"']);
    expect(decodeRecordFields(bytes("'a|b'|'it''s'"), dia({ delimiter: '|', quote: "'" }))).toEqual(['a|b', "it's"]);
  });

  it('header longer than maxHeaderBytes: header null, headerTooLong, fields still compared', () => {
    const long = 'c'.repeat(50) + ',' + 'd'.repeat(50);
    const r = countEveryWay(bytes(`${long}\n1,2\n1\n`), { maxHeaderBytes: 100 });
    expect(r).toMatchObject({
      header: null,
      headerTooLong: true,
      headerFields: 2,
      records: 2,
      malformedRows: 1,
    });
    // exactly at the limit is fine (the terminator is not counted)
    const ok = countEveryWay(bytes(`${long}\r\n1,2\r\n`), { maxHeaderBytes: 101 });
    expect(ok).toMatchObject({ headerTooLong: false, header: ['c'.repeat(50), 'd'.repeat(50)] });
    // also when the header is the only (unterminated) record
    expect(countEveryWay(bytes(long), { maxHeaderBytes: 100 })).toMatchObject({
      header: null,
      headerTooLong: true,
      records: 0,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('malformed rows', () => {
  it('too few and too many fields, with record numbers and physical lines', () => {
    const csv = 'a,b,c\n1,2,3\n1,2\n"x\ny",2,3\n1,2,3,4\n,,\n\n1\n';
    const r = countEveryWay(bytes(csv));
    expect(r.records).toBe(6);
    expect(r.malformedRows).toBe(3);
    expect(r.firstMalformed).toEqual([
      { record: 2, fields: 2, line: 3 },
      { record: 4, fields: 4, line: 6 },
      { record: 6, fields: 1, line: 9 },
    ]);
  });

  it('keeps only the first 20 samples but counts all', () => {
    const csv = 'a,b\n' + '1\n'.repeat(30) + '1,2\n';
    for (const [path, opts] of PATHS) {
      const r = countCsvBuffer(bytes(csv), opts);
      expect(r.malformedRows, path).toBe(30);
      expect(r.firstMalformed).toHaveLength(20);
      expect(r.firstMalformed[19]).toEqual({ record: 20, fields: 1, line: 21 });
      expect(countCsvBuffer(bytes(csv), { maxMalformedSamples: 3, ...opts }).firstMalformed).toHaveLength(3);
    }
  });

  it('unterminated quote at EOF: last record counted and malformed', () => {
    const r = countEveryWay(bytes('a,b\n1,2\n3,"4\n5,6\n'));
    expect(r).toMatchObject({ records: 2, malformedRows: 1, unterminatedQuote: true });
    expect(r.firstMalformed).toEqual([{ record: 2, fields: 2, line: 3 }]);
    // a quote as the very last byte closes the field: not unterminated
    expect(countEveryWay(bytes('a,b\n1,"2"'))).toMatchObject({
      records: 1,
      malformedRows: 0,
      unterminatedQuote: false,
    });
    // `""` at the very end inside quotes: still open
    expect(countEveryWay(bytes('a,b\n1,"2""'))).toMatchObject({
      records: 1,
      malformedRows: 1,
      unterminatedQuote: true,
    });
    expect(countEveryWay(bytes('a,b\n1,"'))).toMatchObject({
      records: 1,
      malformedRows: 1,
      unterminatedQuote: true,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('chunk boundaries', () => {
  const tricky = [
    'a,b\r\n1,2\r\n3,4\r\n',
    'a,b\r\n"1""",2\r\n"""",""\r\n',
    'a,b\n"x\r\ny",2\r\n"\r",3\r',
    '\uFEFF"h1","h""2"\n"v,1","v\n2"\n',
    'h\n"""\n"\n',
    'a,b\n"1"",2",3\n"",\n',
    'é,"ü""ö",东\r\n"a\r\n\r\nb",c,"d"\r\n',
    'a,b\r\r\n\r1,2\n\r\n',
    'x,y\n"a"b,c\nd"e,f\n',
  ];

  it('every split point into 3 chunks, every alignment', () => {
    for (const s of tricky) {
      const buf = bytes(s);
      const want = reference(buf);
      expect(countEveryWay(buf), s).toEqual(want);
      for (const [path, opts] of PATHS) {
        for (let c1 = 0; c1 <= buf.length; c1++) {
          for (let c2 = c1; c2 <= buf.length; c2++) {
            expect(
              countChunks(splitAt(buf, [c1, c2]), opts),
              `${path} ${JSON.stringify(s)} @${c1},${c2}`,
            ).toEqual(want);
          }
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('differential fuzzing against the reference parser', () => {
  // Alphabets weighted to reach every path: dense specials (byte loop), sparse line breaks with
  // many quotes (the word loop's quote parity), long plain runs (word skipping).
  const alphabets: [string, number][][] = [
    [
      ['a', 4],
      [',', 3],
      ['"', 3],
      ['\n', 2],
      ['\r', 1],
      [' ', 1],
      ['é', 1],
    ],
    [
      ['a', 10],
      [',', 4],
      ['"', 4],
      ['\n', 1],
      ['\r\n', 1],
      ['東', 1],
    ],
    [
      ['abcdefgh', 6],
      [',', 2],
      ['"', 2],
      ['""', 1],
      ['\n', 1],
      ['\t', 1],
    ],
    [
      ['word ', 8],
      [',', 3],
      ['","', 2],
      ['"', 1],
      ['\r\n', 1],
    ],
  ];

  function gen(r: () => number, alphabet: [string, number][], len: number): string {
    const total = alphabet.reduce((s, [, w]) => s + w, 0);
    let out = r() < 0.1 ? '\uFEFF' : '';
    while (out.length < len) {
      let x = r() * total;
      for (const [t, w] of alphabet) {
        x -= w;
        if (x < 0) {
          out += t;
          break;
        }
      }
    }
    return out;
  }

  it('random inputs: counter (whole, random chunks, any alignment, byte loop only) = reference', () => {
    const r = rng(42);
    for (let iter = 0; iter < 3000; iter++) {
      const alphabet = alphabets[iter % alphabets.length];
      const len = Math.floor(r() * (iter % 10 === 0 ? 3000 : 120));
      const buf = bytes(gen(r, alphabet, len));
      const maxHeaderBytes = r() < 0.2 ? Math.floor(r() * 20) : undefined;
      const want = reference(buf, RFC4180, maxHeaderBytes);
      const label = JSON.stringify(new TextDecoder().decode(buf));
      const cuts: number[] = [];
      for (let p = 0; p < buf.length; p += 1 + Math.floor(r() * 40)) cuts.push(p);
      expectAllPaths(buf, want, { maxHeaderBytes }, [cuts], label);
      for (const [path, opts] of PATHS) {
        expect(
          countCsvBuffer(shifted(buf, 1 + (iter % 3)), { maxHeaderBytes, ...opts }),
          `${path} ${label}`,
        ).toEqual(want);
      }
    }
  });

  it('big inputs in one push (scanned in 64 KiB slices inside) and in odd-sized chunks', () => {
    const r = rng(99);
    for (const alphabet of alphabets) {
      const buf = bytes(gen(r, alphabet, 300_000));
      const want = reference(buf);
      expect(want.records).toBeGreaterThan(1000);
      const cuts: number[] = [];
      for (let p = 65_535; p < buf.length; p += 65_537) cuts.push(p);
      expectAllPaths(buf, want, {}, [cuts]);
      for (const [path, opts] of PATHS) expect(countCsvBuffer(shifted(buf, 3), opts), path).toEqual(want);
    }
  });

  // Every dialect the detector can name (delimiter , ; | tab; quote " ' or none; header or
  // not), on random inputs dense in all of their special bytes: every path = the reference.
  const DIALECTS: Dialect[] = [];
  for (const delimiter of [',', ';', '|', '\t'])
    for (const quote of ['"', "'", null])
      for (const header of [true, false]) DIALECTS.push({ delimiter, quote, header });

  it('every dialect: counter (whole, random chunks, any alignment, byte loop only) = reference', () => {
    const r = rng(7);
    for (let iter = 0; iter < 1200; iter++) {
      const d = DIALECTS[iter % DIALECTS.length];
      const alphabet: [string, number][] = [
        ['ab', 6],
        [d.delimiter, 3],
        [',', 1],
        ['"', 2],
        ["'", 2],
        ['\n', 1],
        ['\r\n', 1],
        [iter % 5 === 0 ? 'plain text of a long field ' : 'x', 2],
      ];
      const buf = bytes(gen(r, alphabet, Math.floor(r() * (iter % 20 === 0 ? 4000 : 300))));
      const want = reference(buf, d);
      const label = `${JSON.stringify(d)} ${JSON.stringify(new TextDecoder().decode(buf))}`;
      const cuts: number[] = [];
      for (let p = 0; p < buf.length; p += 1 + Math.floor(r() * 70)) cuts.push(p);
      expectAllPaths(buf, want, { dialect: d }, [cuts], label);
      for (const [path, opts] of PATHS)
        expect(countCsvBuffer(shifted(buf, 1 + (iter % 3)), { dialect: d, ...opts }), `${path} ${label}`).toEqual(want);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('cross-check with papaparse on generated tables', () => {
  // Valid RFC 4180 tables (papaparse and this counter agree on those; they differ on some
  // invalid input, e.g. papaparse keeps `"x"y,z` one quoted field while the RFC reading used
  // here closes the quotes after x). Papaparse also drops a row that is a single empty field
  // (`""`) with skipEmptyLines, so tables have at least 2 columns.
  const pieces = [
    'plain',
    'with space',
    'a,b',
    'say ""hi""',
    'line\nbreak',
    'cr\r\nlf',
    'ünïcödé',
    '東京',
    '😀',
    '',
    ' ',
    '""',
    '1.5',
    '-',
    ',',
  ];

  function table(r: () => number, eol: string): { text: string; rows: number; bad: number } {
    const cols = 2 + Math.floor(r() * 6);
    const cell = (): string => {
      const p = pieces[Math.floor(r() * pieces.length)];
      const needsQuotes = /[",\r\n]/.test(p);
      if (needsQuotes) return `"${p.includes('""') ? p : p.replace(/"/g, '""')}"`;
      return r() < 0.3 ? `"${p}"` : p;
    };
    const lines: string[] = [];
    const header: string[] = [];
    for (let c = 0; c < cols; c++) header.push(r() < 0.5 ? `"col ${c}, ""q"""` : `col${c}é`);
    lines.push(header.join(','));
    const nrows = Math.floor(r() * 40);
    let bad = 0;
    for (let k = 0; k < nrows; k++) {
      let n = cols;
      if (r() < 0.1) {
        n = r() < 0.5 ? Math.max(1, cols - 1 - Math.floor(r() * 2)) : cols + 1;
        if (n !== cols) bad++;
      }
      const row: string[] = [];
      for (let c = 0; c < n; c++) row.push(cell());
      // a single-field row that is empty would be a blank line: give it content
      if (n === 1 && (row[0] === '' || row[0] === '""')) row[0] = 'x';
      lines.push(row.join(','));
      if (r() < 0.05) lines.push(''); // a blank line
    }
    const bom = r() < 0.3 ? '\uFEFF' : '';
    const trailing = r() < 0.5 ? eol : r() < 0.5 ? eol + eol : '';
    return { text: bom + lines.join(eol) + trailing, rows: nrows, bad };
  }

  it('same record count, header and malformed count as papaparse', () => {
    const r = rng(2024);
    for (let iter = 0; iter < 400; iter++) {
      const eol = iter % 2 === 0 ? '\n' : '\r\n';
      const t = table(r, eol);
      const buf = bytes(t.text);
      const p = Papa.parse<string[]>(new TextDecoder().decode(buf), {
        delimiter: ',',
        newline: eol as '\n' | '\r\n',
        skipEmptyLines: true,
      });
      expect(p.errors, t.text).toEqual([]);
      const got = countCsvBuffer(buf);
      expect(got.records, t.text).toBe(p.data.length - 1);
      expect(got.records).toBe(t.rows);
      expect(got.header, t.text).toEqual(p.data[0]);
      const papaBad = p.data.slice(1).filter((row) => row.length !== p.data[0].length).length;
      expect(got.malformedRows, t.text).toBe(papaBad);
      expect(got.malformedRows).toBe(t.bad);
      expect(got.lineEnding === null || got.lineEnding === (eol === '\n' ? 'lf' : 'crlf')).toBe(true);
      // and the same in small chunks, and without the kernel
      const cuts: number[] = [];
      for (let c = 1; c < buf.length; c += 1 + Math.floor(r() * 9)) cuts.push(c);
      expectAllPaths(buf, got, {}, [cuts]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('SIMD kernel (simd-kernel.wat)', () => {
  it('is available on this Node.js (else every test above compared the JS path with itself)', () => {
    expect(CSV_SIMD_AVAILABLE).toBe(true);
  });

  itIsAFreshCompile('simd-kernel', SIMD_KERNEL_WASM_BASE64);

  // The kernel reads 64-byte blocks (four 16-byte vectors) from where it takes over: after the
  // header's terminator, at each chunk start, and one byte after a CR that ended a byte-loop
  // stretch. A special byte sequence at every offset mod 64 of such a block, in plain data,
  // hits every lane of every vector and both sides of every block boundary.
  const specials = [
    '"',
    '""',
    '"""',
    '\r',
    '\n',
    '\r\n',
    '\n\n',
    '\r\r\n',
    ',',
    ',,',
    ',"x,y"',
    ',"a""b"',
    ',"p\nq"',
    ',"p\r\nq"',
    ',"p\rq"',
    ',"',
    'x"y',
    ',"x"y"z',
    '\n"',
    '\n""\n',
    '"\r',
  ];

  it('a special sequence at every offset mod 64 (twice per input), in one push and split inside blocks', () => {
    const r = rng(64);
    const filler = 'abcdefg,hij,klmnop\n';
    for (const sp of specials) {
      for (let off = 0; off < 130; off++) {
        const head = 'h1,h2,h3\n';
        let body = '';
        while (body.length < off) body += filler;
        body = body.slice(0, off);
        const off2 = Math.floor(r() * 64);
        let tail = filler.repeat(4).slice(0, 64 + off2);
        tail += sp + filler.repeat(5);
        const buf = bytes(head + body + sp + tail);
        const want = reference(buf);
        const cut = Math.floor(r() * buf.length);
        expectAllPaths(
          buf,
          want,
          {},
          [[cut], [cut, cut + 1 + Math.floor(r() * 70)]],
          JSON.stringify(sp) + ` @${off}`,
        );
      }
    }
  });

  it('random inputs mixing plain 64-byte stretches with dense specials = reference, any chunking', () => {
    const r = rng(1664);
    const tokens = ['abc', 'defghij', ',', ',', '"', '""', '","', '\n', '\n', '\r\n', '\r', 'x', ' ', 'é'];
    const plain = ['abcdefgh,ij,', 'klmnopqrstu,', 'vw\n', 'xyz,12345678,90\n'];
    for (let iter = 0; iter < 1500; iter++) {
      const dense = r() * r(); // mostly plain
      let s = r() < 0.5 ? 'a,b,c\n' : r() < 0.5 ? '"a","b,c",d\r\n' : '';
      const len = Math.floor(r() * (iter % 10 === 0 ? 4000 : 600));
      while (s.length < len) {
        s += r() < dense ? tokens[Math.floor(r() * tokens.length)] : plain[Math.floor(r() * plain.length)];
      }
      const buf = bytes(s);
      const want = reference(buf);
      const cuts: number[] = [];
      for (let p = Math.floor(r() * 100); p < buf.length; p += 1 + Math.floor(r() * 150)) cuts.push(p);
      expectAllPaths(buf, want, {}, [cuts], JSON.stringify(s));
    }
  });

  it('malformed-record samples beyond what one kernel call can hold; odd sample limits', () => {
    // 150,000 one-field records under a two-field header: more than the kernel describes per call.
    const buf = bytes('a,b\n' + '1\n'.repeat(150_000));
    for (const max of [0, 1, 2.5, 20, 40_000, 1e9, Infinity]) {
      const want = countCsvBuffer(buf, { maxMalformedSamples: max, simd: false });
      expect(want.malformedRows).toBe(150_000);
      expect(want.firstMalformed).toHaveLength(Math.min(Math.ceil(max), 150_000));
      expect(countCsvBuffer(buf, { maxMalformedSamples: max }), `max ${max}`).toEqual(want);
      expect(
        countChunks(splitAt(buf, [5, 70_001, 200_000]), { maxMalformedSamples: max }),
        `max ${max}`,
      ).toEqual(want);
    }
  });

  it('counters sharing the thread-wide kernel, pushed alternately, keep their own state', () => {
    const r = rng(5);
    const inputs = [0, 1, 2].map((k) => {
      let s = ['a,b\n', 'x;y;z\r\n', '"q",r\n'][k];
      while (s.length < 20_000)
        s += ['1,2\n', '"3\n4",5\n', '6;7;8\r\n', '9\n', '"a""b",c\r\n'][Math.floor(r() * 5)];
      return bytes(s);
    });
    const dialects = [RFC4180, dia({ delimiter: ';', quote: null }), dia({ quote: "'", header: false })];
    const counters = inputs.map((_, k) => new CsvRecordCounter({ dialect: dialects[k] }));
    for (let o = 0; o < 20_000; o += 997) inputs.forEach((b, k) => counters[k].push(b.subarray(o, o + 997)));
    counters.forEach((c, k) => expect(c.finish()).toEqual(reference(inputs[k], dialects[k])));
  });
});

// ---------------------------------------------------------------------------------------------

describe('large input', () => {
  it('a 100 MB single line: streamed in 1 MiB chunks, nothing near 100 MB retained', () => {
    const MiB = 1024 * 1024;
    const chunk = new Uint8Array(MiB);
    for (let i = 0; i < MiB; i++) chunk[i] = i % 10 === 9 ? 0x2c : 0x61 + (i % 26); // "abcdefghi,..."
    const total = 100 * 1000 * 1000;
    for (const [withHeader, simd] of [
      [false, true],
      [true, true],
      [true, false],
    ]) {
      const c = new CsvRecordCounter({ simd });
      if (withHeader) c.push(bytes('h1,h2\n'));
      global.gc?.();
      const before = process.memoryUsage();
      let maxGrowth = 0;
      for (let sent = 0; sent < total; sent += MiB) {
        c.push(chunk.subarray(0, Math.min(MiB, total - sent)));
        if ((sent / MiB) % 10 === 0) {
          const m = process.memoryUsage();
          maxGrowth = Math.max(maxGrowth, m.arrayBuffers - before.arrayBuffers, m.heapUsed - before.heapUsed);
        }
      }
      const r = c.finish();
      expect(maxGrowth).toBeLessThan(40 * MiB);
      expect(r.bytes).toBe(total + (withHeader ? 6 : 0));
      if (withHeader) {
        expect(r).toMatchObject({ header: ['h1', 'h2'], records: 1, malformedRows: 1, headerTooLong: false });
        // fields: a comma every 10 bytes of each 1 MiB chunk
        const perChunk = Math.floor(MiB / 10);
        const full = Math.floor(total / MiB);
        const rest = total - full * MiB;
        expect(r.firstMalformed).toEqual([
          { record: 1, fields: full * perChunk + Math.floor(rest / 10) + 1, line: 2 },
        ]);
      } else {
        expect(r).toMatchObject({ header: null, headerTooLong: true, records: 0, lineEnding: null });
      }
    }
  }, 60_000);
});
