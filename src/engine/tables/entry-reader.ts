// Random access to one cache entry: row r = one index read + one data read + a parse of
// that record. Works on an entry still being built (its files grow; only rows the builder
// reported as written are read) and keeps working after the build folder is renamed into
// place, because it holds open file descriptors.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { parseRecords, type RecordInfo } from './csv-cells';

export interface ReadRow {
  cells: string[];
  info: RecordInfo;
}

export class EntryReader {
  private data: fsp.FileHandle | null = null;
  private idx: fsp.FileHandle | null = null;
  private opening: Promise<void> | null = null;
  private closed = false;

  /**
   * @param dir folder holding data.csv and rows.idx
   * @param headerFields the header's field count (malformed detection)
   * @param rows records readable now (grows while building; see setRows)
   * @param complete rows.idx ends with the end offset (the build finished)
   */
  constructor(
    private dir: string,
    private headerFields: number,
    public rows: number,
    public complete: boolean,
  ) {}

  /** The build made progress (or finished). */
  update(rows: number, complete: boolean, headerFields?: number): void {
    this.rows = rows;
    this.complete = complete;
    if (headerFields !== undefined && headerFields >= 0) this.headerFields = headerFields;
  }

  /** The build folder was renamed into place: files not opened yet are found there. */
  moved(dir: string): void {
    if (!this.data && !this.opening) this.dir = dir;
  }

  /** Rows that can be read: while building, the last indexed record's end is not known yet. */
  get readable(): number {
    return this.complete ? this.rows : Math.max(0, this.rows - 1);
  }

  private async open(): Promise<void> {
    if (this.data) return;
    if (this.closed) throw new Error('EntryReader closed');
    this.opening ??= (async () => {
      const data = await fsp.open(path.join(this.dir, 'data.csv'), 'r');
      try {
        this.idx = await fsp.open(path.join(this.dir, 'rows.idx'), 'r');
      } catch (e) {
        await data.close();
        throw e;
      }
      this.data = data;
    })();
    try {
      await this.opening;
    } finally {
      this.opening = null;
    }
  }

  private async offsets(from: number, count: number): Promise<Float64Array> {
    const buf = Buffer.allocUnsafe(count * 8);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await this.idx!.read(buf, got, buf.length - got, from * 8 + got);
      if (bytesRead === 0) throw new Error(`row index of ${this.dir} ends early`);
      got += bytesRead;
    }
    // Copy into an aligned buffer (Buffer pool slices may be unaligned).
    const out = new Float64Array(count);
    new Uint8Array(out.buffer).set(buf);
    return out;
  }

  private async bytes(start: number, end: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await this.data!.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) throw new Error(`data of ${this.dir} ends early`);
      got += bytesRead;
    }
    return buf;
  }

  /** Rows [from, from + count) (0-based, clipped to what is readable). */
  async readRange(from: number, count: number): Promise<ReadRow[]> {
    const to = Math.min(this.readable, from + count);
    if (from < 0 || to <= from) return [];
    await this.open();
    const off = await this.offsets(from, to - from + 1);
    const buf = await this.bytes(off[0], off[to - from]);
    const atEof = this.complete && to === this.rows;
    const out = parseRecords(buf, this.headerFields, off[0], from + 1, to - from, atEof);
    if (out.length !== to - from) throw new Error(`cache entry ${this.dir}: expected ${to - from} records at row ${from}, parsed ${out.length}`);
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
    const d = this.data;
    const x = this.idx;
    this.data = null;
    this.idx = null;
    await d?.close().catch(() => undefined);
    await x?.close().catch(() => undefined);
  }
}
