// Account ids (UID) of a run's main file, held compactly (52-bit hashes, sorted) so a
// flattened file's rows can be checked against them: a flattened row whose UID is not in
// the main file is an orphan. A hash collision can only hide an orphan (never invent one);
// with 52 bits and millions of accounts the odds are ~1e-9 per row.
import type { Dialect } from '../../../shared/family';
import { RecordParser } from '../../tables/csv-cells';

/**
 * Two 32-bit FNV-1a variants over the id's UTF-8 bytes, combined into an exact float64
 * integer (< 2^52). Bytes, so that ids read as raw DSV field bytes and ids parsed from JSON
 * hash alike without decoding every DSV field to a string.
 */
export function uidHashBytes(b: Uint8Array, from = 0, to = b.length): number {
  let a = 0x811c9dc5;
  let h = 0x01000193 ^ 0x5bd1e995;
  for (let i = from; i < to; i++) {
    const c = b[i];
    a = Math.imul(a ^ c, 0x01000193);
    h = Math.imul(h ^ c, 0x5bd1e995) ^ (h >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((h >>> 0) & 0xfffff);
}

export function uidHash(s: string): number {
  // ASCII ids (the usual _gid_… form) are their own UTF-8 bytes: no encoding needed.
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
  if (!ascii) return uidHashBytes(Buffer.from(s, 'utf8'));
  let a = 0x811c9dc5;
  let h = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    h = Math.imul(h ^ c, 0x5bd1e995) ^ (h >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((h >>> 0) & 0xfffff);
}

export class UidSet {
  private buf = new Float64Array(1024);
  private n = 0;
  private sorted = true;

  add(uid: string): void {
    this.addHash(uidHash(uid));
  }

  addHash(h: number): void {
    if (this.n === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = h;
    this.sorted = false;
  }

  get size(): number {
    return this.n;
  }

  has(uid: string): boolean {
    return this.hasHash(uidHash(uid));
  }

  hasHash(h: number): boolean {
    if (!this.sorted) {
      this.buf = this.buf.subarray(0, this.n).sort();
      this.sorted = true;
    }
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

/**
 * The account-id column of DSV records, read as the bytes stream by (beside the record
 * counter, from the same decoded chunks): the column is found from the header or the first
 * SAMPLE records (uidColumn), then each record's id is handed over as its raw field bytes,
 * never decoded to a string.
 */
export class UidColumnReader {
  private static readonly SAMPLE = 50;
  private readonly parser: RecordParser;
  private col = -1;
  private decided = false;
  private readonly sample: string[][] = [];

  constructor(
    dialect: Dialect,
    private readonly onId: (bytes: Uint8Array, from: number, to: number) => void,
  ) {
    this.parser = new RecordParser(null, { dialect, raw: true }, (bytes, ends, fields) => this.record(bytes, ends, fields));
    this.named = dialect.header;
  }

  private readonly named: boolean;

  /** The column read (-1 when none looks like an account id). */
  get column(): number {
    return this.col;
  }

  private record(bytes: Uint8Array, ends: Uint32Array, fields: number): void {
    if (!this.decided && this.named && this.parser.header) {
      // With a header, a column named UID decides at once.
      const named = this.parser.header.findIndex((c) => /^uid$/i.test(c.trim()));
      if (named >= 0) [this.col, this.decided] = [named, true];
    }
    if (!this.decided) {
      const cells: string[] = [];
      let s = 0;
      for (let k = 0; k < fields; k++) {
        cells.push(Buffer.from(bytes.buffer, bytes.byteOffset + s, ends[k] - s).toString('utf8'));
        s = ends[k];
      }
      this.sample.push(cells);
      if (this.sample.length >= UidColumnReader.SAMPLE) this.decide();
      return;
    }
    const c = this.col;
    if (c < 0 || c >= fields) {
      if (c >= 0) this.onId(bytes, 0, 0);
      return;
    }
    this.onId(bytes, c === 0 ? 0 : ends[c - 1], ends[c]);
  }

  private decide(): void {
    this.decided = true;
    this.col = uidColumn(this.parser.header ?? [], this.sample);
    if (this.col >= 0) {
      for (const r of this.sample) {
        const b = Buffer.from(r[this.col] ?? '', 'utf8');
        this.onId(b, 0, b.length);
      }
    }
    this.sample.length = 0;
  }

  push(chunk: Uint8Array): void {
    this.parser.push(chunk);
  }

  finish(): void {
    this.parser.finish();
    if (!this.decided) this.decide();
  }
}
