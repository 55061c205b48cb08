// The record counter's JS path (CsvRecordCounter, record-counter.ts): a word loop over 4 bytes
// at a time (SWAR) with a byte loop for the words it cannot resolve. It counts the header
// (whose bytes the counter keeps), and everything with simd: false, wordSkip: false or without
// Wasm SIMD. Its own module: one hot loop and its constants. It runs on locals, reading the
// counter's state (scan-state.ts) at its start and writing it back at its end; inside the loop
// it calls out only for a malformed record and at the header's end.
import type { CsvScanState } from './scan-state';

// Local copies of scan-state.ts's byte and mode constants, on purpose: the loops compare with
// them at every byte, and an imported binding is not a constant but a load from the other
// module at each use. Imported, this path ran 15-25% slower under tsx (ESM) and 5x slower
// compiled to CommonJS (measured on 32 MiB of typical rows). The tests hold this path to the
// kernel's and the reference's results, so the copies cannot drift unnoticed.
const LF = 0x0a;
const CR = 0x0d;
const UNQUOTED = 0;
const QUOTED = 1;
const QUOTE_PENDING = 2;

// SWAR constants, as int32.
const ONES = 0x01010101;
const HIGH = 0x80808080 | 0;
const LOW7 = 0x7f7f7f7f;
const LF4 = 0x0a0a0a0a;
const CR4 = 0x0d0d0d0d;
const LT14 = 0x0e0e0e0e;
const NO_WORDS = new Int32Array(0);

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
 * Returns where it stopped: b's end, or, with kernelTakesOver, just past the header's
 * terminator (the SIMD kernel counts the rest, simd-scan.ts).
 */
export function jsScan(st: CsvScanState, b: Uint8Array, kernelTakesOver: boolean): number {
  const n = b.length;
  const delim = st.delim;
  const quote = st.quote;
  const noQuote = quote < 0;
  const quote4 = st.quote4;
  const maxQ = st.maxQuoted;
  const maxSp = st.maxSpecial;
  const headerPending = st.headerFields < 0;

  let mode = st.mode;
  let delims = st.delims;
  let records = st.records;
  let breaks = st.breaks;
  let recBreaks = st.recBreaks;
  let nLF = st.nLF;
  let nCRLF = st.nCRLF;
  let nCR = st.nCR;
  let hdrFields = st.headerFields;
  const fieldStartAt0 = st.atFieldStart;
  // Positions in b, or -1 for "before this chunk": start of the current record, just after
  // a CR terminator, just after a CR inside quotes.
  let rs = st.atRecordStart ? 0 : -1;
  let acr = st.afterCR ? 0 : -1;
  let qcr = st.quotedCR ? 0 : -1;

  // Word view: words cover b[a0, aEnd), word k is b[a0 + 4k .. a0 + 4k + 3]. (A word that
  // ends the chunk with a closing quote leaves QUOTE_PENDING, as the byte loop would.)
  /** Where the kernel takes over (-1: scan to the end). */
  let stopAt = -1;
  const a0 = (4 - (b.byteOffset & 3)) & 3;
  const K = st.swar && n > a0 ? (n - a0) >> 2 : 0;
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
              if (delims + 1 !== hdrFields) st.noteMalformed(records, delims + 1, recBreaks + 1);
            } else {
              hdrFields = delims + 1;
              st.endHeader(b, rs < 0 ? 0 : rs, i);
              if (kernelTakesOver) {
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
    st.appendHeader(b, rs < 0 ? 0 : rs, end);
  }

  const last = b[end - 1];
  st.mode = mode;
  st.delims = delims;
  st.records = records;
  st.breaks = breaks;
  st.recBreaks = recBreaks;
  st.nLF = nLF;
  st.nCRLF = nCRLF;
  st.nCR = nCR;
  st.headerFields = hdrFields;
  st.atRecordStart = rs === end;
  st.atFieldStart = mode === UNQUOTED && (last === delim || last === LF || last === CR);
  st.afterCR = acr === end;
  st.quotedCR = qcr === end;
  return end;
}
