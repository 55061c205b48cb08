// Folder listings kept between walks (the catalog's drop_dirs): a re-scan of thousands of
// chunk folders stats each folder instead of listing it when its stamp is unchanged. A
// folder's names change only with its mtime and ctime (creating, removing or renaming an
// entry sets both), so inode + mtime + ctime unchanged means the same names; the files in it
// are still stat'ed one by one (a file rewritten in place changes its own mtime, not the
// folder's). A listing is kept only when the folder's last change is old enough that a
// change after the listing cannot fall in the same timestamp tick: a second past it where
// the file system keeps sub-second times (ext4, xfs, btrfs, tmpfs: a ctime that is not a
// whole second), three seconds where it may keep whole seconds only (FAT: two). A file
// server whose clock runs behind this machine's by more than that could defeat this for a
// change made within that time of a walk; --verify lists every folder again.
import type { Stats } from 'node:fs';
import type { EntryType, Listing } from './walk';

/** How old (ms) a folder's last change must be before its listing is kept: fine timestamps, coarse ones. */
export const RELIABLE_AFTER_MS = { fine: 1000, coarse: 3000 };

export function listingStamp(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.mtimeMs}:${st.ctimeMs}`;
}

export function reliableStamp(st: Stats, nowMs: number): boolean {
  const changed = Math.max(st.mtimeMs, st.ctimeMs);
  return nowMs - changed > (st.ctimeMs % 1000 !== 0 ? RELIABLE_AFTER_MS.fine : RELIABLE_AFTER_MS.coarse);
}

const TYPES: EntryType[] = ['file', 'dir', 'link', 'fifo', 'socket', 'block', 'char', 'unknown'];
const CODE = new Map(TYPES.map((t, i) => [t, i]));

/** A listing's entries as bytes: per entry its type, its name's length (32 bits) and the name. */
export function encodeEntries(entries: Listing['entries']): Buffer {
  const out = Buffer.allocUnsafe(entries.reduce((n, [name]) => n + 5 + name.length, 0));
  let at = 0;
  for (const [name, type] of entries) {
    out[at] = CODE.get(type)!;
    out.writeUInt32LE(name.length, at + 1);
    name.copy(out, at + 5);
    at += 5 + name.length;
  }
  return out;
}

/** encodeEntries' entries (names as views of `b`); null when the bytes are not such a list. */
export function decodeEntries(b: Buffer): Listing['entries'] | null {
  const entries: Listing['entries'] = [];
  let at = 0;
  while (at < b.length) {
    if (at + 5 > b.length || b[at] >= TYPES.length) return null;
    const n = b.readUInt32LE(at + 1);
    if (at + 5 + n > b.length) return null;
    entries.push([b.subarray(at + 5, at + 5 + n), TYPES[b[at]]]);
    at += 5 + n;
  }
  return entries;
}
