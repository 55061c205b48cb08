// Lists a zip's member names from its central directory with a few synchronous reads, for
// recognising a drop on the coordinating thread without opening every archive properly.
// Handles zip64 end records (bulk exports are ZIP64). Returns null for anything that is not
// a readable zip (truncated, not a zip): the inspector then reports why.
import { closeSync, openSync, readSync } from 'node:fs';

const SIG_EOCD = 0x06054b50;
const SIG_Z64_LOC = 0x07064b50;
const SIG_Z64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
/** The end record (22) plus the longest comment (65,535) plus the zip64 locator (20). */
const TAIL = 22 + 0xffff + 20;
/** Request ZIPs hold a handful of members: a central directory past this is not one of them. */
const MAX_CD = 1 << 20;

/**
 * What is read of the tail first: an end record without a long comment is in it. Reading the
 * whole TAIL (zero-filled) for each of a drop's ZIPs was most of recognising 100 of them.
 */
const SHORT_TAIL = 4096;

function readAt(fd: number, pos: number, length: number): Buffer {
  // Only the bytes read are returned: nothing of the unfilled buffer is seen.
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

export function peekZipNames(abs: string, size: number): string[] | null {
  if (size < 22) return null;
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return null;
  }
  try {
    let tailStart = Math.max(0, size - SHORT_TAIL);
    let tail = readAt(fd, tailStart, size - tailStart);
    let eocd = lastEocd(tail);
    // Not found (a long comment), or found too near the start for the zip64 locator before
    // it: the whole tail, searched the same way (the short tail is its end).
    if ((eocd < 20 && tailStart > 0) || eocd < 0) {
      tailStart = Math.max(0, size - TAIL);
      tail = readAt(fd, tailStart, size - tailStart);
      eocd = lastEocd(tail);
    }
    if (eocd < 0) return null;
    let entries = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOff = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOff === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== SIG_Z64_LOC) return null;
      const recAt = Number(tail.readBigUInt64LE(loc + 8));
      const rec = readAt(fd, recAt, 56);
      if (rec.length < 56 || rec.readUInt32LE(0) !== SIG_Z64_EOCD) return null;
      entries = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOff = Number(rec.readBigUInt64LE(48));
    }
    if (cdSize > MAX_CD || cdOff + cdSize > size) return null;
    const cd = readAt(fd, cdOff, cdSize);
    const names: string[] = [];
    for (let p = 0; p + 46 <= cd.length && names.length < entries;) {
      if (cd.readUInt32LE(p) !== SIG_CENTRAL) return null;
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      names.push(cd.toString('utf8', p + 46, p + 46 + nameLen));
      p += 46 + nameLen + extraLen + commentLen;
    }
    return names;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The offset of the last end-of-central-directory signature in `tail`, or -1. */
function lastEocd(tail: Buffer): number {
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === SIG_EOCD) return i;
  return -1;
}
