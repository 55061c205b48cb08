// Random access to one cache entry: row r = one index read + one data read + a parse of
// that record. Works on an entry still being built (its files grow; only rows the builder
// reported as written are read) and keeps working after the build folder is renamed into
// place: it holds open file descriptors, and opens files not yet opened in the new place.
// A segment whose CSV was packed (packed-text.ts) is read from its packed blocks: found when
// its CSV (or the row index) is gone, or already known packed.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Dialect } from '../../shared/family';
import { segmentFile, type Segment } from './cache';
import { parseRecords, type RecordInfo } from './csv-cells';
import { isPacked, PackedSegment } from './packed-text';

export interface ReadRow {
  cells: string[];
  info: RecordInfo;
}

export class EntryReader {
  private readonly files = new Map<string, Promise<fsp.FileHandle>>();
  private readonly packed = new Map<number, Promise<PackedSegment>>();
  /** Some segment was found packed: reads go segment by segment. */
  private packedSeen = false;
  private closed = false;

  /**
   * @param dir folder holding the segments and rows.idx
   * @param dialect how the records are written (the entry's source dialect)
   * @param headerFields the header's field count (malformed detection)
   * @param rows records indexed so far (grows while building)
   * @param complete rows.idx ends with the end offset (the build finished)
   * @param segments where each data segment starts (grows while building)
   */
  constructor(
    private dir: string,
    private readonly dialect: Dialect,
    private headerFields: number,
    public rows: number,
    public complete: boolean,
    private segments: Segment[],
    /** Where the files end up when the build is renamed into place. */
    private readonly finalDir: string = dir,
  ) {}

  /** The build made progress (or finished). */
  update(rows: number, complete: boolean, headerFields?: number, segments?: Segment[]): void {
    this.rows = rows;
    this.complete = complete;
    if (headerFields !== undefined && headerFields >= 0) this.headerFields = headerFields;
    if (segments) this.segments = segments;
  }

  /** The build folder was renamed into place. */
  moved(dir: string): void {
    this.dir = dir;
  }

  /** Rows that can be read: while building, the last indexed record's end is not known yet. */
  get readable(): number {
    return this.complete ? this.rows : Math.max(0, this.rows - 1);
  }

  private file(name: string): Promise<fsp.FileHandle> {
    if (this.closed) return Promise.reject(new Error('EntryReader closed'));
    let f = this.files.get(name);
    if (!f) {
      const open = async (): Promise<fsp.FileHandle> => {
        try {
          return await fsp.open(path.join(this.dir, name), 'r');
        } catch (e) {
          // Renamed into place meanwhile: try where it went.
          if ((e as NodeJS.ErrnoException).code === 'ENOENT')
            return fsp.open(path.join(this.finalDir, name), 'r');
          throw e;
        }
      };
      f = open();
      this.files.set(name, f);
      f.catch(() => this.files.delete(name));
    }
    return f;
  }

  private static async readAt(
    fh: fsp.FileHandle,
    buf: Buffer,
    at: number,
    pos: number,
    len: number,
    what: string,
  ): Promise<void> {
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, at + got, len - got, pos + got);
      if (bytesRead === 0) throw new Error(`${what} ends early`);
      got += bytesRead;
    }
  }

  private async offsets(from: number, count: number): Promise<Float64Array> {
    const out = new Float64Array(count);
    const buf = Buffer.from(out.buffer);
    await EntryReader.readAt(
      await this.file('rows.idx'),
      buf,
      0,
      from * 8,
      count * 8,
      `row index of ${this.dir}`,
    );
    return out;
  }

  /** Bytes [start, end) of the member, across segments. */
  private async bytes(start: number, end: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(end - start);
    const segs = this.segments;
    let k = this.segmentWhere('start', start);
    let pos = start;
    while (pos < end) {
      const segEnd = k + 1 < segs.length ? segs[k + 1].start : Number.POSITIVE_INFINITY;
      const len = Math.min(end, segEnd) - pos;
      const fh = await this.file(segmentFile(k));
      await EntryReader.readAt(fh, buf, pos - start, pos - segs[k].start, len, `data of ${this.dir}`);
      pos += len;
      k++;
    }
    return buf;
  }

  /** Reads running (a released file is closed when none is). */
  private reading = 0;
  private toClose: Array<Promise<fsp.FileHandle>> = [];

  /**
   * Segment k was packed (here, in the background): the reader reads it packed from now on,
   * and lets its CSV (and, once every segment is packed, the row index) go, closed as soon
   * as no read is running, so that the deleted file's disk space is given back.
   */
  released(k: number, allPacked: boolean): void {
    this.packedSeen = true;
    for (const name of [segmentFile(k), ...(allPacked ? ['rows.idx'] : [])]) {
      const f = this.files.get(name);
      if (!f) continue;
      this.files.delete(name);
      this.toClose.push(f);
    }
    this.closeReleased();
  }

  private closeReleased(): void {
    if (this.reading > 0 || !this.toClose.length) return;
    for (const f of this.toClose.splice(0)) void f.then((h) => h.close()).catch(() => undefined);
  }

  /** Rows [from, from + count) (0-based, clipped to what is readable). */
  async readRange(from: number, count: number): Promise<ReadRow[]> {
    this.reading++;
    try {
      return await this.readRangeNow(from, count);
    } finally {
      this.reading--;
      this.closeReleased();
    }
  }

  private async readRangeNow(from: number, count: number): Promise<ReadRow[]> {
    const to = Math.min(this.readable, from + count);
    if (from < 0 || to <= from) return [];
    if (!this.packedSeen) {
      try {
        return await this.readCsv(from, to);
      } catch (e) {
        // Only a whole entry is packed; its CSV or row index gone means a segment was.
        if (!this.complete || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        this.packedSeen = true;
      }
    }
    const out: ReadRow[] = [];
    for (let r = from; r < to; ) {
      const k = this.segmentOfRow(r);
      const end = Math.min(to, k + 1 < this.segments.length ? this.segments[k + 1].firstRow : this.rows);
      const rows = await this.readSegment(k, r, end);
      for (const x of rows) out.push(x);
      r = end;
    }
    return out;
  }

  /** Rows [from, to) of segment k, packed or not. */
  private async readSegment(k: number, from: number, to: number): Promise<ReadRow[]> {
    if (this.packed.has(k) || isPacked(this.dir, k)) return this.readPacked(k, from, to);
    try {
      return await this.readCsv(from, to);
    } catch (e) {
      // Packed (and the CSV deleted) between the look and the read: the pack is whole.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && isPacked(this.dir, k)) return this.readPacked(k, from, to);
      throw e;
    }
  }

  /** The segment holding row r (0-based). */
  private segmentOfRow(r: number): number {
    return this.segmentWhere('firstRow', r);
  }

  /** The last segment whose `field` (its first byte or first row) is at most `value`. */
  private segmentWhere(field: 'start' | 'firstRow', value: number): number {
    const segs = this.segments;
    let k = 0;
    let hi = segs.length - 1;
    while (k < hi) {
      const mid = (k + hi + 1) >> 1;
      if (segs[mid][field] <= value) k = mid;
      else hi = mid - 1;
    }
    return k;
  }

  private async readPacked(k: number, from: number, to: number): Promise<ReadRow[]> {
    if (this.closed) throw new Error('EntryReader closed');
    let p = this.packed.get(k);
    if (!p) {
      p = PackedSegment.open(this.dir, k, this.segments[k].firstRow);
      this.packed.set(k, p);
      p.catch(() => this.packed.delete(k));
    }
    const first = this.segments[k].firstRow;
    return (await p).read(from - first, to - from, this.headerFields, this.dialect);
  }

  /** Rows [from, to) from the CSV segments and the row index. */
  private async readCsv(from: number, to: number): Promise<ReadRow[]> {
    const off = await this.offsets(from, to - from + 1);
    const buf = await this.bytes(off[0], off[to - from]);
    const atEof = this.complete && to === this.rows;
    const out = parseRecords(buf, this.headerFields, off[0], from + 1, to - from, atEof, this.dialect);
    if (out.length !== to - from) {
      throw new Error(
        `cache entry ${this.dir}: expected ${to - from} records at row ${from}, parsed ${out.length}`,
      );
    }
    return out;
  }

  /** Arbitrary rows (0-based), in the order given. */
  async readRows(rows: ArrayLike<number>): Promise<ReadRow[]> {
    const n = rows.length;
    if (n === 0) return [];
    // Runs of consecutive rows are read at once.
    const out = new Array<ReadRow>(n);
    const tasks: Promise<void>[] = [];
    let i = 0;
    while (i < n) {
      let j = i + 1;
      while (j < n && rows[j] === rows[j - 1] + 1) j++;
      const start = i;
      const from = rows[i];
      const count = j - i;
      tasks.push(
        this.readRange(from, count).then((rs) => {
          if (rs.length !== count) throw new Error(`row ${from + rs.length} is not readable yet`);
          for (let k = 0; k < count; k++) out[start + k] = rs[k];
        }),
      );
      i = j;
    }
    await Promise.all(tasks);
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.files.values(), ...this.toClose.splice(0)];
    this.files.clear();
    const packed = [...this.packed.values()];
    this.packed.clear();
    await Promise.all([
      ...all.map((f) => f.then((h) => h.close()).catch(() => undefined)),
      ...packed.map((p) => p.then((x) => x.close()).catch(() => undefined)),
    ]);
  }
}
