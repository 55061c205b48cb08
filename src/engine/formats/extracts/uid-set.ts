// Account ids (UID) of a run's main file, held compactly (52-bit hashes, a hash table) so a
// flattened file's rows can be checked against them: a flattened row whose UID is not in
// the main file is an orphan. A hash collision can only hide an orphan (never invent one);
// with 52 bits and millions of accounts the odds are ~1e-9 per row. Separate from the readers
// (uids.ts): this is the memory layout and lookups, tuned for cache misses, not for parsing.
import { uidHash } from './uid-hash';

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
