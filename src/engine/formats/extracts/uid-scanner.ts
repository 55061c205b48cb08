// The byte scanner of UidColumnReader (uids.ts): once the account-id column is known, it reads
// DSV records from raw chunks keeping only that column's bytes, hashing each id on the way.
// Separate because it is the hot path (its own state machine and a fast lane), while the
// reader around it decides the column from a sample through the table browser's parser.
import type { Dialect } from '../../../shared/family';
import type { RecordEnds } from '../../csv/count-types';
import { EMPTY_HASH, HASH_A0, HASH_H0 } from './uid-hash';

const LF = 0x0a;
const CR = 0x0d;
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_PENDING = 3;
const NO_ENDS = new Int32Array(0);

/**
 * The id column's bytes of DSV records, from the record after the ones the reader sampled: the
 * scanner copies nothing but that column's bytes; fields before and after it are skipped
 * (quoted ones by indexOf), each id is handed over as raw bytes, never decoded to a string,
 * with its uidHashBytes hash computed on the way (an id's bytes are walked once: the hash's
 * state is carried across its pieces).
 */
export class UidScanner {
  private readonly delim: number;
  private readonly quote: number;
  // The scanner's state, carried from chunk to chunk.
  private mode = FIELD_START;
  private atRecordStart = true;
  private afterCR = false;
  private field = 0;
  private buf = Buffer.allocUnsafe(256);
  private len = 0;
  /** The id's first piece, still in the chunk (not copied): spanB[spanFrom, spanTo); spanTo -1: none. */
  private spanB: Uint8Array = this.buf;
  private spanFrom = 0;
  private spanTo = -1;
  /** The id's hash so far (uidHashBytes' two states over its bytes read). */
  private ha = HASH_A0;
  private hh = HASH_H0;

  constructor(
    dialect: Dialect,
    /** The id column. */
    private readonly col: number,
    /** An id: its bytes bytes[from, to) (valid during the call only) and their uidHashBytes. */
    private readonly onId: (bytes: Uint8Array, from: number, to: number, hash: number) => void,
  ) {
    this.delim = dialect.delimiter.charCodeAt(0);
    this.quote = dialect.quote === null ? -1 : dialect.quote.charCodeAt(0);
  }

  /** Ends the input: a last record without a terminator ends here. */
  finish(): void {
    if (!this.atRecordStart) {
      this.endField();
      this.endRecord();
    }
  }

  private put(b: Uint8Array, from: number, to: number): void {
    const k = to - from;
    if (this.len + k > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + k));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    for (let x = from; x < to; x++) this.buf[this.len++] = b[x];
  }

  /**
   * A piece of the id's bytes. The usual id is one piece inside one chunk: it is handed over
   * from there, uncopied; a second piece (after `""`, or past a chunk's end) copies both.
   */
  private piece(b: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    if (this.len === 0 && this.spanTo < 0) {
      this.spanB = b;
      this.spanFrom = from;
      this.spanTo = to;
      return;
    }
    if (this.spanTo >= 0) {
      this.put(this.spanB, this.spanFrom, this.spanTo);
      this.spanTo = -1;
    }
    this.put(b, from, to);
  }

  /** Hashes b[i..] into the id's hash up to the first of the stop bytes (or n); returns where it stopped. */
  private hashTo(b: Uint8Array, i: number, n: number, s1: number, s2: number, s3: number): number {
    let a = this.ha;
    let h = this.hh;
    let j = i;
    while (j < n) {
      const d = b[j];
      if (d === s1 || d === s2 || d === s3) break;
      a = Math.imul(a ^ d, 0x01000193);
      h = Math.imul(h ^ d, 0x5bd1e995) ^ (h >>> 15);
      j++;
    }
    this.ha = a;
    this.hh = h;
    return j;
  }

  private endField(): void {
    if (this.field === this.col) {
      const hash = (this.ha >>> 0) * 0x100000 + ((this.hh >>> 0) & 0xfffff);
      this.ha = HASH_A0;
      this.hh = HASH_H0;
      if (this.spanTo >= 0) {
        this.onId(this.spanB, this.spanFrom, this.spanTo, hash);
        this.spanTo = -1;
      } else this.onId(this.buf, 0, this.len, hash);
    }
    this.field++;
  }

  private endRecord(): void {
    // A record without the column has an empty id there (as cells[col] ?? '').
    if (this.field <= this.col) this.onId(this.buf, 0, 0, EMPTY_HASH);
    this.ha = HASH_A0;
    this.hh = HASH_H0;
    this.field = 0;
    this.len = 0;
    this.spanTo = -1;
    this.mode = FIELD_START;
    this.atRecordStart = true;
  }

  /**
   * The record rules of RecordParser (csv-cells.ts), keeping only the id column's bytes.
   * Fields up to the id are read byte by byte (they are short: the id is the first or second
   * column); past the id only the record's end matters, and a quote that opens a field before
   * it: the scan jumps from one LF, CR or quote to the next (found by indexOf, native), never
   * looking at the bytes between. Why: the byte loop over whole records cost more than
   * inflating them. With the record counter's terminators (`list`) a record's end is the next
   * of them, and a record whose fields up to the id are plain is read whole in a fast lane
   * (locals only, no state kept between its bytes); the state machine reads the others.
   */
  scan(b: Uint8Array, from: number, list: RecordEnds | null): void {
    const bb = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
    const n = b.length;
    const delim = this.delim;
    const QUOTE = this.quote;
    const col = this.col;
    let mode = this.mode;
    let i = from;
    // The counter's terminators: b[endsFrom..] has no other (none listed: endsFrom n).
    const ends = list ? list.ends : NO_ENDS;
    const ne = list ? list.count : 0;
    const endsFrom = list ? list.from : n;
    let ep = 0;
    // The next LF, CR and quote at or after the scan's position (n: none left in the chunk);
    // found again only once the scan has passed them.
    let nLF = -1;
    let nCR = -1;
    let nQ = QUOTE < 0 ? n : -1;
    while (i < n) {
      if (this.atRecordStart) {
        const c = b[i];
        if (this.afterCR) {
          this.afterCR = false;
          if (c === LF) {
            i++;
            continue;
          }
        }
        if (c === LF || c === CR) {
          if (c === CR) this.afterCR = true;
          i++;
          continue; // an empty line: not a record
        }
        if (i >= endsFrom) {
          // Fast lane: a record read whole here, in locals, while its fields up to the id are
          // plain (unquoted, or quoted without `""` and closed right before a delimiter) and
          // its end is listed; anything else (and a record the chunk cuts) goes through the
          // state machine below, from the record's start.
          fast: {
            let j = i;
            for (let f = 0; f < col; f++) {
              if (b[j] === QUOTE) {
                j++;
                while (j < n && b[j] !== QUOTE) j++;
                j++;
              } else {
                while (j < n) {
                  const d = b[j];
                  if (d === delim || d === LF || d === CR) break;
                  j++;
                }
              }
              if (j >= n || b[j] !== delim) break fast;
              j++;
            }
            let a = HASH_A0;
            let h = HASH_H0;
            let from: number;
            let to: number;
            if (j < n && b[j] === QUOTE) {
              from = to = j + 1;
              while (to < n) {
                const d = b[to];
                if (d === QUOTE) break;
                a = Math.imul(a ^ d, 0x01000193);
                h = Math.imul(h ^ d, 0x5bd1e995) ^ (h >>> 15);
                to++;
              }
              if (to + 1 >= n) break fast;
              const d = b[to + 1];
              if (d !== delim && d !== LF && d !== CR) break fast;
            } else {
              from = to = j;
              while (to < n) {
                const d = b[to];
                if (d === delim || d === LF || d === CR) break;
                a = Math.imul(a ^ d, 0x01000193);
                h = Math.imul(h ^ d, 0x5bd1e995) ^ (h >>> 15);
                to++;
              }
              if (to >= n) break fast;
            }
            while (ep < ne && ends[ep] < to) ep++;
            if (ep === ne) break fast;
            const end = ends[ep++];
            this.onId(b, from, to, (a >>> 0) * 0x100000 + ((h >>> 0) & 0xfffff));
            i = end + 1;
            continue; // at the next record's start
          }
        }
        this.atRecordStart = false;
        mode = FIELD_START;
      }
      if (this.field > col && i >= endsFrom) {
        // Past the id, with the counter's terminators: the record ends at the next one.
        while (ep < ne && ends[ep] < i) ep++;
        if (ep === ne) {
          // It goes on in the next chunk, in the state the counter ended this one in.
          mode = list!.mode === 1 ? QUOTED : list!.mode === 2 ? QUOTE_PENDING : list!.atFieldStart ? FIELD_START : UNQUOTED;
          break;
        }
        const end = ends[ep++];
        i = end + 1;
        this.endRecord();
        mode = FIELD_START;
        if (b[end] === CR) this.afterCR = true;
        continue;
      }
      if (mode === FIELD_START) {
        if (b[i] === QUOTE) {
          mode = QUOTED;
          i++;
          continue;
        }
        mode = UNQUOTED;
      }
      if (mode === UNQUOTED) {
        if (this.field > col) {
          // Past the id. The byte at i is data (a quote there would have been read as such).
          // Right after a closing quote (every field quoted, as the seed's flattened files
          // are), the record's end or the next quoted field is the next byte or two: taken
          // without a search.
          const c = b[i];
          if (c === LF || c === CR) {
            i++;
            this.endRecord();
            mode = FIELD_START;
            if (c === CR) this.afterCR = true;
            continue;
          }
          if (c === delim && i + 1 < n && b[i + 1] === QUOTE) {
            i += 2;
            mode = QUOTED;
            continue;
          }
          if (nLF < i) {
            nLF = bb.indexOf(LF, i);
            if (nLF < 0) nLF = n;
          }
          if (nCR < i) {
            nCR = bb.indexOf(CR, i);
            if (nCR < 0) nCR = n;
          }
          if (nQ < i) {
            nQ = bb.indexOf(QUOTE, i);
            if (nQ < 0) nQ = n;
          }
          const end = nLF < nCR ? nLF : nCR;
          if (nQ < end) {
            // A quote before the record's end opens a quoted field only right after a delimiter.
            if (nQ > i && b[nQ - 1] === delim) mode = QUOTED;
            i = nQ + 1;
            continue;
          }
          if (end === n) {
            // The record goes on in the next chunk; a quote first there opens a field after a delimiter.
            if (b[n - 1] === delim) mode = FIELD_START;
            break;
          }
          i = end + 1;
          this.endRecord();
          mode = FIELD_START;
          if (b[end] === CR) this.afterCR = true;
          continue;
        }
        let j = i;
        if (this.field === col) {
          // The id's bytes: walked and hashed in one loop.
          j = this.hashTo(b, i, n, delim, LF, CR);
          this.piece(b, i, j);
        } else {
          while (j < n) {
            const d = b[j];
            if (d === delim || d === LF || d === CR) break;
            j++;
          }
        }
        i = j;
        if (j === n) break;
        const d = b[j];
        i++;
        this.endField();
        mode = FIELD_START;
        if (d !== delim) {
          this.endRecord();
          if (d === CR) this.afterCR = true;
        }
        continue;
      }
      if (mode === QUOTED) {
        let j: number;
        if (this.field === col) {
          // The quoted id: walked to its quote and hashed in one loop (ids are short).
          j = this.hashTo(b, i, n, QUOTE, QUOTE, QUOTE);
          this.piece(b, i, j);
        } else {
          // Another quoted field: its closing quote, by a short loop first (fields are short;
          // a native search costs a call), then by indexOf.
          const stop = i + 64 < n ? i + 64 : n;
          j = i;
          while (j < stop && b[j] !== QUOTE) j++;
          if (j === stop && stop < n) {
            if (nQ < j) {
              nQ = bb.indexOf(QUOTE, j);
              if (nQ < 0) nQ = n;
            }
            j = nQ;
          }
        }
        if (j < n) {
          mode = QUOTE_PENDING;
          i = j + 1;
        } else i = n;
        continue;
      }
      // QUOTE_PENDING: a second quote is a literal one; anything else closes the quotes.
      if (b[i] === QUOTE) {
        if (this.field === col) {
          this.ha = Math.imul(this.ha ^ QUOTE, 0x01000193);
          this.hh = Math.imul(this.hh ^ QUOTE, 0x5bd1e995) ^ (this.hh >>> 15);
          this.piece(b, i, i + 1);
        }
        mode = QUOTED;
        i++;
        continue;
      }
      mode = UNQUOTED;
    }
    this.mode = mode;
    // An id going on in the next chunk: its bytes so far are copied (the chunk may be reused).
    if (this.spanTo >= 0) {
      this.put(this.spanB, this.spanFrom, this.spanTo);
      this.spanTo = -1;
    }
  }
}
