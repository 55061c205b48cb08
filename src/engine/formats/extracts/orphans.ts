// Orphan rows of a flattened file: its account ids looked up in the main file's id set in
// batches (see OrphanBatch), told in record order.
import type { UidSet } from './uid-set';

/**
 * A flattened file's ids held against the main file's, a chunk at a time: the ids found in
 * the chunk (their bytes still in it) are looked up together (UidSet.hasHashes: the table's
 * cache misses overlap instead of one after another, ~3x faster), orphans told in record
 * order. An id not in the chunk (the reader copied it: it spanned chunks, or held `""`) is
 * looked up alone, after the ids before it.
 */
export class OrphanBatch {
  private hashes = new Float64Array(4096);
  private from = new Uint32Array(4096);
  private to = new Uint32Array(4096);
  private present = new Uint8Array(4096);
  private n = 0;
  private chunk: Uint8Array | null = null;

  constructor(
    private readonly against: UidSet,
    private readonly orphan: (id: string) => void,
  ) {}

  begin(chunk: Uint8Array): void {
    this.chunk = chunk;
  }

  id(b: Uint8Array, from: number, to: number, h: number): void {
    if (b !== this.chunk) {
      this.flush();
      if (!this.against.hasHash(h)) this.orphan(utf8Of(b, from, to));
      return;
    }
    if (this.n === this.hashes.length) this.grow();
    this.hashes[this.n] = h;
    this.from[this.n] = from;
    this.to[this.n] = to;
    this.n++;
  }

  /** The chunk's ids are looked up before the reader's push returns (the chunk is reused after). */
  end(): void {
    this.flush();
    this.chunk = null;
  }

  private flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    this.against.hasHashes(this.hashes, n, this.present);
    const b = this.chunk!;
    for (let k = 0; k < n; k++) if (this.present[k] === 0) this.orphan(utf8Of(b, this.from[k], this.to[k]));
  }

  private grow(): void {
    const m = this.hashes.length * 2;
    const h = new Float64Array(m);
    h.set(this.hashes);
    this.hashes = h;
    const f = new Uint32Array(m);
    f.set(this.from);
    this.from = f;
    const t = new Uint32Array(m);
    t.set(this.to);
    this.to = t;
    this.present = new Uint8Array(m);
  }
}

function utf8Of(b: Uint8Array, from: number, to: number): string {
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('utf8');
}
