// What a CsvRecordCounter (record-counter.ts) carries from chunk to chunk: the dialect's bytes
// (and what the JS loops derive from them), the scanner's mode between two bytes, the counts,
// and the header record's bytes while it is incomplete. A module of its own because both scan
// paths, the JS loops (swar-scan.ts) and the WebAssembly kernel's glue (simd-scan.ts), read
// and write it, and neither should import the counter.
import { RFC4180, type Dialect } from '../../shared/family';
import type { CsvCountOptions, MalformedRecord } from './count-types';
import { decodeRecordFields, dialectBytes } from './header';

const LF = 0x0a;
const CR = 0x0d;

// Scanner modes carried between chunks (the SIMD kernel's state q and swar-scan.ts's local
// copies use the same numbers).
export const UNQUOTED = 0;
export const QUOTED = 1;
/** In a quoted field, a `"` was the last byte read (of the chunk, or of a word): the next byte decides `""` or end of quotes. */
export const QUOTE_PENDING = 2;

/** The word loop assumes byte j of a word is its bits 8j..8j+7. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The scanner's state and counts; every field is read and written by the scan paths. */
export class CsvScanState {
  readonly delim: number;
  /** The quote byte, or -1 when fields are never quoted. */
  readonly quote: number;
  /** The quote in every byte of a word (0 without quoting: then unused). */
  readonly quote4: number;
  /** Bytes the quoted-mode byte loop must look at are <= this (quote, CR, LF). */
  readonly maxQuoted: number;
  /** The first record is a header (else it is data, and only the reference field count). */
  readonly hasHeader: boolean;
  readonly dialect: Dialect;
  readonly maxSpecial: number;
  readonly maxHeaderBytes: number;
  readonly maxSamples: number;
  /** Word-at-a-time skipping is on (needs every special byte < 0x80 and a little-endian CPU). */
  readonly swar: boolean;

  // Scanner state between chunks.
  mode = UNQUOTED;
  atRecordStart = true;
  /** The previous chunk ended at the start of a field (a quote next opens a quoted field). */
  atFieldStart = true;
  /** The previous chunk ended with a CR terminator outside quotes (an LF next is its CRLF). */
  afterCR = false;
  /** The previous chunk ended with a CR inside quotes (an LF next is the same line break). */
  quotedCR = false;
  /** Delimiters seen so far in the current record. */
  delims = 0;

  // Counts.
  records = 0;
  malformed = 0;
  samples: MalformedRecord[] = [];
  nLF = 0;
  nCRLF = 0;
  nCR = 0;
  /** Line breaks seen so far (the current physical line is breaks + 1). */
  breaks = 0;
  /** Line breaks seen before the current record started. */
  recBreaks = 0;

  // Header.
  /** Field count of the header; -1 until the header record has ended. */
  headerFields = -1;
  headerParts: Uint8Array[] = [];
  headerLen = 0;
  headerTooLong = false;
  header: string[] | null = null;

  constructor(options: CsvCountOptions) {
    const dialect = options.dialect ?? RFC4180;
    const { delim, quote } = dialectBytes(dialect); // (throws RangeError on a dialect it cannot read)
    this.delim = delim;
    this.quote = quote;
    this.quote4 = quote < 0 ? 0 : Math.imul(quote, 0x01010101);
    this.maxQuoted = Math.max(quote, CR, LF);
    this.hasHeader = dialect.header;
    this.dialect = dialect;
    this.maxSpecial = Math.max(delim, quote, CR, LF);
    this.swar = LITTLE_ENDIAN && this.maxSpecial < 0x80 && options.wordSkip !== false;
    this.maxHeaderBytes = options.maxHeaderBytes ?? 1024 * 1024;
    this.maxSamples = options.maxMalformedSamples ?? 20;
  }

  noteMalformed(record: number, fields: number, line: number): void {
    this.malformed++;
    if (this.samples.length < this.maxSamples) this.samples.push({ record, fields, line });
  }

  appendHeader(b: Uint8Array, from: number, to: number): void {
    if (this.headerTooLong || to <= from) return;
    this.headerLen += to - from;
    if (this.headerLen > this.maxHeaderBytes) {
      this.headerTooLong = true;
      this.headerParts = [];
      return;
    }
    // A copy (Buffer.prototype.slice would be a view): the caller may reuse its chunk buffer.
    this.headerParts.push(Uint8Array.prototype.slice.call(b, from, to));
  }

  endHeader(b: Uint8Array | null, from: number, to: number): void {
    if (b) this.appendHeader(b, from, to);
    if (!this.headerTooLong) {
      const parts = this.headerParts;
      let bytes: Uint8Array;
      if (parts.length === 1) bytes = parts[0];
      else {
        bytes = new Uint8Array(this.headerLen);
        let o = 0;
        for (const p of parts) {
          bytes.set(p, o);
          o += p.length;
        }
      }
      // Follows the same rules as jsScan(), so header.length === fields (the tests check it).
      this.header = decodeRecordFields(bytes, this.dialect);
    }
    this.headerParts = [];
  }
}
