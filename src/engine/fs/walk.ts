// Lists the files of a drop: bounded depth, no symlink loops, reserved folders skipped.
// Read-only: nothing here opens a file, let alone for writing.
//
// Names are read as bytes (a name that is not UTF-8 is still a file: it is shown escaped,
// see names.ts). An entry that cannot be listed or stat'ed (EACCES, ELOOP, EIO…) is kept as
// `unreadable` and the walk goes on: one bad entry never makes the rest of the drop
// unscannable, and the checks know a chunk may sit inside it. Symbolic links that lead
// outside the drop are not followed unless asked (`followLinks`), and are listed; links
// inside it are followed, each folder entered once.
//
// File-system calls are synchronous, with a yield to the event loop every STAT_BATCH calls:
// async calls each went through libuv's 4-thread pool and made the walk most of a re-scan
// (~260 ms for a 1,000-chunk drop, ~30 ms this way); the yields keep a server responsive.
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import {
  KEPT_NAME,
  KeptFolders,
  keepsFolders,
  settled,
  stillListed,
  type FoldersFound,
  type KeptFolder,
} from './kept-folders';
import { escapeName } from './names';

export interface FileEntry {
  /** Path relative to the drop root, with '/' separators (undecodable bytes as \xNN). */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
  /** What changes when the file does, where mtime is not it (the ETag of an S3 object). */
  version?: string;
}

export interface WalkOptions {
  /** Folder levels below the root that are searched (default 4: root/year/month/day/export_X). */
  maxDepth?: number;
  /** Folder names never entered. */
  skipDirs?: (name: string) => boolean;
  /** Follow symbolic links that lead outside the drop (default: list them, do not follow). */
  followLinks?: boolean;
  signal?: AbortSignal;
  /**
   * The folders the last walk of this drop kept (kept-folders.ts; an empty map the first
   * time): a folder unchanged since is not listed again, and the result's `folders` says
   * what to keep for the next walk. Unset: every folder is listed, and nothing is kept.
   */
  kept?: KeptFolders;
}

export interface UnreadableEntry {
  /** Drop-relative path ('.' for the root). */
  rel: string;
  error: string;
  /** errno code (EACCES, ELOOP, …) when there is one. */
  code?: string;
  /** What could not be read: a folder (its files are unknown) or an entry of unknown kind. */
  kind?: 'folder' | 'entry';
}

export interface WalkResult {
  files: FileEntry[];
  /** Entries that could not be listed or stat'ed, with the reason. */
  unreadable: UnreadableEntry[];
  /** Symbolic links leading outside the drop, not followed (followLinks unset). */
  outsideLinks: Array<{ rel: string; target: string }>;
  /** Entries that are neither files nor folders (FIFOs, sockets, devices): never opened. */
  special: Array<{ rel: string; type: string }>;
  /** With `kept` given, on a file system where folders may be kept: the folders to keep now. */
  folders?: FoldersFound;
}

const STAT_BATCH = 256;

const defaultSkip = (name: string): boolean => name === '.gim' || name === 'node_modules' || name === '.git';

export async function walkDrop(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const maxDepth = options.maxDepth ?? 4;
  const skip = options.skipDirs ?? defaultSkip;
  const out: WalkResult = { files: [], unreadable: [], outsideLinks: [], special: [] };
  let realRoot: Buffer;
  try {
    realRoot = realpathSync.native(root, { encoding: 'buffer' });
  } catch (e) {
    out.unreadable.push(unreadable('.', e, 'folder'));
    return out;
  }
  // path.join(root, rel) without its normalising per file (rel is made of listed names: no
  // '.', '..' or empty segments).
  const base = path.join(root);
  const absPrefix = base.endsWith('/') ? base : `${base}/`;
  // Where the root is given normalised, a file's path as stat'ed is that one, and is kept as
  // it is, not made again: one string fewer per file (9000 for a 3000-chunk drop).
  const statPathIsAbs = absPrefix === (root.endsWith('/') ? root : `${root}/`);
  // Real paths of folders already entered: a symlink back up the tree is entered once only.
  const seen = new Set<string>();
  let calls = 0;
  // Real paths are kept as latin1 strings: one char per byte, so any name (UTF-8 or not)
  // compares exactly, and no Buffer is made per folder.
  const realRootL = realRoot.toString('latin1');
  const rootPrefixL = realRootL.endsWith('/') ? realRootL : `${realRootL}/`;
  // Folders kept from the last walk, where they may be trusted (kept-folders.ts), and those
  // this walk found to keep: the ones it reused, and the ones it listed that have settled.
  const kept = options.kept && keepsFolders(root) ? options.kept : undefined;
  const found = kept ? KeptFolders.empty() : undefined;
  let reused = 0;
  let rootDev: number | undefined;
  const inside = (real: Buffer): boolean => {
    const r = real.toString('latin1');
    return r === realRootL || (r.length > rootPrefixL.length && r.startsWith(rootPrefixL));
  };

  // The yield every STAT_BATCH calls (a sync check per call: an awaited call per file cost a
  // promise each).
  const pause = async (): Promise<void> => {
    await new Promise((r) => setImmediate(r));
    options.signal?.throwIfAborted();
  };

  // Folders still to list, the next on top: a folder's own files come before its subfolders'
  // files, subfolders in name order (a depth-first walk, as a recursion would make it). One
  // loop, not an async call per folder: 3000 of them cost a promise and a turn each.
  // `abs`: a string while every name on the way is plain ASCII (the common case: a string
  // path is what the fs binding takes without a copy), else the bytes. `knownReal`: the
  // folder's real path when its parent's real path and a plain (not linked) entry give it;
  // otherwise (a link, an entry of unknown type) it is resolved here. A real path per folder
  // was 3000 realpath calls (~18,000 readlink system calls) for 3000 chunks.
  const todo: Folder[] = [
    { abs: isAscii(Buffer.from(root)) ? root : Buffer.from(root), rel: '', depth: 0, knownReal: realRootL },
  ];
  for (let folder = todo.pop(); folder; folder = todo.pop()) {
    options.signal?.throwIfAborted();
    const { abs, rel, depth, knownReal } = folder;
    let entries: Array<Dirent | Dirent<Buffer>>;
    // Each entry's name as text where it is plain ASCII, else null (its bytes: entries[i].name).
    let names: Array<string | null>;
    let realDir: string;
    // The folder's own stat, taken before it is listed (a change after it makes its times
    // newer than those kept), where it may be kept: a plain folder on the root's device.
    let folderStat: Stats | undefined;
    let listedAt = 0;
    let hit: KeptFolder | undefined;
    try {
      realDir = knownReal ?? realpathSync.native(abs, { encoding: 'buffer' }).toString('latin1');
      if (seen.has(realDir)) continue;
      seen.add(realDir);
      if (found && typeof abs === 'string' && knownReal !== undefined) {
        listedAt = Date.now();
        folderStat = statQuietly(abs);
        if (!rel) rootDev = folderStat?.dev;
        if (folderStat && folderStat.dev !== rootDev) folderStat = undefined;
        const k = folderStat && kept!.get(rel);
        if (k && stillListed(k, folderStat!)) hit = k;
      }
      if (hit) {
        found!.set(rel, hit);
        reused++;
        if (++calls % STAT_BATCH === 0) await pause();
        await walkKept(hit, abs as string, rel, depth, realDir);
        continue;
      }
      // Listed as text first: a byte of 0x80 or more decodes to a character that is not ASCII
      // (U+FFFD where it is not UTF-8), so a folder whose names all read as printable ASCII
      // (nearly every folder) has exactly those bytes, and no Buffer is made per name. Any
      // other folder is listed again as bytes.
      const listed = readdirSync(abs, { withFileTypes: true });
      if (!listed.some((d) => NOT_ASCII.test(d.name))) {
        entries = listed;
        names = listed.map((d) => d.name);
      } else {
        const raw = readdirSync(abs, { encoding: 'buffer', withFileTypes: true });
        entries = raw;
        names = raw.map((d) => (isAscii(d.name) ? d.name.toString('latin1') : null));
      }
    } catch (e) {
      out.unreadable.push(unreadable(rel || '.', e, 'folder'));
      continue;
    }
    if (++calls % STAT_BATCH === 0) await pause();
    // Names in byte order. An ASCII name's text is its bytes, so a folder of ASCII names
    // (nearly every folder) sorts by text, which orders them the same.
    const order = entries.map((_, i) => i);
    if (names.every((n) => n !== null))
      order.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    else order.sort((a, b) => Buffer.compare(bytesOf(entries[a]), bytesOf(entries[b])));
    const subdirs: Folder[] = [];
    const realPrefix = realDir.endsWith('/') ? realDir : `${realDir}/`;
    const absText = typeof abs === 'string' ? (abs.endsWith('/') ? abs : `${abs}/`) : null;
    const unreadableBefore = out.unreadable.length;
    for (const i of order) {
      const d = entries[i];
      const ascii = names[i];
      const name = ascii ?? escapeName(bytesOf(d)).text;
      const childAbs =
        absText !== null && ascii !== null
          ? absText + ascii
          : Buffer.concat([
              typeof abs === 'string' ? Buffer.from(abs) : abs,
              SLASH,
              ascii !== null ? Buffer.from(ascii, 'latin1') : bytesOf(d),
            ]);
      const childRel = rel ? `${rel}/${name}` : name;
      let st: Stats | undefined;
      try {
        if (d.isSymbolicLink()) {
          const target = realpathSync.native(childAbs, { encoding: 'buffer' });
          if (!inside(target) && !options.followLinks) {
            out.outsideLinks.push({ rel: childRel, target: escapeName(target).text });
            continue;
          }
        }
        // Dirent types come free with the listing; only files need a stat (size, mtime), and
        // links and file systems without d_type need one to learn what they are.
        if (d.isDirectory()) {
          if (depth < maxDepth && !skip(name))
            subdirs.push({
              abs: childAbs,
              rel: childRel,
              depth: depth + 1,
              knownReal: realPrefix + (ascii ?? bytesOf(d).toString('latin1')),
            });
          continue;
        }
        if (d.isFIFO() || d.isSocket() || d.isBlockDevice() || d.isCharacterDevice()) {
          out.special.push({ rel: childRel, type: kindOf(d) });
          continue;
        }
        st = statSync(childAbs, { throwIfNoEntry: false });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT')
          out.unreadable.push(unreadable(childRel, e, d.isDirectory() ? 'folder' : 'entry'));
        continue; // ENOENT: a dangling link or a file that vanished since the listing
      }
      if (++calls % STAT_BATCH === 0) await pause();
      if (st) place(st, childAbs, childRel, name, depth, subdirs);
    }
    // Kept for the next walk: a folder of plain files and folders, all listed and read.
    if (
      folderStat &&
      settled(folderStat, listedAt) &&
      out.unreadable.length === unreadableBefore &&
      (!rel || KEPT_NAME.test(rel)) &&
      names.every((n) => n !== null && KEPT_NAME.test(n)) &&
      entries.every((d) => d.isFile() || d.isDirectory())
    ) {
      const files: string[] = [];
      const dirs: string[] = [];
      for (const i of order) (entries[i].isDirectory() ? dirs : files).push(names[i]!);
      found!.set(rel, {
        dev: folderStat.dev,
        ino: folderStat.ino,
        mtimeMs: folderStat.mtimeMs,
        ctimeMs: folderStat.ctimeMs,
        files,
        dirs,
      });
    }
    // The first subfolder on top: listed next.
    for (let i = subdirs.length - 1; i >= 0; i--) todo.push(subdirs[i]);
  }
  if (found) out.folders = { kept: found, changed: reused !== kept!.size || found.size !== reused, reused };
  return out;

  /** A stat'ed entry of a folder: a file listed, a subfolder to list, or a special file. */
  function place(
    st: Stats,
    childAbs: string | Buffer,
    childRel: string,
    name: string,
    depth: number,
    subdirs: Folder[],
  ): void {
    if (st.isDirectory()) {
      if (depth < maxDepth && !skip(name))
        subdirs.push({ abs: childAbs, rel: childRel, depth: depth + 1, knownReal: undefined });
    } else if (st.isFile()) {
      out.files.push({
        rel: childRel,
        abs: statPathIsAbs && typeof childAbs === 'string' ? childAbs : absPrefix + childRel,
        size: st.size,
        mtimeMs: Math.trunc(st.mtimeMs),
      });
    } else {
      out.special.push({ rel: childRel, type: kindOf(st) });
    }
  }

  /**
   * A folder as the last walk listed it (unchanged since): its files stat'ed, its subfolders
   * queued, in the order listing it would give them.
   */
  async function walkKept(
    k: KeptFolder,
    abs: string,
    rel: string,
    depth: number,
    realDir: string,
  ): Promise<void> {
    const absText = abs.endsWith('/') ? abs : `${abs}/`;
    const realPrefix = realDir.endsWith('/') ? realDir : `${realDir}/`;
    const subdirs: Folder[] = [];
    for (const name of k.files) {
      const childRel = rel ? `${rel}/${name}` : name;
      const childAbs = absText + name;
      let st: Stats | undefined;
      try {
        st = statSync(childAbs, { throwIfNoEntry: false });
      } catch (e) {
        out.unreadable.push(unreadable(childRel, e, 'entry'));
        continue;
      }
      if (++calls % STAT_BATCH === 0) await pause();
      if (st) place(st, childAbs, childRel, name, depth, subdirs);
    }
    if (depth < maxDepth) {
      for (const name of k.dirs)
        if (!skip(name))
          subdirs.push({
            abs: absText + name,
            rel: rel ? `${rel}/${name}` : name,
            depth: depth + 1,
            knownReal: realPrefix + name,
          });
    }
    for (let i = subdirs.length - 1; i >= 0; i--) todo.push(subdirs[i]);
  }
}

/** A folder's stat, or nothing where it cannot be had (the listing that follows says why). */
function statQuietly(abs: string): Stats | undefined {
  try {
    return statSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** A folder to list: its path (text, or bytes where a name on the way is not ASCII), drop-relative path, depth, real path when known. */
interface Folder {
  abs: string | Buffer;
  rel: string;
  depth: number;
  knownReal: string | undefined;
}

/** A character that is not printable ASCII. */
const NOT_ASCII = /[^ -~]/;

/** The bytes of a name listed as bytes (a folder with a name that is not plain ASCII). */
const bytesOf = (d: Dirent | Dirent<Buffer>): Buffer => d.name as Buffer;

/** Every byte below 0x80: the name's latin1 text is its UTF-8 text. */
function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] > 0x7f) return false;
  return true;
}

const SLASH = Buffer.from('/');

function unreadable(rel: string, e: unknown, kind: 'folder' | 'entry'): UnreadableEntry {
  const err = e as NodeJS.ErrnoException;
  return { rel, error: describe(err), ...(err.code ? { code: err.code } : {}), kind };
}

/** A one-line reason without the path (the problem names the entry itself). */
function describe(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links (a link loop)';
    case 'ENOTDIR':
      return 'not a folder';
    case 'EIO':
      return 'input/output error';
    default:
      return e.message.split(',')[0];
  }
}

function kindOf(d: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
}): string {
  return d.isFIFO()
    ? 'FIFO'
    : d.isSocket()
      ? 'socket'
      : d.isBlockDevice()
        ? 'block device'
        : d.isCharacterDevice()
          ? 'character device'
          : 'special file';
}
