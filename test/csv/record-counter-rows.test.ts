import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { decodeRecordFields } from '../../src/engine/csv/header';
import { countCsvBuffer } from '../../src/engine/csv/record-counter';
import { RFC4180, type Dialect } from '../../src/shared/family';
import { dia, bytes, shifted, countChunks, splitAt, PATHS, countEveryWay, expectAllPaths, reference, rng } from './record-counter-helpers';

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
