// Account ids (UID) of a run's main file, held compactly (52-bit hashes, a hash table) so a
// flattened file's rows can be checked against them: a flattened row whose UID is not in
// the main file is an orphan. A hash collision can only hide an orphan (never invent one);
// with 52 bits and millions of accounts the odds are ~1e-9 per row.
import type { Dialect } from '../../../shared/family';
import type { RecordEnds } from '../../csv/record-counter';
import { RecordParser } from '../../tables/csv-cells';

/**
 * Two 32-bit FNV-1a variants over the id's UTF-8 bytes, combined into an exact float64
 * integer (< 2^52). Bytes, so that ids read as raw DSV field bytes and ids parsed from JSON
 * hash alike without decoding every DSV field to a string.
 */
export function uidHashBytes(b: Uint8Array, from = 0, to = b.length): number {
  let a = HASH_A0;
  let h = HASH_H0;
  for (let i = from; i < to; i++) {
    const c = b[i];
    a = Math.imul(a ^ c, 0x01000193);
    h = Math.imul(h ^ c, 0x5bd1e995) ^ (h >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((h >>> 0) & 0xfffff);
}

/** The hash's two states before any byte (UidColumnReader carries them across an id's pieces). */
const HASH_A0 = 0x811c9dc5;
const HASH_H0 = 0x01000193 ^ 0x5bd1e995;
const EMPTY_HASH = (HASH_A0 >>> 0) * 0x100000 + ((HASH_H0 >>> 0) & 0xfffff);

export function uidHash(s: string): number {
  // ASCII ids (the usual _gid_… form) are their own UTF-8 bytes: no encoding needed.
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
  if (!ascii) return uidHashBytes(Buffer.from(s, 'utf8'));
  let a = HASH_A0;
  let h = HASH_H0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    h = Math.imul(h ^ c, 0x5bd1e995) ^ (h >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((h >>> 0) & 0xfffff);
}

/**
 * Arrays of a disposed set, for the next one (a worker reads one run at a time). Why: a main
 * file's ids fill tens of MB; fresh arrays for every run were faulted in page by page again
 * (the appends and the table build took 3-5x longer than into memory already used).
 */
const spare: { buf: Float64Array | null; table: Uint32Array | null; scratch: Uint32Array | null; first: Uint32Array | null } = {
  buf: null,
  table: null,
  scratch: null,
  first: null,
};
/** The table is built in runs of ids sorted into 2^PART_BITS parts of it. */
const PART_BITS = 8;
/**
 * Ids a new set has room for. Big on purpose: a zeroed array's pages are faulted in only when
 * written, so room not used costs nothing, while growing by doubling wrote (and faulted in)
 * every id twice more: the copies were ~15% of a cold scan's page faults.
 */
const INITIAL_IDS = 1 << 21;
/** Arrays bigger than this are not kept for the next set. */
const SPARE_MAX_BYTES = 64 << 20;

export class UidSet {
  private buf: Float64Array;
  private n = 0;
  /**
   * Open-addressing table of 32-bit fingerprints (0 = empty), built at the first lookup. Why
   * fingerprints, not the hashes: a main file holds millions of ids and every insert is a
   * random memory access; a table a quarter of the size (4 bytes a slot, load ~0.6) misses
   * the CPU caches far less (build 3x faster than a Float64Array of hashes). The slot comes
   * from the hash's low 32 bits, the fingerprint from all 52: a false "present" needs two ids
   * to agree on both (odds ~2^-31 per lookup within one probe run).
   */
  private table: Uint32Array | null = null;
  /** The table's array, kept while ids are added (the table is rebuilt at the next lookup). */
  private tableBuf: Uint32Array | null;
  private shift = 0;
  private mask = 0;

  constructor() {
    this.buf = spare.buf ?? new Float64Array(INITIAL_IDS);
    this.tableBuf = spare.table;
    spare.buf = spare.table = null;
  }

  /** Gives the set's arrays to the next set made in this thread; the set is empty after. */
  dispose(): void {
    if (this.buf.byteLength <= SPARE_MAX_BYTES) spare.buf = this.buf;
    if (this.tableBuf && this.tableBuf.byteLength <= SPARE_MAX_BYTES) spare.table = this.tableBuf;
    this.buf = new Float64Array(0);
    this.tableBuf = this.table = null;
    this.n = 0;
  }

  add(uid: string): void {
    this.addHash(uidHash(uid));
  }

  addHash(h: number): void {
    if (this.n === this.buf.length) {
      const b = new Float64Array(Math.max(1024, this.buf.length * 2));
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = h;
    this.table = null;
  }

  get size(): number {
    return this.n;
  }

  has(uid: string): boolean {
    return this.hasHash(uidHash(uid));
  }

  hasHash(h: number): boolean {
    const t = this.table ?? this.build();
    // h | 0 is h's low 32 bits (ToInt32 is modulo 2^32): what `h % 2^32 | 0` is, without
    // the float modulo (a call in V8, ~10 ns).
    const lo = h | 0;
    const fp = ((Math.imul((h / 4294967296) | 0, 0x85ebca6b) ^ lo) | 1) >>> 0;
    const mask = this.mask;
    for (let i = Math.imul(lo, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const v = t[i];
      if (v === fp) return true;
      if (v === 0) return false;
    }
  }

  /**
   * hasHash for hashes[0, n): present[k] is 1 where hashes[k] is in the set, else 0. Why a
   * batch: a lookup is one random access into a table of several MB (~150 ns, a cache miss);
   * the batch first loads every id's first slot in a loop whose loads do not wait on one
   * another (the CPU keeps many misses in flight), then resolves them from the cache.
   */
  hasHashes(hashes: Float64Array, n: number, present: Uint8Array): void {
    const t = this.table ?? this.build();
    const shift = this.shift;
    const mask = this.mask;
    let first = spare.first;
    if (!first || first.length < n) first = spare.first = new Uint32Array(Math.max(n, 1024));
    for (let k = 0; k < n; k++) first[k] = t[Math.imul(hashes[k] | 0, 0x9e3779b1) >>> shift];
    for (let k = 0; k < n; k++) {
      const h = hashes[k];
      const lo = h | 0;
      const fp = ((Math.imul((h / 4294967296) | 0, 0x85ebca6b) ^ lo) | 1) >>> 0;
      let v = first[k];
      let i = Math.imul(lo, 0x9e3779b1) >>> shift;
      while (v !== fp && v !== 0) {
        i = (i + 1) & mask;
        v = t[i];
      }
      present[k] = v === fp ? 1 : 0;
    }
  }

  private build(): Uint32Array {
    let bits = 10;
    while (1 << bits < this.n * 1.6 && bits < 30) bits++;
    let t = this.tableBuf;
    if (t && t.length >= 1 << bits && t.length <= 4 << bits) {
      bits = 31 - Math.clz32(t.length);
      t.fill(0);
    } else t = new Uint32Array(1 << bits);
    this.tableBuf = t;
    const mask = (1 << bits) - 1;
    const shift = 32 - bits;
    const buf = this.buf;
    const n = this.n;
    // Inserted in slot order, roughly: the ids are first sorted into PARTS runs by their
    // slot's top bits (a counting sort, sequential writes), so each run's inserts stay inside
    // 1/PARTS of the table, in cache, instead of one random memory access each (2x faster).
    const partShift = Math.max(0, bits - PART_BITS);
    const starts = new Uint32Array((1 << PART_BITS) + 1);
    for (let k = 0; k < n; k++)
      starts[((Math.imul(buf[k] | 0, 0x9e3779b1) >>> shift) >>> partShift) + 1]++;
    for (let q = 1; q < starts.length; q++) starts[q] += starts[q - 1];
    const sorted = spare.scratch && spare.scratch.length >= 2 * n ? spare.scratch : new Uint32Array(2 * n);
    spare.scratch = null;
    for (let k = 0; k < n; k++) {
      const h = buf[k];
      const lo = h | 0;
      const slot = Math.imul(lo, 0x9e3779b1) >>> shift;
      const d = 2 * starts[slot >>> partShift]++;
      sorted[d] = slot;
      sorted[d + 1] = ((Math.imul((h / 4294967296) | 0, 0x85ebca6b) ^ lo) | 1) >>> 0;
    }
    for (let d = 0; d < 2 * n; d += 2) {
      const fp = sorted[d + 1];
      let i = sorted[d];
      while (t[i] !== 0 && t[i] !== fp) i = (i + 1) & mask;
      t[i] = fp;
    }
    if (sorted.byteLength <= SPARE_MAX_BYTES) spare.scratch = sorted;
    this.mask = mask;
    this.shift = shift;
    this.table = t;
    return t;
  }
}

/** The UID column of a table: a column named UID, else one whose values look like _gid_ ids. */
export function uidColumn(columns: string[], sample: string[][]): number {
  const named = columns.findIndex((c) => /^uid$/i.test(c.trim()));
  if (named >= 0) return named;
  const width = sample.reduce((w, r) => Math.max(w, r.length), 0);
  let best = -1;
  let bestHits = 0;
  for (let c = 0; c < width; c++) {
    const hits = sample.filter((r) => /^_gid_/.test(r[c] ?? '')).length;
    if (hits > bestHits) [best, bestHits] = [c, hits];
  }
  return bestHits >= Math.max(1, sample.length / 2) ? best : -1;
}

const LF = 0x0a;
const CR = 0x0d;
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_PENDING = 3;
const NO_ENDS = new Int32Array(0);

/**
 * The account-id column of DSV records, read as the bytes stream by (beside the record
 * counter, from the same decoded chunks). The column is found from the header or the first
 * SAMPLE records (uidColumn; those go through the table browser's RecordParser, so the record
 * rules are the same), then a scanner that copies nothing but that column's bytes reads the
 * rest: fields before and after it are skipped (quoted ones by indexOf), each id is handed
 * over as raw bytes, never decoded to a string, with its uidHashBytes hash computed on the
 * way (an id's bytes are walked once: the hash's state is carried across its pieces). Why
 * not the RecordParser throughout: it copies every field of every record, which cost more
 * than decoding the file.
 */
export class UidColumnReader {
  private static readonly SAMPLE = 50;
  private readonly parser: RecordParser;
  private col = -1;
  private decided = false;
  private readonly sample: string[][] = [];
  private readonly named: boolean;
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
    /** An id: its bytes bytes[from, to) (valid during the call only) and their uidHashBytes. */
    private readonly onId: (bytes: Uint8Array, from: number, to: number, hash: number) => void,
  ) {
    this.parser = new RecordParser(null, { dialect, raw: true }, (bytes, ends, fields) =>
      this.sampled(bytes, ends, fields),
    );
    this.named = dialect.header;
    this.delim = dialect.delimiter.charCodeAt(0);
    this.quote = dialect.quote === null ? -1 : dialect.quote.charCodeAt(0);
  }

  /** The column read (-1 when none looks like an account id). */
  get column(): number {
    return this.col;
  }

  /** A record of the sampling phase; false stops the parser once the column is known. */
  private sampled(bytes: Uint8Array, ends: Uint32Array, fields: number): boolean {
    if (this.named && this.parser.header) {
      // With a header, a column named UID decides at once.
      const named = this.parser.header.findIndex((c) => /^uid$/i.test(c.trim()));
      if (named >= 0) {
        this.decide(named);
        this.emit(bytes, ends, fields);
        return false;
      }
    }
    const cells: string[] = [];
    let s = 0;
    for (let k = 0; k < fields; k++) {
      cells.push(Buffer.from(bytes.buffer, bytes.byteOffset + s, ends[k] - s).toString('utf8'));
      s = ends[k];
    }
    this.sample.push(cells);
    if (this.sample.length < UidColumnReader.SAMPLE) return true;
    this.decide(uidColumn(this.parser.header ?? [], this.sample));
    return false;
  }

  private emit(bytes: Uint8Array, ends: Uint32Array, fields: number): void {
    const c = this.col;
    if (c >= fields) this.onId(bytes, 0, 0, EMPTY_HASH);
    else {
      const from = c === 0 ? 0 : ends[c - 1];
      this.onId(bytes, from, ends[c], uidHashBytes(bytes, from, ends[c]));
    }
  }

  private decide(col: number): void {
    this.decided = true;
    this.col = col;
    if (col >= 0) {
      for (const r of this.sample) {
        const b = Buffer.from(r[col] ?? '', 'utf8');
        this.onId(b, 0, b.length, uidHashBytes(b));
      }
    }
    this.sample.length = 0;
  }

  /**
   * `ends`: the record counter's terminators of this same chunk (CsvRecordCounter, option
   * recordEnds), counted by the same record rules: past the id the scanner jumps to the next
   * of them instead of looking for the record's end itself.
   */
  push(chunk: Uint8Array, ends: RecordEnds | null = null): void {
    if (!this.decided) {
      const before = this.parser.offset;
      this.parser.push(chunk);
      if (!this.decided) return;
      // The parser stopped just past the deciding record: the scanner reads on from there.
      const used = this.parser.offset - before;
      if (this.col >= 0 && used < chunk.length) this.scan(chunk, used, ends);
      return;
    }
    if (this.col >= 0) this.scan(chunk, 0, ends);
  }

  finish(): void {
    if (!this.decided) {
      this.parser.finish();
      if (!this.decided) this.decide(uidColumn(this.parser.header ?? [], this.sample));
      return;
    }
    if (this.col >= 0 && !this.atRecordStart) {
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
  private scan(b: Uint8Array, from: number, list: RecordEnds | null): void {
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
