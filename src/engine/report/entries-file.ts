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
//
// A drop that gained (or changed) a few chunks since has its file spliced (spliceEntries):
// the file's index gives each entry's place, so the entries of the chunks not written since
// are copied from the file, only the new ones come from the catalog, and the report is read
// from the new file. That holds only when the catalog's connection itself took the chunks
// from the file's stamp to theirs, writing exactly the chunks it names (catalog/lineage.ts);
// else the report is made whole.
//
// The file: a header line (MAGIC, the text's length, the key, the index's length), the index
// (JSON: the chunk ids in order, then each entry's length in bytes), then the text (the
// entries joined by commas).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { AxisKind } from '../../shared/family';
import { MIGRATIONS } from '../catalog/migrations';
import { SUMMARY_FORMAT } from '../catalog/summary';
import { VERSION } from '../version';

/** Reports of fewer chunks are not worth a file: made from the catalog in a few ms. */
export const ENTRIES_FILE_MIN_CHUNKS = 500;

/** The buffer a file is read (and a splice copied) through: each piece but the last is this long. */
const PIECE_BYTES = 1 << 20;

/** The header line's most bytes (its key is ~120). */
const HEADER_MAX = 512;

/** Format 2: with the index. A file of format 1 (or any other) is not read, and is made again. */
const MAGIC = 'drop-inspector chunk entries 2';

/** A splice is made when at most this share of the entries must come from the catalog. */
const SPLICE_MAX_FRESH = 0.25;

const COMMA = Buffer.from(',');

/** The chunk ids of a file's entries, in order, and each entry's length in bytes. */
export interface EntriesIndex {
  ids: number[];
  lengths: number[];
}

/** Where a drop's entries file is kept, for a catalog file (none for one in memory). */
export function entriesFileOf(catalogFile: string, dropId: number): string | null {
  if (catalogFile === ':memory:' || catalogFile === '') return null;
  return path.join(`${catalogFile}.entries`, `drop-${dropId}.json`);
}

/** What entries were made from: the same key, the same text. `ids`: the chunks in report order. */
export function entriesKey(dropId: number, axis: AxisKind, rev: number, ids: readonly number[]): string {
  const order = createHash('sha1').update(ids.join(',')).digest('base64url');
  return `${keyStem(dropId, axis)}/${rev}/${order}`;
}

/** A key without its stamp and order: what entries of another stamp must share to be spliced. */
function keyStem(dropId: number, axis: AxisKind): string {
  return `${VERSION}/${SUMMARY_FORMAT}/${MIGRATIONS.length}/${axis}/${dropId}`;
}

/** An open entries file whose header was read and checked against its size. */
interface Opened {
  fd: number;
  key: string;
  /** Where the index starts, and its length. */
  indexAt: number;
  indexLength: number;
  /** Where the text starts, and its length. */
  textAt: number;
  textLength: number;
}

/** The file opened with its header read, or null (missing, another format, a size its header does not say). */
function openEntries(file: string): Opened | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(HEADER_MAX);
    const n = readSync(fd, head, 0, HEADER_MAX, 0);
    const end = head.subarray(0, n).indexOf(0x0a);
    const m = end < 0 ? null : /^(.+) (\d+) (\S+) (\d+)$/.exec(head.subarray(0, end).toString('utf8'));
    if (m && m[1] === MAGIC) {
      const [textLength, indexLength] = [Number(m[2]), Number(m[4])];
      const indexAt = end + 1;
      const textAt = indexAt + indexLength;
      if (fstatSync(fd).size === textAt + textLength) return { fd, key: m[3], indexAt, indexLength, textAt, textLength };
    }
  } catch {
    /* unreadable: as if missing */
  }
  closeSync(fd);
  return null;
}

/**
 * The file's entries as pieces, when it holds the entries of this key (else null: missing,
 * another key, a length that does not match). A piece is valid until the next is asked for
 * (the buffer is filled again): the caller writes each before it asks for the next.
 */
export function readEntries(file: string, key: string): Iterable<Uint8Array> | null {
  const f = openEntries(file);
  if (!f) return null;
  if (f.key !== key) {
    closeSync(f.fd);
    return null;
  }
  return pieces(f.fd, f.textAt, f.textLength);
}

function* pieces(fd: number, start: number, length: number): Generator<Uint8Array> {
  const buf = Buffer.allocUnsafeSlow(Math.min(PIECE_BYTES, Math.max(1, length)));
  try {
    for (let at = 0; at < length; ) {
      const want = Math.min(buf.length, length - at);
      readFully(fd, buf, 0, want, start + at);
      at += want;
      yield buf.subarray(0, want);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads exactly `length` bytes at `position` into buf at `offset`. */
function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  for (let got = 0; got < length; ) {
    const n = readSync(fd, buf, offset + got, length - got, position + got);
    // Shorter than its header says: changed since it was checked. A replaced file is a new
    // one (renamed over it), so only a damaged disk or a hand gets here.
    if (n === 0) throw new Error(`the report's entries file ended early (${position + got} bytes)`);
    got += n;
  }
}

/** The header and index of a file of these entries. */
function headOf(key: string, index: EntriesIndex, textLength: number): Buffer {
  const json = Buffer.from(JSON.stringify([...index.ids, ...index.lengths]));
  return Buffer.concat([Buffer.from(`${MAGIC} ${textLength} ${key} ${json.length}\n`), json]);
}

/**
 * Replaces the file with these entries under this key (written aside, renamed over it), or
 * leaves things as they were when it cannot (a read-only or full disk): false then. `index`:
 * the chunks of the entries, in order, and each one's length.
 */
export function writeEntries(file: string, key: string, text: readonly Uint8Array[], index: EntriesIndex): boolean {
  const length = text.reduce((s, t) => s + t.length, 0);
  return replaceFile(file, (out) => {
    writeAll(out, headOf(key, index, length));
    for (const t of text) writeAll(out, t);
  });
}

/**
 * Writes a file aside (`write` fills it) and renames it over `file`; false, nothing left
 * behind, when it cannot. What a process killed while writing left aside (its pid gone) is
 * removed first.
 */
function replaceFile(file: string, write: (fd: number) => void): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    removeOrphans(file);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      write(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    removeQuietly(tmp);
    return false;
  }
}

/** Files aside of `file` whose writer is no longer running (killed mid-write): removed. */
function removeOrphans(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  for (const name of readdirSync(dir)) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length, -'.tmp'.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !running(pid)) removeQuietly(path.join(dir, name));
  }
}

/** Whether a process of this id runs (signal 0 asks without sending; EPERM: it runs as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    /* nothing more to undo */
  }
}

/** What a splice needs besides the old file: the new entries' order and where the others come from. */
export interface SpliceSpec {
  dropId: number;
  axis: AxisKind;
  /** The stamp the chunks had when the connection began to change them (ChunksSince.from). */
  from: number;
  /** Their stamp now: the new file's key is made of it. */
  rev: number;
  /** The chunks in report order. */
  ids: readonly number[];
  /** Chunks written since `from`: their entries come from `fresh`, whatever the file holds. */
  written: ReadonlySet<number>;
  /** These chunks' entries, in this order, joined by commas (storedEntries), each one's length pushed onto `lengths`; null when one is gone. */
  fresh: (ids: number[], lengths: number[]) => Uint8Array[] | null;
}

/** A run of the new text: bytes of the old file's text (offset, length), or bytes in hand. */
type Segment = { at: number; length: number } | Uint8Array;

/**
 * Replaces the file (which must hold the entries at stamp spec.from, of the same drop and
 * formats) with the entries of spec.ids at stamp spec.rev: those of chunks not written since
 * copied from it, the others from spec.fresh. The new file is whole before anything reads it
 * (written aside, renamed): a report read from it and cut short (`| head`) leaves nothing
 * behind. False, the file as it was, when it cannot (another stamp, drop or format; damaged;
 * too many entries would come from the catalog; a disk that takes no file).
 */
export function spliceEntries(file: string, spec: SpliceSpec): boolean {
  const f = openEntries(file);
  if (!f) return false;
  try {
    const parts = f.key.split('/');
    if (parts.slice(0, -2).join('/') !== keyStem(spec.dropId, spec.axis) || parts[parts.length - 2] !== String(spec.from)) return false;
    const index = Buffer.alloc(f.indexLength);
    readFully(f.fd, index, 0, f.indexLength, f.indexAt);
    const flat = JSON.parse(index.toString('utf8')) as number[];
    const n = flat.length / 2;
    if (!Number.isInteger(n)) return false;
    // Where each old entry is in the old text.
    const place = new Map<number, { at: number; length: number }>();
    let at = 0;
    for (let i = 0; i < n; i++) {
      place.set(flat[i], { at, length: flat[n + i] });
      at += flat[n + i] + 1;
    }
    if (n > 0 && at - 1 !== f.textLength) return false;
    const freshIds = spec.ids.filter((id) => spec.written.has(id) || !place.has(id));
    if (freshIds.length > spec.ids.length * SPLICE_MAX_FRESH) return false;
    const freshLengths: number[] = [];
    const freshText = freshIds.length ? spec.fresh(freshIds, freshLengths) : [];
    if (!freshText || freshLengths.length !== freshIds.length) return false;
    const freshEntries = splitEntries(Buffer.concat(freshText), freshLengths);
    if (!freshEntries) return false;
    // The new text as runs, neighbours in the old text (with the comma between) as one run.
    const segments: Segment[] = [];
    const lengths: number[] = [];
    let k = 0;
    for (let i = 0; i < spec.ids.length; i++) {
      const id = spec.ids[i];
      const old = spec.written.has(id) ? undefined : place.get(id);
      const last = segments[segments.length - 1];
      if (i) {
        if (old && last && !(last instanceof Uint8Array) && last.at + last.length + 1 === old.at) {
          last.length += 1 + old.length;
          lengths.push(old.length);
          continue;
        }
        segments.push(COMMA);
      }
      if (old) {
        segments.push({ ...old });
        lengths.push(old.length);
      } else {
        const entry = freshEntries[k++];
        segments.push(entry);
        lengths.push(entry.length);
      }
    }
    const textLength = segments.reduce((s, g) => s + g.length, 0);
    const head = headOf(entriesKey(spec.dropId, spec.axis, spec.rev, spec.ids), { ids: [...spec.ids], lengths }, textLength);
    return replaceFile(file, (out) => {
      writeAll(out, head);
      copySegments(f, segments, out);
    });
  } catch {
    return false;
  } finally {
    closeSync(f.fd);
  }
}

/** Entries joined by commas, cut at their lengths; null when the lengths do not add up to the text. */
function splitEntries(text: Buffer, lengths: number[]): Buffer[] | null {
  const out: Buffer[] = [];
  let at = 0;
  for (const length of lengths) {
    if (at + length > text.length || (at + length < text.length && text[at + length] !== 0x2c)) return null;
    out.push(text.subarray(at, at + length));
    at += length + 1;
  }
  return at - 1 === text.length || (lengths.length === 0 && text.length === 0) ? out : null;
}

/** Writes the segments to `out`, the old file's runs through one buffer. */
function copySegments(f: Opened, segments: Segment[], out: number): void {
  const buf = Buffer.allocUnsafeSlow(PIECE_BYTES);
  for (const g of segments) {
    if (g instanceof Uint8Array) {
      writeAll(out, g);
      continue;
    }
    for (let from = 0; from < g.length; ) {
      const n = Math.min(g.length - from, buf.length);
      readFully(f.fd, buf, 0, n, f.textAt + g.at + from);
      writeAll(out, buf.subarray(0, n));
      from += n;
    }
  }
}
