// The packed text of a cache entry's segment: once the segment's analysis store (store.ts)
// is built from data[.N].csv, the CSV is no longer read whole, only row by row for the grid;
// it is then packed into blocks of BLOCK_ROWS records, each inflatable on its own:
//
//   data[.N].z    the blocks, one after the other (each starts at a record start)
//   data[.N].zx   Float64 LE: the offset of every block in data[.N].z, then its size; then
//                 the offset of every block's first byte in the member's UTF-8 stream, then
//                 the segment's end (RecordInfo.offset stays what the CSV reading gives)
//
// and data[.N].csv is deleted (rows.idx too when no CSV segment is left). The text is the
// same bytes, read by the same parser (csv-cells.ts), so every cell stays exactly what the
// archive holds, malformed records included. Row r = one index entry (kept in memory) + one
// read of its block + an inflate of ~6 KB + a parse of at most BLOCK_ROWS records.
// Measured on the 10M-row bench table (971 MB CSV): deflate level 1 in blocks of 64 records
// packs the text to ~0.36 of its size, the entry with its Parquet store 528 MB (0.54x) instead
// of 1.2 GB (CSV + row index + Parquet); packing cost 27 s of CPU on a loaded machine (load
// 4-11; one deflate stream fully flushed per block: a stream per block cost twice that), 100
// scattered rows 12-18 ms, a page of 100 rows under 1 ms.
//
// Packing writes both files under temporary names and renames the index first and the data
// last: data[.N].z present means the segment is packed whole. A reader that finds the CSV
// gone (packed meanwhile, here or by another process) reads the packed form; one holding the
// CSV open keeps reading it (POSIX keeps an unlinked file's data while it is open). A packing
// killed midway leaves the CSV (the entry stays whole) and temporary files, which the next
// packing of that segment removes; killed between the rename and the delete, it leaves both
// forms, and the next packing deletes the CSV. Packing runs in the background, after the
// stores answer queries (text-packer.ts).
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Dialect } from '../../shared/family';
import { packedFile, packedIndexFile, processAlive, segmentFile, segmentRows, type EntryMeta } from './cache';
import { parseRecords } from './csv-cells';
import type { ReadRow } from './entry-reader';

export const BLOCK_ROWS = 64;

/** Bytes read from the CSV (and written packed) at a time. */
const WINDOW = 4 * 1024 * 1024;

/** Segment k of the entry is packed (its CSV may be gone). */
export const isPacked = (entryDir: string, k: number): boolean =>
  existsSync(path.join(entryDir, packedFile(k)));

const tmpName = (f: string): string => `${f}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;

/** Temporary files of segment k's packing left by a process that is gone (killed midway). */
async function removeDeadTemps(entryDir: string, k: number): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(entryDir);
  } catch {
    return;
  }
  for (const f of [packedFile(k), packedIndexFile(k)]) {
    for (const n of names) {
      const pid = n.startsWith(`${f}.`) && n.endsWith('.tmp') ? Number(n.slice(f.length + 1).split('.')[0]) : NaN;
      if (Number.isSafeInteger(pid) && !processAlive(pid))
        await fsp.rm(path.join(entryDir, n), { force: true }).catch(() => undefined);
    }
  }
}

/**
 * Packs segment k of a built entry (idempotent; a no-op for an empty segment) and deletes
 * its CSV; the row index goes with the last CSV segment. `pause` is asked before every
 * block: a promise it returns is waited for (background packing yields to queries).
 */
export async function packSegment(
  entryDir: string,
  meta: EntryMeta,
  k: number,
  signal?: AbortSignal,
  pause?: () => Promise<void> | null,
): Promise<void> {
  if (segmentRows(meta, k) === 0) return;
  await removeDeadTemps(entryDir, k);
  if (!isPacked(entryDir, k)) await writePacked(entryDir, meta, k, signal, pause);
  if (!isPacked(entryDir, k)) throw new Error(`packing segment ${k} of ${entryDir} left no packed text`);
  // Also when packed by a run killed before it deleted the CSV.
  // A file open elsewhere cannot be deleted on Windows: it then stays (a bigger cache, no harm).
  await fsp.rm(path.join(entryDir, segmentFile(k)), { force: true }).catch(() => undefined);
  if (meta.segments.every((_, j) => segmentRows(meta, j) === 0 || isPacked(entryDir, j)))
    await fsp.rm(path.join(entryDir, 'rows.idx'), { force: true }).catch(() => undefined);
}

/** Writes data[.N].z and .zx of segment k from its CSV (the CSV stays). */
async function writePacked(
  entryDir: string,
  meta: EntryMeta,
  k: number,
  signal: AbortSignal | undefined,
  pause: (() => Promise<void> | null) | undefined,
): Promise<void> {
  const rows = segmentRows(meta, k);
  const seg = meta.segments[k];
  const csv = path.join(entryDir, segmentFile(k));
  let idx: fsp.FileHandle;
  let src: fsp.FileHandle | undefined;
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
    const csvSize = (await src.stat()).size;
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
    // One deflate stream, fully flushed after every block: each block inflates on its own
    // (the dictionary is reset at a full flush) without the cost of a stream per block.
    const z = zlib.createDeflateRaw({ level: 1 });
    const got: Buffer[] = [];
    z.on('data', (c: Buffer) => got.push(c));
    try {
      let pos = 0;
      let win = Buffer.alloc(0);
      let winStart = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let written = 0;
      const flushOut = async (): Promise<void> => {
        const b = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        await dst.write(b, 0, b.length, written);
        written += b.length;
      };
      for (let b = 0; b < blocks; b++) {
        const wait = pause?.();
        if (wait) await wait;
        signal?.throwIfAborted();
        const from = off[b * BLOCK_ROWS] - seg.start;
        const to = off[Math.min(rows, (b + 1) * BLOCK_ROWS)] - seg.start;
        if (to > winStart + win.length) {
          win = Buffer.allocUnsafe(Math.max(WINDOW, to - from));
          const len = Math.min(win.length, csvSize - from);
          win = win.subarray(0, len);
          await readFull(src, win, from, `segment ${k} of the entry`);
          winStart = from;
        }
        z.write(win.subarray(from - winStart, to - winStart));
        await new Promise<void>((res) => z.flush(zlib.constants.Z_FULL_FLUSH, () => res()));
        const out = got.length === 1 ? got[0] : Buffer.concat(got);
        got.length = 0;
        zx[b] = pos;
        zx[blocks + 1 + b] = off[b * BLOCK_ROWS];
        pending.push(out);
        pendingBytes += out.length;
        pos += out.length;
        if (pendingBytes >= WINDOW) await flushOut();
      }
      if (pendingBytes > 0) await flushOut();
      zx[blocks] = pos;
      zx[2 * blocks + 1] = off[rows];
      z.close();
      await dst.close();
      await fsp.writeFile(tmpIdx, new Uint8Array(zx.buffer));
      await fsp.rename(tmpIdx, outIdx);
      await fsp.rename(tmp, out);
    } catch (e) {
      z.close();
      await dst.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      await fsp.rm(tmpIdx, { force: true });
      throw e;
    }
  } finally {
    await idx.close();
    await src?.close();
  }
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
    // Blocks are small (~6 KB): inflated at once on this thread (the thread pool's round
    // trip cost more than the inflate; 100 scattered rows = 100 blocks).
    for (let b = b0; b <= b1; b++)
      parts.push(
        // A block ends at a full flush, not at the stream's end: inflated up to its last byte.
        zlib.inflateRawSync(z.subarray(this.zx[b] - this.zx[b0], this.zx[b + 1] - this.zx[b0]), {
          finishFlush: zlib.constants.Z_SYNC_FLUSH,
        }),
      );
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
      throw new Error(
        `packed segment: expected ${skip + count} records at row ${this.firstRow + b0 * BLOCK_ROWS}, parsed ${recs.length}`,
      );
    return recs.slice(skip);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
