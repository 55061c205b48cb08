// Streaming CSV record counter (RFC 4180, lenient), byte level, constant memory.
//
// Feed the inflated bytes of one CSV member chunk by chunk with push(); finish() returns the
// record count, the decoded header, field-count mismatches and a few format facts. Only the
// header record is ever copied or decoded; data rows are scanned in place and never turned
// into strings, and nothing of a chunk is kept after push() returns (except the header's
// bytes while the header is still incomplete, capped at maxHeaderBytes).
//
// Rules (see test/csv/record-counter.test.ts):
// - Records end at LF, CRLF or a lone CR outside quotes. A lone CR outside quotes ends a
//   record too (old Mac style; papaparse does the same when it detects \r as the newline); it is reported as its own
//   kind of terminator and makes lineEnding 'mixed'.
// - Empty lines (zero bytes, or just "\r") are not records. A final record without a
//   terminator is counted. The header is the first non-empty record.
// - A quote opens a quoted field only as the first byte of a field. In a quoted field `""` is
//   a literal quote and the quoted part ends at a `"` not followed by `"`; bytes after that,
//   up to the next delimiter, are literal data. A quote inside an unquoted field is literal
//   (lenient, like papaparse).
// - Field count = delimiters outside quotes + 1.
// - Physical lines (for MalformedRecord.line) are counted over the whole file, inside quotes
//   too: LF, CRLF and lone CR each end one line.
//
// Paths: after the header, a WebAssembly SIMD kernel (simd-kernel.wat, compiled to
// simd-kernel.wasm.ts by scripts/build-wasm.mjs) counts 64 bytes per step with v128 compares
// and 64-bit masks: popcnt of the delimiters between terminators, ctz over the LFs, quotes by
// prefix-XOR parity; blocks it cannot read that way (a quote mid-field, a CR as a block's last
// byte) go through its byte loop, which is scan()'s byte loop in state-machine form. push()
// copies the bytes into the kernel's memory 64 KiB at a time and hands the state over and
// back, so a chunk may end anywhere. The header (whose bytes are kept and decoded), options
// simd: false / wordSkip: false, and runtimes without Wasm SIMD use scan(): a JS word loop
// (SWAR) plus byte loop. The tests hold every path to the same results, bit for bit.
//
// Speed: bench/csv-count.ts (node --import tsx bench/csv-count.ts), 64 MiB tables fed in
// 1 MiB chunks, Node 20.20, one core of this 2-vCPU AMD EPYC VM, MB/s = 10^6 bytes/s, median
// of 7 runs, all rows from one run at load average ~2 (the VM is shared; under load from
// other jobs everything drops by up to 50%):
//                                    typical rows       quote-heavy rows    real Info Mart tables
//                                    (~150 B, 5% with   (~66 B, all quoted, (24 members of the bench
//                                    a quoted field)    "" and CRLF)        drop, ~87 B, 10-16 cols)
//   S  SIMD kernel (the default)         ~4800              ~2300               ~3200
//   A  JS word loop + byte loop           ~850               ~525                ~755
//   A' JS byte loop alone                 ~455               ~290                ~400
//   B  Buffer.indexOf for LF/'"' + a      ~545               ~205
//      one-compare delimiter loop (sketch)
//   C  one byte loop, switch on state     ~315               ~355
//   zlib raw inflate stream, same data    ~600               ~820
// A whole cold scan of the bench drop (CLI, 2 workers) took 2.5 s of user CPU with S instead of
// 4.2 s with A; the kernel is now ~5% of the scan's CPU profile (A's scan() was ~35%).
// Why not JS: a plain JS byte loop tops out near 500 MB/s on this machine (even `sum += b[i]`
// does); the SWAR word loop (4 bytes per step, see scan()) reaches ~900 MB/s on long fields but
// stalls on real rows, whose delimiter every ~10 bytes stops it at nearly every word.
// indexOf() is native memchr but pays a call per row and still needs a byte loop for the
// delimiters, and it is hopeless with many quotes.
// V8 note: see warmUp() at the end of the file; without it every push() deoptimized (-45%).

import { RFC4180, type Dialect } from '../../shared/family';
import { decodeRecordFields, dialectBytes } from './header';
import { SIMD_KERNEL_WASM_BASE64 } from './simd-kernel.wasm';
import { instantiateKernel } from '../wasm/instantiate';

export interface MalformedRecord {
  /** 1-based data record number, header excluded. */
  record: number;
  fields: number;
  /** 1-based physical line where the record starts. */
  line: number;
}

export interface CsvCountResult {
  /** Data records, header excluded (with dialect.header false every record is data); 0 when the file is empty or has only a header. */
  records: number;
  /**
   * Column names decoded per RFC 4180 (BOM stripped, quotes removed, UTF-8 decoded); null for an
   * empty file, and when the dialect has no header.
   */
  header: string[] | null;
  /**
   * Number of fields of the header record (counted even when headerTooLong); 0 for an empty
   * file. Without a header: the first record's, which the others are compared with.
   */
  headerFields: number;
  /** Data records whose field count differs from the header's (plus an unterminated last record). */
  malformedRows: number;
  /** The first maxMalformedSamples (default 20) of them. */
  firstMalformed: MalformedRecord[];
  /** The input ended inside a quoted field (the last record is then counted, and also counted as malformed). */
  unterminatedQuote: boolean;
  /** Total bytes pushed (BOM included). */
  bytes: number;
  /** Of record terminators outside quotes (blank lines included); 'mixed' when more than one kind, or any lone CR. */
  lineEnding: 'lf' | 'crlf' | 'mixed' | null;
  /** Terminator counts outside quotes, blank lines included. */
  lineEndings: { lf: number; crlf: number; cr: number };
  /** The header exceeded maxHeaderBytes; header is then null (its field count is still known). */
  headerTooLong: boolean;
  bom: boolean;
}

export interface CsvCountOptions {
  /**
   * Delimiter, quote (or none) and header presence; default RFC 4180 (',', '"', header). The
   * delimiter and quote are single bytes other than CR and LF, and differ.
   */
  dialect?: Dialect;
  /** Longest header record kept for decoding (bytes, terminator excluded); default 1 MiB. */
  maxHeaderBytes?: number;
  /** How many malformed records to describe in firstMalformed; default 20. */
  maxMalformedSamples?: number;
  /**
   * Count the data after the header with the WebAssembly SIMD kernel (default true; silently
   * the JS path when this runtime has no Wasm SIMD). false: the JS word and byte loops (tests).
   */
  simd?: boolean;
  /** Skip plain data 4 bytes at a time (default true); false forces the JS byte loop and no SIMD (for tests). */
  wordSkip?: boolean;
  /** List each chunk's record terminators in recordEnds (where the SIMD kernel counts). */
  recordEnds?: boolean;
}

/**
 * The record terminators of the last push()'s chunk (CsvCountOptions.recordEnds), as the
 * SIMD kernel walks them anyway: a reader of a record's first fields (the extracts' account
 * ids, formats/extracts/uids.ts) jumps from one to the next instead of looking for the
 * record's end again in every record.
 */
export interface RecordEnds {
  /**
   * Offsets in the chunk of every terminator outside quotes at or after `from`, ascending:
   * blank lines' too, a CRLF by its CR or by its LF.
   */
  ends: Int32Array;
  count: number;
  /** Where the listing starts in the chunk (its length: nothing listed, as for the header or without the kernel). */
  from: number;
  /** The state after the chunk's last byte: UNQUOTED 0, QUOTED 1, QUOTE_PENDING 2. */
  mode: number;
  /** A field starts after the chunk's last byte (mode 0 only). */
  atFieldStart: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

// Scanner modes carried between chunks (the SIMD kernel's state q uses the same numbers).
const UNQUOTED = 0;
const QUOTED = 1;
/** In a quoted field, a `"` was the last byte read (of the chunk, or of a word): the next byte decides `""` or end of quotes. */
const QUOTE_PENDING = 2;

const BOM = [0xef, 0xbb, 0xbf];

// SWAR constants, as int32.
const ONES = 0x01010101;
const HIGH = 0x80808080 | 0;
const LOW7 = 0x7f7f7f7f;
const LF4 = 0x0a0a0a0a;
const CR4 = 0x0d0d0d0d;
const LT14 = 0x0e0e0e0e;
const NO_WORDS = new Int32Array(0);
/** push() scans big chunks in slices of this size (a multiple of 4: keeps word alignment). */
const SLICE = 64 * 1024;
/** The word loop assumes byte j of a word is its bits 8j..8j+7. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

// ---- WebAssembly SIMD kernel (simd-kernel.wat; its header describes the memory layout) ----
/** Bytes copied into the kernel's memory and scanned per call. */
const K_SLICE = 64 * 1024;
/** Byte offset of the malformed-record samples (f64 triples) the kernel writes (after the 18 f64 of state). */
const K_SAMPLES = 144;
/** Records ending within one call, at most: one per 2 bytes (a byte and its LF), plus one begun before. */
const K_SAMPLE_CAP = K_SLICE / 2 + 2;
/**
 * Byte offset of the region the bytes are copied to: K_SLICE bytes at one of 64 positions in
 * its first 4 KiB, chosen per copy (see kernelScan()).
 */
const K_DATA = (K_SAMPLES + 24 * K_SAMPLE_CAP + 4095) & ~4095;
/** Byte offset of the terminator addresses the kernel writes (i32 each, at most one per byte). */
const K_ENDS = K_DATA + 4096 + K_SLICE;

interface Kernel {
  scan(p: number, n: number, sp: number, tp: number): number;
  bytes: Uint8Array;
  /** The state block (f64 0..17), then the samples. */
  f64: Float64Array;
  /** The terminator addresses of the last call (from K_ENDS). */
  ends: Int32Array;
}

/** Instantiated once per thread, synchronously (a ~2 KB module); null without Wasm SIMD. */
function loadKernel(): Kernel | null {
  try {
    const exports = instantiateKernel(SIMD_KERNEL_WASM_BASE64);
    if (!exports) return null;
    const memory = exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
    const pages = Math.ceil((K_ENDS + 4 * K_SLICE) / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages); // once: the views below stay valid
    return {
      scan: exports.scan as Kernel['scan'],
      bytes: new Uint8Array(memory.buffer),
      f64: new Float64Array(memory.buffer, 0, K_DATA >> 3),
      ends: new Int32Array(memory.buffer, K_ENDS, K_SLICE),
    };
  } catch {
    return null;
  }
}

const KERNEL = loadKernel();
/** The WebAssembly SIMD kernel loaded in this thread (else every counter uses the JS path). */
export const CSV_SIMD_AVAILABLE = KERNEL !== null;

export class CsvRecordCounter {
  private readonly delim: number;
  /** The quote byte, or -1 when fields are never quoted. */
  private readonly quote: number;
  /** The quote in every byte of a word (0 without quoting: then unused). */
  private readonly quote4: number;
  /** Bytes the quoted-mode byte loop must look at are <= this (quote, CR, LF). */
  private readonly maxQuoted: number;
  /** The first record is a header (else it is data, and only the reference field count). */
  private readonly hasHeader: boolean;
  private readonly dialect: Dialect;
  private readonly maxSpecial: number;
  private readonly maxHeaderBytes: number;
  private readonly maxSamples: number;
  /** Word-at-a-time skipping is on (needs every special byte < 0x80 and a little-endian CPU). */
  private readonly swar: boolean;
  /** The SIMD kernel counts what follows the header (null: scan() does everything). */
  private readonly kernel: Kernel | null;

  // Scanner state between chunks.
  private mode = UNQUOTED;
  private atRecordStart = true;
  /** The previous chunk ended at the start of a field (a quote next opens a quoted field). */
  private atFieldStart = true;
  /** The previous chunk ended with a CR terminator outside quotes (an LF next is its CRLF). */
  private afterCR = false;
  /** The previous chunk ended with a CR inside quotes (an LF next is the same line break). */
  private quotedCR = false;
  /** Delimiters seen so far in the current record. */
  private delims = 0;

  // Counts.
  private records = 0;
  private malformed = 0;
  private samples: MalformedRecord[] = [];
  private nLF = 0;
  private nCRLF = 0;
  private nCR = 0;
  /** Line breaks seen so far (the current physical line is breaks + 1). */
  private breaks = 0;
  /** Line breaks seen before the current record started. */
  private recBreaks = 0;
  private total = 0;

  // BOM detection (the first 3 bytes may arrive in separate chunks).
  private bomMatched = 0;
  private bomResolved = false;
  private bom = false;

  // Header.
  /** Field count of the header; -1 until the header record has ended. */
  private headerFields = -1;
  private headerParts: Uint8Array[] = [];
  private headerLen = 0;
  private headerTooLong = false;
  private header: string[] | null = null;

  private finished: CsvCountResult | null = null;
  /** The last chunk's terminators (null unless options.recordEnds). */
  readonly recordEnds: RecordEnds | null;

  constructor(options: CsvCountOptions = {}) {
    const dialect = options.dialect ?? RFC4180;
    const { delim, quote } = dialectBytes(dialect); // (throws RangeError on a dialect it cannot read)
    this.delim = delim;
    this.quote = quote;
    this.quote4 = quote < 0 ? 0 : Math.imul(quote, ONES);
    this.maxQuoted = Math.max(quote, CR, LF);
    this.hasHeader = dialect.header;
    this.dialect = dialect;
    this.maxSpecial = Math.max(delim, quote, CR, LF);
    this.swar = LITTLE_ENDIAN && this.maxSpecial < 0x80 && options.wordSkip !== false;
    this.kernel = options.simd !== false && options.wordSkip !== false ? KERNEL : null;
    this.maxHeaderBytes = options.maxHeaderBytes ?? 1024 * 1024;
    this.maxSamples = options.maxMalformedSamples ?? 20;
    this.recordEnds = options.recordEnds ? { ends: new Int32Array(1024), count: 0, from: 0, mode: UNQUOTED, atFieldStart: true } : null;
  }

  push(chunk: Uint8Array): void {
    if (this.finished) throw new Error('CsvRecordCounter: push() after finish()');
    const len = chunk.length;
    if (len === 0) return;
    this.total += len;
    // A plain Uint8Array view keeps the hot loop monomorphic whether callers pass Buffers or not.
    let b = chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, len);
    const ends = this.recordEnds;
    if (ends) {
      ends.count = 0;
      ends.from = len;
    }
    if (!this.bomResolved) {
      const earlier = this.bomMatched; // BOM bytes matched in earlier chunks
      let i = 0;
      while (i < len && this.bomMatched < 3 && b[i] === BOM[this.bomMatched]) {
        this.bomMatched++;
        i++;
      }
      if (this.bomMatched === 3) {
        this.bom = true;
        this.bomResolved = true;
        b = b.subarray(i);
      } else if (i < len) {
        // Not a BOM: the bytes matched so far are data (those of this chunk are still in b).
        this.bomResolved = true;
        if (earlier > 0) this.feed(Uint8Array.from(BOM.slice(0, earlier)), -1);
      } else {
        return; // this chunk is all a BOM prefix; wait for more
      }
    }
    this.feed(b, len - b.length);
    if (ends) {
      ends.mode = this.mode;
      ends.atFieldStart = this.atFieldStart;
    }
  }

  /** `base`: where b starts in the pushed chunk (-1: not in it, its terminators are not listed). */
  private feed(b: Uint8Array, base: number): void {
    const n = b.length;
    let o = 0;
    if (this.kernel) {
      // The header goes through scan(), which keeps its bytes and, with a kernel, returns
      // right after the header's terminator; the kernel counts the rest.
      while (o < n && this.headerFields < 0) o += this.scan(b.subarray(o, o + SLICE));
      if (o < n) this.kernelScan(this.kernel, b, o, base);
      return;
    }
    // In slices: scan() then runs often enough for V8 to give it regular optimized code soon,
    // instead of living on on-stack-replacement code (see warmUp()). Costs nothing measurable.
    for (; o < n; o += SLICE) this.scan(b.subarray(o, o + SLICE));
  }

  /**
   * Counts b[o..] with the SIMD kernel: hands it the state, copies the bytes into its memory
   * slice by slice, and takes the state and the malformed-record samples back. The kernel's
   * state is the byte loop's (mode, atFieldStart, ...) and its counts are held as exact f64.
   */
  private kernelScan(k: Kernel, b: Uint8Array, o: number, base: number): void {
    const s = k.f64;
    s[0] = this.mode;
    s[1] = this.atFieldStart ? 1 : 0;
    s[2] = this.atRecordStart ? 1 : 0;
    s[3] = this.afterCR ? 1 : 0;
    s[4] = this.quotedCR ? 1 : 0;
    s[5] = this.delim;
    s[6] = this.headerFields;
    s[8] = this.delims;
    s[9] = this.records;
    s[10] = this.malformed;
    s[11] = this.breaks;
    s[12] = this.recBreaks;
    s[13] = this.nLF;
    s[14] = this.nCRLF;
    s[15] = this.nCR;
    s[16] = this.quote;
    const n = b.length;
    // The copy into Wasm memory (a memmove) ran 10x slower (3 instead of 30 GB/s, glibc on this
    // AMD EPYC) when the destination was a few dozen bytes past the source modulo 4 KiB (4K
    // aliasing); with a fixed destination, whole tables hit it (irf_user_data_cust_1.csv of the
    // bench drop: 1.8 instead of 3.4 GB/s in all). The source's address is unknown but its
    // offset in its ArrayBuffer is known, and big buffers start at or just after a page
    // boundary: put the copy half a page away from the source, on a 64-byte boundary.
    const at = K_DATA + ((b.byteOffset + o + 2048 - K_DATA) & 4095 & ~63);
    const list = base >= 0 ? this.recordEnds : null;
    if (list) list.from = base + o;
    while (o < n) {
      const e = Math.min(o + K_SLICE, n);
      k.bytes.set(b.subarray(o, e), at); // (o moves by K_SLICE, a multiple of 4096: at stays right)
      const left = this.maxSamples - this.samples.length; // (NaN: none, like noteMalformed)
      s[7] = left > 0 ? Math.min(Math.ceil(left), K_SAMPLE_CAP) : 0;
      const got = k.scan(at, e - o, K_SAMPLES, K_ENDS);
      for (let j = 0, x = K_SAMPLES >> 3; j < got; j++, x += 3)
        this.samples.push({ record: s[x], fields: s[x + 1], line: s[x + 2] });
      if (list) {
        // Kernel addresses to offsets in the pushed chunk.
        const m = s[17];
        let out = list.ends;
        let c = list.count;
        if (c + m > out.length) {
          out = new Int32Array(Math.max(out.length * 2, c + m));
          out.set(list.ends.subarray(0, c));
          list.ends = out;
        }
        const bias = base + o - at;
        const src = k.ends;
        for (let j = 0; j < m; j++) out[c++] = src[j] + bias;
        list.count = c;
      }
      o = e;
    }
    this.mode = s[0];
    this.atFieldStart = s[0] === UNQUOTED && s[1] !== 0;
    this.atRecordStart = s[2] !== 0;
    this.afterCR = s[3] !== 0;
    this.quotedCR = s[4] !== 0;
    this.delims = s[8];
    this.records = s[9];
    this.malformed = s[10];
    this.breaks = s[11];
    this.recBreaks = s[12];
    this.nLF = s[13];
    this.nCRLF = s[14];
    this.nCR = s[15];
  }

  /**
   * The hot loop. The aligned middle of the chunk is read 4 bytes at a time through an
   * Int32Array view (SWAR, "SIMD within a register"):
   * - a word with no byte <= maxSpecial (unquoted) or no `"` / control byte (quoted) is skipped;
   * - a word with no CR or LF has its quotes resolved by prefix parity (`""` inside quotes is a
   *   close and a reopen, which parity gets right for free) and its delimiters outside quotes
   *   counted with a popcount; if a quote would open anywhere but at the start of a field it
   *   is a literal quote (lenient rule) and the word goes to the byte loop instead;
   * - any other word (CR or LF: a record may end there) and the unaligned head and tail go
   *   through a byte-at-a-time state machine, which is the reference semantics.
   */
  private scan(b: Uint8Array): number {
    const n = b.length;
    const delim = this.delim;
    const quote = this.quote;
    const noQuote = quote < 0;
    const quote4 = this.quote4;
    const maxQ = this.maxQuoted;
    const maxSp = this.maxSpecial;
    const headerPending = this.headerFields < 0;

    let mode = this.mode;
    let delims = this.delims;
    let records = this.records;
    let breaks = this.breaks;
    let recBreaks = this.recBreaks;
    let nLF = this.nLF;
    let nCRLF = this.nCRLF;
    let nCR = this.nCR;
    let hdrFields = this.headerFields;
    const fieldStartAt0 = this.atFieldStart;
    // Positions in b, or -1 for "before this chunk": start of the current record, just after
    // a CR terminator, just after a CR inside quotes.
    let rs = this.atRecordStart ? 0 : -1;
    let acr = this.afterCR ? 0 : -1;
    let qcr = this.quotedCR ? 0 : -1;

    // Word view: words cover b[a0, aEnd), word k is b[a0 + 4k .. a0 + 4k + 3]. (A word that
    // ends the chunk with a closing quote leaves QUOTE_PENDING, as the byte loop would.)
    /** Where the kernel takes over (-1: scan to the end). */
    let stopAt = -1;
    const a0 = (4 - (b.byteOffset & 3)) & 3;
    const K = this.swar && n > a0 ? (n - a0) >> 2 : 0;
    const u = K > 0 ? new Int32Array(b.buffer, b.byteOffset + a0, K) : NO_WORDS;
    const aEnd = a0 + 4 * K;
    // any byte < maxSp + 1; the delimiter in every byte
    const lt = Math.imul(maxSp + 1, ONES);
    const d4 = Math.imul(delim, ONES);

    let i = 0;
    outer: while (i < n) {
      if (mode === QUOTE_PENDING) {
        // The previous byte closed a quoted field, unless this one is a quote too (`""`).
        if (b[i] === quote) {
          mode = QUOTED;
          i++;
          continue;
        }
        mode = UNQUOTED;
      }

      if (i >= a0 && i < aEnd && ((i - a0) & 3) === 0) {
        // Word loop. ok: 0x80 when the byte before the current word ends a field outside
        // quotes (a quote next would open a quoted field), else 0.
        let ok = 0;
        if (mode === UNQUOTED) {
          if (i === 0) ok = fieldStartAt0 ? 0x80 : 0;
          else {
            const p = b[i - 1];
            ok = p === delim || p === LF || p === CR ? 0x80 : 0;
          }
        }
        let closeTop = 0; // the last word ended with a closing quote
        let k = (i - a0) >> 2;
        for (; k < K; k++) {
          const w = u[k];
          const xq = w ^ quote4;
          if (mode === UNQUOTED) {
            if (((w - lt) & ~w & HIGH) === 0) {
              ok = 0;
              closeTop = 0;
              continue; // plain data
            }
          } else if (((((w - LT14) & ~w) | ((xq - ONES) & ~xq)) & HIGH) === 0) {
            continue; // quoted text without quotes or control bytes
          }
          const xl = w ^ LF4;
          const xc = w ^ CR4;
          if ((((xl - ONES) & ~xl) | ((xc - ONES) & ~xc)) & HIGH) break; // CR or LF: byte loop
          const y = w ^ d4;
          const dm = ~(((y & LOW7) + LOW7) | y | LOW7); // delimiter bytes (bit 7 of each)
          if (noQuote || ((xq - ONES) & ~xq & HIGH) === 0) {
            // No quote: the mode holds for the whole word.
            if (mode === UNQUOTED) {
              delims += Math.imul((dm >>> 7) & ONES, ONES) >>> 24;
              ok = (dm >>> 24) & 0x80;
            }
            closeTop = 0;
            continue;
          }
          const qm = ~(((xq & LOW7) + LOW7) | xq | LOW7); // quote bytes
          // Inclusive prefix parity of quotes: bit 7 of byte j = inside quotes at byte j (an
          // opening quote counts as inside, a closing one as outside).
          let p = qm ^ (qm << 8);
          p ^= p << 16;
          if (mode !== UNQUOTED) p = ~p;
          p &= HIGH;
          const closing = qm & ~p;
          if ((qm & p & ~(((dm | closing) << 8) | ok)) !== 0) break; // a quote opening mid-field: byte loop
          const outD = dm & ~p;
          delims += Math.imul((outD >>> 7) & ONES, ONES) >>> 24;
          ok = ((outD | closing) >>> 24) & 0x80;
          closeTop = closing >>> 31;
          mode = p < 0 ? QUOTED : UNQUOTED;
        }
        i = a0 + (k << 2);
        if (closeTop !== 0) {
          mode = QUOTE_PENDING; // as the byte loop would have it: a quote next is `""`
          continue;
        }
      }

      // Byte loop, up to the next word boundary (or the end).
      let e = i < a0 ? a0 : i >= aEnd ? n : a0 + ((i - a0) | 3) + 1;
      if (e > n) e = n;
      if (mode === UNQUOTED) {
        for (; i < e; i++) {
          const c = b[i];
          if (c > maxSp) continue;
          if (c === delim) {
            delims++;
          } else if (c === quote) {
            // A quote opens a quoted field only as the first byte of a field. The previous
            // byte, if in this chunk, was read unquoted (were it in quotes, this quote would
            // have been read in quoted mode), and it is not a closing quote (that would have
            // made this quote a `""`).
            const p = i > 0 ? b[i - 1] : -1;
            if (i === 0 ? fieldStartAt0 : p === delim || p === LF || p === CR) {
              mode = QUOTED;
              i++;
              continue outer;
            }
            // else: a literal quote inside an unquoted field
          } else if (c === LF || c === CR) {
            if (c === LF && i === acr) {
              // Second half of a CRLF whose CR already ended the record.
              nCR--;
              nCRLF++;
              rs = i + 1;
              continue;
            }
            breaks++;
            if (c === LF) nLF++;
            else {
              nCR++;
              acr = i + 1;
            }
            if (i !== rs) {
              // A non-empty record ended.
              if (hdrFields >= 0) {
                records++;
                if (delims + 1 !== hdrFields) this.noteMalformed(records, delims + 1, recBreaks + 1);
              } else {
                hdrFields = delims + 1;
                this.endHeader(b, rs < 0 ? 0 : rs, i);
                if (this.kernel) {
                  // The kernel takes over after the header's terminator.
                  stopAt = i + 1;
                  delims = 0;
                  rs = stopAt;
                  recBreaks = breaks;
                  break outer;
                }
              }
              delims = 0;
            }
            rs = i + 1;
            recBreaks = breaks;
          }
        }
      } else {
        // QUOTED: only the quote, CR and LF matter (CR and LF for line numbers).
        for (; i < e; i++) {
          const c = b[i];
          if (c > maxQ) continue;
          if (c === quote) {
            if (i + 1 === n) {
              mode = QUOTE_PENDING;
              break outer;
            }
            if (b[i + 1] === quote) {
              i++; // `""`: a literal quote
              continue;
            }
            mode = UNQUOTED; // the closing quote
            i++;
            continue outer;
          }
          if (c === LF) {
            if (i !== qcr) breaks++;
          } else if (c === CR) {
            breaks++;
            qcr = i + 1;
          }
        }
      }
    }

    const end = stopAt < 0 ? n : stopAt;
    if (headerPending && hdrFields < 0 && rs !== end) {
      // The header record continues into the next chunk.
      this.appendHeader(b, rs < 0 ? 0 : rs, end);
    }

    const last = b[end - 1];
    this.mode = mode;
    this.delims = delims;
    this.records = records;
    this.breaks = breaks;
    this.recBreaks = recBreaks;
    this.nLF = nLF;
    this.nCRLF = nCRLF;
    this.nCR = nCR;
    this.headerFields = hdrFields;
    this.atRecordStart = rs === end;
    this.atFieldStart = mode === UNQUOTED && (last === delim || last === LF || last === CR);
    this.afterCR = acr === end;
    this.quotedCR = qcr === end;
    return end;
  }

  private noteMalformed(record: number, fields: number, line: number): void {
    this.malformed++;
    if (this.samples.length < this.maxSamples) this.samples.push({ record, fields, line });
  }

  private appendHeader(b: Uint8Array, from: number, to: number): void {
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

  private endHeader(b: Uint8Array | null, from: number, to: number): void {
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
      // Follows the same rules as scan(), so header.length === fields (the tests check it).
      this.header = decodeRecordFields(bytes, this.dialect);
    }
    this.headerParts = [];
  }

  finish(): CsvCountResult {
    if (this.finished) return this.finished;
    if (!this.bomResolved) {
      // Fewer than 3 bytes in all, a prefix of a BOM: they are data.
      this.bomResolved = true;
      if (this.bomMatched > 0) this.feed(Uint8Array.from(BOM.slice(0, this.bomMatched)), -1);
    }
    if (this.mode === QUOTE_PENDING) this.mode = UNQUOTED; // a quote at EOF closes the field
    const unterminated = this.mode === QUOTED;
    if (!this.atRecordStart) {
      // The last record has no terminator.
      const fields = this.delims + 1;
      if (this.headerFields >= 0) {
        this.records++;
        if (fields !== this.headerFields || unterminated)
          this.noteMalformed(this.records, fields, this.recBreaks + 1);
      } else {
        this.headerFields = fields;
        this.endHeader(null, 0, 0);
        // Without a header this first record is data: the only one, ending inside quotes.
        if (!this.hasHeader && unterminated) this.noteMalformed(0, fields, this.recBreaks + 1);
      }
    }
    if (!this.hasHeader && this.headerFields >= 0) {
      // The first record was data: count it and number the data records from it.
      this.records++;
      for (const m of this.samples) m.record++;
    }
    const { nLF, nCRLF, nCR } = this;
    const kinds = (nLF > 0 ? 1 : 0) + (nCRLF > 0 ? 1 : 0) + (nCR > 0 ? 1 : 0);
    let lineEnding: CsvCountResult['lineEnding'] = null;
    if (kinds > 1 || nCR > 0) lineEnding = 'mixed';
    else if (nLF > 0) lineEnding = 'lf';
    else if (nCRLF > 0) lineEnding = 'crlf';
    this.finished = {
      records: this.records,
      header: this.headerTooLong || !this.hasHeader ? null : this.header,
      headerFields: Math.max(this.headerFields, 0),
      malformedRows: this.malformed,
      firstMalformed: this.samples,
      unterminatedQuote: unterminated,
      bytes: this.total,
      lineEnding,
      lineEndings: { lf: nLF, crlf: nCRLF, cr: nCR },
      headerTooLong: this.headerTooLong,
      bom: this.bom,
    };
    return this.finished;
  }
}

export function countCsvBuffer(buf: Uint8Array, options?: CsvCountOptions): CsvCountResult {
  const counter = new CsvRecordCounter(options);
  counter.push(buf);
  return counter.finish();
}

// Warm-up. V8 compiles scan()'s loop on-stack (OSR) in the middle of the first big chunk, before
// the code after the loop has ever run; that code then lacks type feedback, and the OSR code
// deoptimized at the end of every push() for good (measured: 490 instead of 920 MB/s on
// typical rows). A few small pushes through every path at load time give V8 complete feedback
// first (~2 ms at import). push() also scans in 64 KiB slices so that regular optimized code replaces
// OSR code soon anyway (either fix alone sufficed in the measurements).
function warmUp(): void {
  const sample = new TextEncoder().encode(
    '\uFEFFid,"na""me",x\r\n1,"a,b\r\nc",2\n2,3\r3,"q""",4,5\n\n"x"y,z"w,1\r\n' +
      'abcdefgh,ijklmnop,qrstuvwx\n'.repeat(4) +
      '4,"unterminated',
  );
  for (let round = 0; round < 12; round++) {
    // Both paths: the JS loops also serve simd: false and runtimes without Wasm SIMD.
    const c = new CsvRecordCounter({ simd: round % 2 === 0 });
    // Odd split points: chunk ends inside a CRLF, inside `""`, inside a BOM.
    const cut = 1 + (round % 7);
    c.push(sample.subarray(0, cut));
    c.push(sample.subarray(cut, 40 + round));
    c.push(sample.subarray(40 + round));
    c.finish();
  }
}
warmUp();
