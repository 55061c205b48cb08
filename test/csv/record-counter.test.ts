import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvRecordCounter, countCsvBuffer } from '../../src/engine/csv/record-counter';
import { dia, bytes, countEveryWay, reference } from './record-counter-helpers';

const require = createRequire(import.meta.url);

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
