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
// simd-kernel.wasm.ts by scripts/build-wasm.mjs; its glue is simd-scan.ts) counts 64 bytes per
// step with v128 compares and 64-bit masks: popcnt of the delimiters between terminators, ctz
// over the LFs, quotes by prefix-XOR parity; blocks it cannot read that way (a quote
// mid-field, a CR as a block's last byte) go through its byte loop, which is jsScan()'s byte
// loop in state-machine form. push() copies the bytes into the kernel's memory 64 KiB at a
// time and hands the state (scan-state.ts) over and back, so a chunk may end anywhere. The
// header (whose bytes are kept and decoded), options simd: false / wordSkip: false, and
// runtimes without Wasm SIMD use jsScan() (swar-scan.ts): a JS word loop (SWAR) plus byte
// loop. The tests hold every path to the same results, bit for bit. Options and results:
// count-types.ts.
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
// 4.2 s with A; the kernel is now ~5% of the scan's CPU profile (A's jsScan() was ~35%).
// Why not JS: a plain JS byte loop tops out near 500 MB/s on this machine (even `sum += b[i]`
// does); the SWAR word loop (4 bytes per step, see jsScan()) reaches ~900 MB/s on long fields but
// stalls on real rows, whose delimiter every ~10 bytes stops it at nearly every word.
// indexOf() is native memchr but pays a call per row and still needs a byte loop for the
// delimiters, and it is hopeless with many quotes.
// V8 note: see warmUp() at the end of the file; without it every push() deoptimized (-45%).

import type { CsvCountOptions, CsvCountResult, RecordEnds } from './count-types';
import { CsvScanState, QUOTE_PENDING, QUOTED, UNQUOTED } from './scan-state';
import { KERNEL, kernelScan, type Kernel } from './simd-scan';
import { jsScan } from './swar-scan';

const BOM = [0xef, 0xbb, 0xbf];

/** push() scans big chunks in slices of this size (a multiple of 4: keeps word alignment). */
const SLICE = 64 * 1024;

export class CsvRecordCounter {
  /** The scanner's state and counts (both scan paths read and write it). */
  private readonly s: CsvScanState;
  /** The SIMD kernel counts what follows the header (null: jsScan() does everything). */
  private readonly kernel: Kernel | null;
  private total = 0;

  // BOM detection (the first 3 bytes may arrive in separate chunks).
  private bomMatched = 0;
  private bomResolved = false;
  private bom = false;

  private finished: CsvCountResult | null = null;
  /** The last chunk's terminators (null unless options.recordEnds). */
  readonly recordEnds: RecordEnds | null;

  constructor(options: CsvCountOptions = {}) {
    this.s = new CsvScanState(options); // (throws RangeError on a dialect it cannot read)
    this.kernel = options.simd !== false && options.wordSkip !== false ? KERNEL : null;
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
      ends.mode = this.s.mode;
      ends.atFieldStart = this.s.atFieldStart;
    }
  }

  /** `base`: where b starts in the pushed chunk (-1: not in it, its terminators are not listed). */
  private feed(b: Uint8Array, base: number): void {
    const s = this.s;
    const n = b.length;
    let o = 0;
    if (this.kernel) {
      // The header goes through jsScan(), which keeps its bytes and, with a kernel, returns
      // right after the header's terminator; the kernel counts the rest.
      while (o < n && s.headerFields < 0) o += jsScan(s, b.subarray(o, o + SLICE), true);
      if (o < n) kernelScan(this.kernel, s, b, o, base, this.recordEnds);
      return;
    }
    // In slices: jsScan() then runs often enough for V8 to give it regular optimized code soon,
    // instead of living on on-stack-replacement code (see warmUp()). Costs nothing measurable.
    for (; o < n; o += SLICE) jsScan(s, b.subarray(o, o + SLICE), false);
  }

  finish(): CsvCountResult {
    if (this.finished) return this.finished;
    const s = this.s;
    if (!this.bomResolved) {
      // Fewer than 3 bytes in all, a prefix of a BOM: they are data.
      this.bomResolved = true;
      if (this.bomMatched > 0) this.feed(Uint8Array.from(BOM.slice(0, this.bomMatched)), -1);
    }
    if (s.mode === QUOTE_PENDING) s.mode = UNQUOTED; // a quote at EOF closes the field
    const unterminated = s.mode === QUOTED;
    if (!s.atRecordStart) {
      // The last record has no terminator.
      const fields = s.delims + 1;
      if (s.headerFields >= 0) {
        s.records++;
        if (fields !== s.headerFields || unterminated)
          s.noteMalformed(s.records, fields, s.recBreaks + 1);
      } else {
        s.headerFields = fields;
        s.endHeader(null, 0, 0);
        // Without a header this first record is data: the only one, ending inside quotes.
        if (!s.hasHeader && unterminated) s.noteMalformed(0, fields, s.recBreaks + 1);
      }
    }
    if (!s.hasHeader && s.headerFields >= 0) {
      // The first record was data: count it and number the data records from it.
      s.records++;
      for (const m of s.samples) m.record++;
    }
    const { nLF, nCRLF, nCR } = s;
    const kinds = (nLF > 0 ? 1 : 0) + (nCRLF > 0 ? 1 : 0) + (nCR > 0 ? 1 : 0);
    let lineEnding: CsvCountResult['lineEnding'] = null;
    if (kinds > 1 || nCR > 0) lineEnding = 'mixed';
    else if (nLF > 0) lineEnding = 'lf';
    else if (nCRLF > 0) lineEnding = 'crlf';
    this.finished = {
      records: s.records,
      header: s.headerTooLong || !s.hasHeader ? null : s.header,
      headerFields: Math.max(s.headerFields, 0),
      malformedRows: s.malformed,
      firstMalformed: s.samples,
      unterminatedQuote: unterminated,
      bytes: this.total,
      lineEnding,
      lineEndings: { lf: nLF, crlf: nCRLF, cr: nCR },
      headerTooLong: s.headerTooLong,
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

// Warm-up. V8 compiles jsScan()'s loop on-stack (OSR) in the middle of the first big chunk, before
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
