// The chunk entries of a drop's last compact JSON report (what goes between `"chunks":[` and
// `]`: report/build-report.ts reportJson), kept in a file beside the catalog, and read back in
// pieces through one buffer. Why a file and not the catalog: the entries of 3000 chunks are
// 12 MB, and every way SQLite hands them over makes them anew in memory (its buffer, then a
// Buffer): on a virtual machine a page of fresh memory costs ~10 µs, and the entries' fresh
// memory was ~4,300 page faults, ~95 ms of an unchanged re-scan's ~0.55 s. Read into one
// buffer again and again, the same text costs ~15 ms.
//
// The file is derived data, never the truth: it names what it was made from (its key: the
// drop, the stamp of its chunks (catalog.ts chunksRev), the entries' order, the formats
// of summaries, entries and schema) and holds its length, and a file that does not match in
// every one of them is not read; the report is then made from the catalog and the file written
// again. It is replaced whole (written aside, then renamed), so a reader sees one file or the
// other, and a failure to read or write it only costs the time it would have saved.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { AxisKind } from '../../shared/family';
import { MIGRATIONS } from '../catalog/migrations';
import { SUMMARY_FORMAT } from '../catalog/summary';
import { VERSION } from '../version';

/** Reports of fewer chunks are not worth a file: made from the catalog in a few ms. */
export const ENTRIES_FILE_MIN_CHUNKS = 500;

/** The buffer a file is read through: each piece but the last is this long. */
const PIECE_BYTES = 1 << 20;

/** The header line's most bytes (its key is ~120). */
const HEADER_MAX = 512;

const MAGIC = 'drop-inspector chunk entries';

/** Where a drop's entries file is kept, for a catalog file (none for one in memory). */
export function entriesFileOf(catalogFile: string, dropId: number): string | null {
  if (catalogFile === ':memory:' || catalogFile === '') return null;
  return path.join(`${catalogFile}.entries`, `drop-${dropId}.json`);
}

/** What entries were made from: the same key, the same text. `ids`: the chunks in report order. */
export function entriesKey(dropId: number, axis: AxisKind, rev: number, ids: readonly number[]): string {
  const order = createHash('sha1').update(ids.join(',')).digest('base64url');
  return `${VERSION}/${SUMMARY_FORMAT}/${MIGRATIONS.length}/${axis}/${dropId}/${rev}/${order}`;
}

/**
 * The file's entries as pieces, when it holds the entries of this key (else null: missing,
 * another key, a length that does not match). A piece is valid until the next is asked for
 * (the buffer is filled again): the caller writes each before it asks for the next.
 */
export function readEntries(file: string, key: string): Iterable<Uint8Array> | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  let handed = false;
  try {
    const head = Buffer.alloc(HEADER_MAX);
    const n = readSync(fd, head, 0, HEADER_MAX, 0);
    const end = head.subarray(0, n).indexOf(0x0a);
    if (end < 0) return null;
    const m = /^(.+) (\d+) (\S+)$/.exec(head.subarray(0, end).toString('utf8'));
    const start = end + 1;
    if (!m || m[1] !== MAGIC || m[3] !== key || fstatSync(fd).size !== start + Number(m[2])) return null;
    handed = true;
    return pieces(fd, start, Number(m[2]));
  } catch {
    return null;
  } finally {
    if (!handed) closeSync(fd);
  }
}

function* pieces(fd: number, start: number, length: number): Generator<Uint8Array> {
  const buf = Buffer.allocUnsafeSlow(Math.min(PIECE_BYTES, Math.max(1, length)));
  try {
    for (let at = 0; at < length; ) {
      const want = Math.min(buf.length, length - at);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buf, got, want - got, start + at + got);
        // Shorter than its header says: changed since it was checked. A replaced file is a
        // new one (renamed over it), so only a damaged disk or a hand gets here.
        if (n === 0) throw new Error(`the report's entries file ended early (${at + got} of ${length} bytes)`);
        got += n;
      }
      at += got;
      yield buf.subarray(0, got);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces the file with these entries under this key (written aside, renamed over it), or
 * leaves things as they were when it cannot (a read-only or full disk): false then.
 */
export function writeEntries(file: string, key: string, text: readonly Uint8Array[]): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const length = text.reduce((s, t) => s + t.length, 0);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${MAGIC} ${length} ${key}\n`);
      for (const t of text) for (let at = 0; at < t.length; ) at += writeSync(fd, t, at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing more to undo */
    }
    return false;
  }
}
