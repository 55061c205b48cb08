// Reads a small drop file whole in four synchronous calls: open (non-blocking), fstat (a
// regular file? its size and mtime now), one read, close. The scan workers read each
// chunk's metadata, checksum files and small archives this way: asynchronous calls each
// cost a trip through libuv's thread pool, and a many-chunk drop of small files spent more
// time on those trips (~15 a chunk) than on inflating and counting. The fstat doubles as
// the check that the file is still the one the walk listed (see the inspectors).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { NotRegularFileError, type DropPath } from './open-regular';

/** File-system calls made by readWhole in this thread (tests count them per chunk). */
export const wholeReadCalls = { count: 0 };

export interface WholeFile {
  /** Null when the file is larger than the caller's `max` (it streams it, or refuses it). */
  buf: Buffer | null;
  /** What fstat said just before the read. */
  size: number;
  mtimeMs: number;
}

/**
 * The file's bytes (buf null when it is larger than `max`). Throws the file system's error
 * (ENOENT, EACCES…) or NotRegularFileError.
 */
export function readWhole(file: DropPath, max: number): WholeFile {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  wholeReadCalls.count++;
  try {
    const st = fstatSync(fd);
    wholeReadCalls.count++;
    if (!st.isFile()) throw new NotRegularFileError(`${String(file)} is not a regular file`);
    if (st.size > max) return { buf: null, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    // One read for a regular file; more only if the system returns it in pieces.
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      wholeReadCalls.count++;
      if (n === 0) break;
      got += n;
    }
    return { buf: got === st.size ? buf : buf.subarray(0, got), size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
  } finally {
    closeSync(fd);
    wholeReadCalls.count++;
  }
}

/** A small text file whole, refusing anything larger than `max` bytes (as readSmallText). */
export function readWholeText(file: DropPath, max: number): { text: string; size: number; mtimeMs: number } {
  const w = readWhole(file, max);
  if (!w.buf) throw new Error(`is ${w.size} bytes, larger than the ${max} expected`);
  return { text: w.buf.toString('utf8'), size: w.size, mtimeMs: w.mtimeMs };
}
