// Account ids (UID) of a run's main file, held compactly (52-bit hashes, sorted) so a
// flattened file's rows can be checked against them: a flattened row whose UID is not in
// the main file is an orphan. A hash collision can only hide an orphan (never invent one);
// with 52 bits and millions of accounts the odds are ~1e-9 per row.

/** Two 32-bit FNV-1a variants combined into an exact float64 integer (< 2^52). */
export function uidHash(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

export class UidSet {
  private buf = new Float64Array(1024);
  private n = 0;
  private sorted = true;

  add(uid: string): void {
    if (this.n === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = uidHash(uid);
    this.sorted = false;
  }

  get size(): number {
    return this.n;
  }

  has(uid: string): boolean {
    if (!this.sorted) {
      this.buf = this.buf.subarray(0, this.n).sort();
      this.sorted = true;
    }
    const h = uidHash(uid);
    let lo = 0;
    let hi = this.n - 1;
    const b = this.buf;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = b[mid];
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
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
