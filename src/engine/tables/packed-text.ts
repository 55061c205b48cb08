// The packed text of a cache entry's segment: once the segment's analysis store (store.ts)
// is built from data[.N].csv, the CSV is no longer read whole, only row by row for the grid;
// it is then packed into blocks of BLOCK_ROWS records, each raw-deflated on its own:
//
//   data[.N].z    the blocks, one after the other (each starts at a record start)
//   data[.N].zx   Float64 LE: the offset of every block in data[.N].z, then its size; then
//                 the offset of every block's first byte in the member's UTF-8 stream, then
//                 the segment's end (RecordInfo.offset stays what the CSV reading gives)
//
// and data[.N].csv is deleted (rows.idx too when no CSV segment is left). The text is the
// same bytes, read by the same parser (csv-cells.ts), so every cell stays exactly what the
// archive holds, malformed records included. Row r = one index entry (kept in memory) + one
// read of its block + an inflate of ~25 KB + a parse of at most BLOCK_ROWS records.
// Measured on a 64 MiB segment of the 10M-row bench table: deflate level 1 packs it to
// 0.35 of its size; with the Parquet store (~0.19) the entry is ~0.55x the CSV instead of
// 1.4x (CSV + row index + Parquet).
//
// Packing writes both files under temporary names and renames the index first and the data
// last: data[.N].z present means the segment is packed whole. A reader that finds the CSV
// gone (another process packed it) reads the packed form; one holding the CSV open keeps
// reading it (POSIX keeps an unlinked file's data while it is open).
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Dialect } from '../../shared/family';
import { packedFile, packedIndexFile, segmentFile, segmentRows, type EntryMeta } from './cache';
import { parseRecords } from './csv-cells';
import type { ReadRow } from './entry-reader';

export const BLOCK_ROWS = 256;

const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

/** Segment k of the entry is packed (its CSV may be gone). */
export const isPacked = (entryDir: string, k: number): boolean => existsSync(path.join(entryDir, packedFile(k)));

const tmpName = (f: string): string => `${f}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;

/**
 * Packs segment k of a built entry (idempotent; a no-op for an empty segment) and deletes
 * its CSV; the row index goes with the last CSV segment.
 */
export async function packSegment(entryDir: string, meta: EntryMeta, k: number, signal?: AbortSignal): Promise<void> {
  const rows = segmentRows(meta, k);
  if (rows === 0 || isPacked(entryDir, k)) return;
  const seg = meta.segments[k];
  const csv = path.join(entryDir, segmentFile(k));
  let idx: fsp.FileHandle;
  let src: fsp.FileHandle;
  try {
    idx = await fsp.open(path.join(entryDir, 'rows.idx'), 'r');
  } catch (e) {
    if (isPacked(entryDir, k)) return; // packed meanwhile by another process
    throw e;
  }
  try {
    try {
      src = await fsp.open(csv, 'r');
    } catch (e) {
      if (isPacked(entryDir, k)) return;
      throw e;
    }
    // Record starts of the segment's rows, and the end of its last record.
    const off = new Float64Array(rows + 1);
    await readFull(idx, Buffer.from(off.buffer), seg.firstRow * 8, "the entry's row index");
    const blocks = Math.ceil(rows / BLOCK_ROWS);
    const zx = new Float64Array(2 * (blocks + 1));
    const out = path.join(entryDir, packedFile(k));
    const outIdx = path.join(entryDir, packedIndexFile(k));
    const tmp = tmpName(out);
    const tmpIdx = tmpName(outIdx);
    const dst = await fsp.open(tmp, 'w');
    try {
      let pos = 0;
      for (let b = 0; b < blocks; b++) {
        signal?.throwIfAborted();
        const from = off[b * BLOCK_ROWS] - seg.start;
        const to = off[Math.min(rows, (b + 1) * BLOCK_ROWS)] - seg.start;
        const raw = Buffer.allocUnsafe(to - from);
        await readFull(src, raw, from, `segment ${k} of the entry`);
        const z = await deflate(raw, { level: 1 });
        zx[b] = pos;
        zx[blocks + 1 + b] = off[b * BLOCK_ROWS];
        await dst.write(z, 0, z.length, pos);
        pos += z.length;
      }
      zx[blocks] = pos;
      zx[2 * blocks + 1] = off[rows];
      await dst.close();
      await fsp.writeFile(tmpIdx, new Uint8Array(zx.buffer));
      await fsp.rename(tmpIdx, outIdx);
      await fsp.rename(tmp, out);
    } catch (e) {
      await dst.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      await fsp.rm(tmpIdx, { force: true });
      throw e;
    }
  } finally {
    await idx.close();
    // src is closed below (after the unlink: the data stays readable for this process).
  }
  await src!.close();
  // A file open elsewhere cannot be deleted on Windows: it then stays (a bigger cache, no harm).
  await fsp.rm(csv, { force: true }).catch(() => undefined);
  if (meta.segments.every((_, j) => segmentRows(meta, j) === 0 || isPacked(entryDir, j)))
    await fsp.rm(path.join(entryDir, 'rows.idx'), { force: true }).catch(() => undefined);
}

async function readFull(fh: fsp.FileHandle, buf: Buffer, pos: number, what: string): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, pos + got);
    if (bytesRead === 0) throw new Error(`${what} ends early`);
    got += bytesRead;
  }
}

/** Reads rows of one packed segment. */
export class PackedSegment {
  private constructor(
    private readonly fh: fsp.FileHandle,
    /** Compressed offsets of the blocks, then their end. */
    private readonly zx: Float64Array,
    /** Member offsets of the blocks' first bytes. */
    private readonly at: Float64Array,
    /** Global row of the segment's first record. */
    private readonly firstRow: number,
  ) {}

  static async open(entryDir: string, k: number, firstRow: number): Promise<PackedSegment> {
    const fh = await fsp.open(path.join(entryDir, packedFile(k)), 'r');
    try {
      const b = await fsp.readFile(path.join(entryDir, packedIndexFile(k)));
      const all = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      const half = all.length / 2;
      return new PackedSegment(fh, all.subarray(0, half), all.subarray(half), firstRow);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** Rows [from, from + count) of the segment (segment-relative), in order. */
  async read(from: number, count: number, headerFields: number, dialect: Dialect): Promise<ReadRow[]> {
    if (count <= 0) return [];
    const b0 = Math.floor(from / BLOCK_ROWS);
    const b1 = Math.floor((from + count - 1) / BLOCK_ROWS);
    if (b1 + 1 >= this.zx.length) throw new Error(`packed segment: row ${from + count - 1} is past its end`);
    const z = Buffer.allocUnsafe(this.zx[b1 + 1] - this.zx[b0]);
    await readFull(this.fh, z, this.zx[b0], 'packed segment');
    const parts: Buffer[] = [];
    for (let b = b0; b <= b1; b++)
      parts.push(await inflate(z.subarray(this.zx[b] - this.zx[b0], this.zx[b + 1] - this.zx[b0])));
    const skip = from - b0 * BLOCK_ROWS;
    // Blocks end at record starts: the slice holds whole records (atEof only completes a
    // last record without a terminator, as in EntryReader.readRange).
    const recs = parseRecords(
      Buffer.concat(parts),
      headerFields,
      this.at[b0],
      this.firstRow + b0 * BLOCK_ROWS + 1,
      skip + count,
      true,
      dialect,
    );
    if (recs.length !== skip + count)
      throw new Error(`packed segment: expected ${skip + count} records at row ${this.firstRow + b0 * BLOCK_ROWS}, parsed ${recs.length}`);
    return recs.slice(skip);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
