// The account-id (UID) column of DSV files: which column holds the ids (by name, else by a
// sample of values), and the reader that hands every record's id to the caller. The ids are
// held by UidSet (uid-set.ts) and hashed by uid-hash.ts; the bytes after the sample are read
// by UidScanner (uid-scanner.ts).
import type { Dialect } from '../../../shared/family';
import type { RecordEnds } from '../../csv/count-types';
import { RecordParser } from '../../tables/csv-cells';
import { UidScanner } from './uid-scanner';
import { EMPTY_HASH, uidHashBytes } from './uid-hash';

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
 * counter, from the same decoded chunks). The column is found from the header or the first
 * SAMPLE records (uidColumn; those go through the table browser's RecordParser, so the record
 * rules are the same), then a scanner that copies nothing but that column's bytes reads the
 * rest (UidScanner). Why not the RecordParser throughout: it copies every field of every
 * record, which cost more than decoding the file.
 */
export class UidColumnReader {
  private static readonly SAMPLE = 50;
  private readonly parser: RecordParser;
  private col = -1;
  private decided = false;
  private readonly sample: string[][] = [];
  private readonly named: boolean;
  /** Reads the records after the sample (once a column is decided). */
  private scanner: UidScanner | null = null;

  constructor(
    private readonly dialect: Dialect,
    /** An id: its bytes bytes[from, to) (valid during the call only) and their uidHashBytes. */
    private readonly onId: (bytes: Uint8Array, from: number, to: number, hash: number) => void,
  ) {
    this.parser = new RecordParser(null, { dialect, raw: true }, (bytes, ends, fields) =>
      this.sampled(bytes, ends, fields),
    );
    this.named = dialect.header;
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
      this.scanner = new UidScanner(this.dialect, col, this.onId);
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
      if (this.scanner && used < chunk.length) this.scanner.scan(chunk, used, ends);
      return;
    }
    if (this.scanner) this.scanner.scan(chunk, 0, ends);
  }

  finish(): void {
    if (!this.decided) {
      this.parser.finish();
      if (!this.decided) this.decide(uidColumn(this.parser.header ?? [], this.sample));
      return;
    }
    this.scanner?.finish();
  }
}
