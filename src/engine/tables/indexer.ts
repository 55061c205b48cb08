// Byte-level record indexer for the first read of a table: the start offset of every data
// record in the UTF-8 stream, field counts against the header, and whether the file is
// "plain" (read identically by DuckDB's strict CSV reader, see analysis.ts). Same rules
// as csv-cells.ts and the scan's record counter, for any Dialect (delimiter, quote or none,
// header or none: without one the first record is data and the reference field count);
// never builds a string.
import { RFC4180, type Dialect } from '../../shared/family';
import { dialectBytes } from '../csv/header';
import { isPlain, newIndexStats, type IndexStats } from './index-stats';
import { warmUp } from './indexer-warm-up';
//
// Offsets are emitted in blocks (Float64Array, little-endian on disk) so memory stays
// constant whatever the row count.

const LF = 0x0a;
const CR = 0x0d;

const UNQUOTED = 0;
const QUOTED = 1;
const QUOTE_PENDING = 2;

export const INDEX_BLOCK = 65536;

// SWAR constants, as int32.
const ONES = 0x01010101;
const HIGH = 0x80808080 | 0;
const LOW7 = 0x7f7f7f7f;
const LF4 = 0x0a0a0a0a;
const CR4 = 0x0d0d0d0d;
const LT14 = 0x0e0e0e0e;
const NO_WORDS = new Int32Array(0);

export type { IndexStats } from './index-stats';

export class RecordIndexer {
  private mode = UNQUOTED;
  private atRecordStart = true;
  private atFieldStart = true;
  private afterCR = false;
  private recStart = 0;
  /**
   * Segment cutting (see build.ts): a data record past `watch` sets `cut` (its offset),
   * `cutRow` (its 0-based row) and `cutContent`; the caller resets cut to -1.
   */
  watch = Number.POSITIVE_INFINITY;
  cut = -1;
  cutRow = -1;
  /** contentBytes of the records before the cut. */
  cutContent = -1;
  private recQuotes = 0;
  private recNewline = 0;
  private pushStart = 0;
  private fields = 0;
  private pos = 0;
  private headerFields = -1;
  private block = new Float64Array(INDEX_BLOCK);
  private blockLen = 0;
  private s: IndexStats = newIndexStats();
  private done = false;

  private readonly delim: number;
  /** The quote byte, or -1: never quoted. */
  private readonly quote: number;
  private readonly hasHeader: boolean;

  /** onBlock receives full blocks of record start offsets (the array is reused afterwards). */
  constructor(
    private readonly onBlock: (offsets: Float64Array) => void,
    dialect: Dialect = RFC4180,
  ) {
    const { delim, quote } = dialectBytes(dialect);
    this.delim = delim;
    this.quote = quote;
    this.hasHeader = dialect.header;
  }

  get rows(): number {
    return this.s.rows;
  }

  /** The header's field count once the header has ended, else -1. */
  get headerFieldCount(): number {
    return this.headerFields;
  }

  /**
   * The hot loop: a byte-level state machine, with the aligned middle of the chunk read 4
   * bytes at a time (SWAR) where nothing can happen: outside quotes, a word with no byte <=
   * max(delimiter, '"', CR, LF) is skipped and one with only delimiters among its special
   * bytes has them counted at once; inside quotes, a word without '"' is skipped. Every other
   * word goes through the byte loop. (~2x the byte loop alone on Info Mart rows.)
   */
  push(chunk: Uint8Array): void {
    if (this.done) throw new Error('RecordIndexer: push() after finish()');
    const n = chunk.length;
    if (n === 0) return;
    // A plain Uint8Array view keeps the loop monomorphic whether callers pass Buffers or not.
    const b = chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, n);
    const base = this.pos;
    this.pushStart = base;
    const delim = this.delim;
    const QUOTE = this.quote;
    const noQuote = QUOTE < 0;
    const QUOTE4 = noQuote ? 0 : Math.imul(QUOTE, ONES);
    const maxQ = Math.max(QUOTE, CR, LF);
    const maxSp = Math.max(delim, QUOTE, CR, LF);
    const s = this.s;
    // NUL bytes (for the plain test) in one native search per chunk.
    if (s.nulBytes === 0 && Buffer.from(b.buffer, b.byteOffset, n).indexOf(0) >= 0) s.nulBytes++;
    let mode = this.mode;
    let rs = this.atRecordStart;
    let afterCR = this.afterCR;
    let fields = this.fields;
    let fsAt = this.atFieldStart ? 0 : -1; // index in b where the current field starts
    let rq = this.recQuotes; // quote bytes of the current record that are syntax, not content
    let rnl = this.recNewline; // the current record has a CR or LF inside quotes

    // Words cover b[a0, aEnd); word k is b[a0 + 4k .. a0 + 4k + 3] (little-endian int32).
    const a0 = (4 - (b.byteOffset & 3)) & 3;
    const K = n > a0 ? (n - a0) >> 2 : 0;
    const u = K > 0 ? new Int32Array(b.buffer, b.byteOffset + a0, K) : NO_WORDS;
    const aEnd = a0 + 4 * K;
    const lt = Math.imul(maxSp + 1, ONES);
    const d4 = Math.imul(delim, ONES);
    const swar = maxSp < 0x80;

    let i = 0;
    outer: while (i < n) {
      if (rs) {
        const c = b[i];
        if (afterCR) {
          afterCR = false;
          if (c === LF) {
            s.cr--;
            s.crlf++;
            i++;
            continue;
          }
        }
        if (c === LF || c === CR) {
          s.blankLines++;
          if (c === LF) s.lf++;
          else {
            s.cr++;
            afterCR = true;
          }
          i++;
          continue;
        }
        rs = false;
        this.recStart = base + i;
        fields = 1;
        fsAt = i;
        mode = UNQUOTED;
      }
      if (mode === UNQUOTED) {
        while (i < n) {
          if (swar && i >= a0 && i < aEnd && ((i - a0) & 3) === 0) {
            let k = (i - a0) >> 2;
            for (; k < K; k++) {
              const w = u[k];
              if (((w - lt) & ~w & HIGH) === 0) continue; // plain data
              const xq = w ^ QUOTE4;
              const xl = w ^ LF4;
              const xc = w ^ CR4;
              if (((((noQuote ? 0 : (xq - ONES) & ~xq)) | ((xl - ONES) & ~xl) | ((xc - ONES) & ~xc)) & HIGH) !== 0)
                break;
              const y = w ^ d4;
              const dm = ~(((y & LOW7) + LOW7) | y | LOW7); // bit 7 of each delimiter byte
              fields += Math.imul((dm >>> 7) & ONES, ONES) >>> 24;
              if (dm < 0) fsAt = a0 + 4 * k + 4; // the word ends with a delimiter
            }
            i = a0 + (k << 2);
            if (i >= n) break;
          }
          // Byte loop up to the next word boundary (or the end).
          let e = i < a0 ? a0 : i >= aEnd ? n : a0 + ((i - a0) | 3) + 1;
          if (e > n || !swar) e = n;
          for (; i < e; i++) {
            const c = b[i];
            if (c > maxSp) continue;
            if (c === delim) {
              fields++;
              fsAt = i + 1;
            } else if (c === QUOTE) {
              if (i === fsAt) {
                mode = QUOTED;
                rq++; // an opening quote
                i++;
                continue outer;
              }
              s.midFieldQuotes++;
            } else if (c === LF || c === CR) {
              this.endRecord(fields, base + i, false, rq, rnl);
              rq = 0;
              rnl = 0;
              if (c === LF) s.lf++;
              else {
                s.cr++;
                afterCR = true;
              }
              rs = true;
              i++;
              continue outer;
            }
          }
        }
      } else if (mode === QUOTED) {
        while (i < n) {
          if (swar && i >= a0 && i < aEnd && ((i - a0) & 3) === 0) {
            let k = (i - a0) >> 2;
            for (; k < K; k++) {
              const w = u[k];
              const xq = w ^ QUOTE4;
              // A quote, or a control byte (CR / LF inside quotes are noted, see endRecord).
              if (((((xq - ONES) & ~xq) | ((w - LT14) & ~w)) & HIGH) !== 0) break;
            }
            i = a0 + (k << 2);
            if (i >= n) break;
          }
          let e = i < a0 ? a0 : i >= aEnd ? n : a0 + ((i - a0) | 3) + 1;
          if (e > n || !swar) e = n;
          for (; i < e; i++) {
            const c = b[i];
            if (c > maxQ) continue;
            if (c === QUOTE) {
              mode = QUOTE_PENDING;
              rq++; // a closing quote, or the first of a doubled one
              i++;
              continue outer;
            }
            if (c === LF || c === CR) rnl = 1;
          }
        }
      } else {
        // QUOTE_PENDING
        const c = b[i];
        if (c === QUOTE) {
          mode = QUOTED;
          i++;
          continue;
        }
        mode = UNQUOTED;
        fsAt = -1; // the quoted part closed: a quote next is literal
        if (c !== delim && c !== LF && c !== CR) s.afterCloseQuote++;
      }
    }
    this.mode = mode;
    this.atRecordStart = rs;
    this.afterCR = afterCR;
    this.fields = fields;
    this.recQuotes = rq;
    this.recNewline = rnl;
    this.atFieldStart = fsAt === n;
    this.pos = base + n;
  }

  private endRecord(
    fields: number,
    end: number,
    unterminated: boolean,
    quotes: number,
    newline: number,
  ): void {
    const s = this.s;
    if (fields > s.maxFields) s.maxFields = fields;
    if (end - this.recStart > s.maxRecordBytes) s.maxRecordBytes = end - this.recStart;
    if (
      this.cut < 0 &&
      newline === 0 &&
      this.recStart >= this.watch &&
      this.recStart >= this.pushStart &&
      this.headerFields >= 0
    ) {
      // A place to cut a segment: the first data record past the watch mark that starts in
      // the bytes being pushed (none of it is written yet) and holds no line break inside
      // quotes (so the segment starts with one whole line, from which DuckDB tells the line end).
      this.cut = this.recStart;
      this.cutRow = s.rows;
      this.cutContent = s.contentBytes;
    }
    if (this.headerFields < 0) {
      this.headerFields = fields;
      s.headerFields = fields;
      if (this.hasHeader) {
        s.headerStart = this.recStart;
        s.headerEnd = end;
        return;
      }
      // No header: this first record is data (and the field count the others must have).
    }
    // Cell bytes: the record less its delimiters and syntax quotes (exact for plain files).
    s.contentBytes += end - this.recStart - (fields - 1) - quotes;
    s.rows++;
    if (unterminated || fields !== this.headerFields) {
      s.malformed++;
      if (s.malformedSamples.length < 1000) s.malformedSamples.push(s.rows);
    }
    this.block[this.blockLen++] = this.recStart;
    if (this.blockLen === INDEX_BLOCK) {
      this.onBlock(this.block);
      this.blockLen = 0;
    }
  }

  /** Ends the stream; emits the last (partial) block followed by the end offset. */
  finish(): IndexStats {
    if (this.done) return this.s;
    this.done = true;
    if (this.mode === QUOTE_PENDING) this.mode = UNQUOTED;
    if (!this.atRecordStart) {
      const unterminated = this.mode === QUOTED;
      if (unterminated) this.s.unterminated = true;
      this.endRecord(this.fields, this.pos, unterminated, this.recQuotes, this.recNewline);
    }
    this.s.bytes = this.pos;
    // The sentinel: row k spans [offset k, offset k+1).
    this.block[this.blockLen++] = this.pos;
    if (this.blockLen === INDEX_BLOCK) {
      this.onBlock(this.block);
      this.blockLen = 0;
    }
    if (this.blockLen > 0) this.onBlock(this.block.subarray(0, this.blockLen));
    this.blockLen = 0;
    return this.s;
  }

  /** Hands out the offsets gathered so far (a partial block), so readers can use them early. */
  flush(): void {
    if (this.done || this.blockLen === 0) return;
    this.onBlock(this.block.subarray(0, this.blockLen));
    this.blockLen = 0;
  }

  /** Plain: read by DuckDB's strict reader exactly as by ours (index-stats.ts isPlain). */
  static plain(s: IndexStats): boolean {
    return isPlain(s);
  }
}

// Warm-up at load time, before any push() of a real table: see indexer-warm-up.ts.
warmUp(RecordIndexer);
