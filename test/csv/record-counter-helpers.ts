// What the record counter's tests share: dialects, byte helpers, every way of feeding a
// buffer to the counter, and the reference parser the counter is checked against.
import { expect } from 'vitest';
import type { CsvCountOptions, CsvCountResult } from '../../src/engine/csv/count-types';
import { CsvRecordCounter, countCsvBuffer } from '../../src/engine/csv/record-counter';
import { RFC4180, type Dialect } from '../../src/shared/family';

/** A dialect from RFC 4180 with some parts changed. */
export const dia = (d: Partial<Dialect>): Dialect => ({ ...RFC4180, ...d });

export const enc = new TextEncoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);

/** A copy of buf starting at byteOffset `shift` of its ArrayBuffer (the word loop depends on alignment). */
export function shifted(buf: Uint8Array, shift: number): Uint8Array {
  const ab = new Uint8Array(buf.length + 8);
  ab.set(buf, shift);
  return ab.subarray(shift, shift + buf.length);
}

export function countChunks(chunks: Uint8Array[], options?: CsvCountOptions): CsvCountResult {
  const c = new CsvRecordCounter(options);
  for (const ch of chunks) c.push(ch);
  return c.finish();
}

export function splitAt(buf: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const cut of cuts) {
    out.push(buf.subarray(prev, cut));
    prev = cut;
  }
  out.push(buf.subarray(prev));
  return out;
}

export function oneByteChunks(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1));
  return out;
}

/** The counter's paths: the SIMD kernel (default), the JS word + byte loops, the JS byte loop only. */
export const PATHS: [string, CsvCountOptions][] = [
  ['simd', {}],
  ['js', { simd: false }],
];

/**
 * Feeds buf whole, at every single split point, in 1-byte chunks, at every byte alignment,
 * with and without the SIMD kernel, and with the byte loop only; every way must give the
 * same result. Returns that result.
 */
export function countEveryWay(buf: Uint8Array, options: CsvCountOptions = {}): CsvCountResult {
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
export function expectAllPaths(
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
export function reference(buf: Uint8Array, dialect: Dialect = RFC4180, maxHeaderBytes = 1024 * 1024): CsvCountResult {
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

export function rng(seed: number): () => number {
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
