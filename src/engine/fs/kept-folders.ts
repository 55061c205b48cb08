// What a scan keeps of a drop's folders from one walk to the next: each folder's entries as
// the walk listed them, with the folder's device, inode, change and modification times then.
// A folder found again with the same four is not listed again: the kernel sets a folder's
// modification time whenever an entry is added to it, removed or renamed, and its change
// time on that and on anything done to the folder itself (utimes putting an old time back
// included), so its entries are the ones listed. Its files are still stat'ed, every one: a
// file written in place changes its own times, not its folder's. Git's untracked cache rests
// on the same rule. Listing 3000 export folders cost ~55 ms of a 3000-chunk re-scan's
// ~150 ms walk here, a stat of each ~20 ms.
//
// Where the rule may not hold it is not used:
// - only on Linux and file systems that keep it (TRUSTED_FS, by statfs type): FUSE mounts
//   of buckets, network and foreign file systems may report a fixed or cached time;
// - only for folders on the drop root's device (a mount inside the drop is listed each time);
// - only for folders whose entries are all plain files and folders with ASCII names (a link's
//   target, a special file or an unreadable entry is looked at again each walk);
// - not for a folder changed within RACY_MS of its listing: a file made in the same tick of
//   the file system's clock just after the listing leaves the folder's times as listed.
import { statfsSync, type Stats } from 'node:fs';

export interface KeptFolder {
  dev: number;
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  /** The folder's file names, in byte order (printable ASCII: kept folders have no others). */
  files: string[];
  /** Its subfolder names, in byte order. */
  dirs: string[];
  /** Its stored line, where it was read from one (written again as it was). */
  line?: string;
}

/**
 * Kept folders by drop-relative path ('' for the root). Stored as a line per folder and
 * decoded only when asked for: 3000 folders' JSON took ~6 ms to parse and ~15 ms more to
 * check and put in a map, most of what not listing them saved.
 */
export class KeptFolders {
  private constructor(private readonly byRel: Map<string, string | KeptFolder>) {}

  static empty(): KeptFolders {
    return new KeptFolders(new Map());
  }

  /** Kept folders from their stored text; text of another version, or none, is no folder kept. */
  static parse(text: string | null | undefined): KeptFolders {
    const byRel = new Map<string, string>();
    if (!text?.startsWith(HEADER)) return KeptFolders.empty();
    for (let at = HEADER.length; at < text.length;) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const tab = text.indexOf('\t', at);
      if (tab < 0 || tab > end) return KeptFolders.empty();
      byRel.set(text.slice(at, tab), text.slice(at, end));
      at = end + 1;
    }
    return new KeptFolders(byRel);
  }

  get size(): number {
    return this.byRel.size;
  }

  get(rel: string): KeptFolder | undefined {
    const v = this.byRel.get(rel);
    if (typeof v !== 'string') return v;
    const k = decode(v);
    if (k) this.byRel.set(rel, k);
    else this.byRel.delete(rel);
    return k;
  }

  set(rel: string, k: KeptFolder): void {
    this.byRel.set(rel, k);
  }

  /** As the catalog stores them. */
  text(): string {
    let out = HEADER;
    for (const [rel, v] of this.byRel) out += `${typeof v === 'string' ? v : (v.line ?? encode(rel, v))}\n`;
    return out;
  }
}

/**
 * Names (files, subfolders) kept: printable ASCII, so no tab, newline or U+0001 in the text,
 * and no '/' (a name never has one).
 */
export const KEPT_NAME = /^[ -~]+$/;

// A line: rel, dev, ino, mtimeMs, ctimeMs, file names, subfolder names, tab-separated; names
// joined by '/'. A name that begins with its folder's own name (an export folder's files
// nearly always do) has that part written as U+0001: 3000 folders' text is ~40% smaller.
const HEADER = 'drop-inspector kept folders 1\n';
const OWN = '\u0001';

function encode(rel: string, k: KeptFolder): string {
  const own = rel.slice(rel.lastIndexOf('/') + 1);
  const files = own ? k.files.map((n) => (n.startsWith(own) ? OWN + n.slice(own.length) : n)) : k.files;
  return [rel, k.dev, k.ino, k.mtimeMs, k.ctimeMs, files.join('/'), k.dirs.join('/')].join('\t');
}

function decode(line: string): KeptFolder | undefined {
  const f = line.split('\t');
  if (f.length !== 7) return undefined;
  const [dev, ino, mtimeMs, ctimeMs] = [Number(f[1]), Number(f[2]), Number(f[3]), Number(f[4])];
  if (![dev, ino, mtimeMs, ctimeMs].every(Number.isFinite)) return undefined;
  const own = f[0].slice(f[0].lastIndexOf('/') + 1);
  const files = f[5] ? f[5].split('/').map((n) => (n.startsWith(OWN) ? own + n.slice(1) : n)) : [];
  const dirs = f[6] ? f[6].split('/') : [];
  // A damaged catalog's line never leads the walk up or round ('..', '.', an empty name).
  if (!files.every(plainName) || !dirs.every(plainName)) return undefined;
  return { dev, ino, mtimeMs, ctimeMs, files, dirs, line };
}

/** What a walk asked to keep folders found: the folders it may trust next time, and whether they differ from those it was given. */
export interface FoldersFound {
  kept: KeptFolders;
  changed: boolean;
  /** Folders found as kept: stat'ed, not listed. */
  reused: number;
}

/**
 * A folder changed less than this long before its listing is listed again next time. Two
 * seconds: the coarsest clock of the file systems trusted is a few milliseconds; the margin
 * also covers a wall clock set back a little between the listing and the change.
 */
export const RACY_MS = 2000;

/** statfs f_type of file systems whose folder times follow every change of their entries. */
const TRUSTED_FS = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
  0x794c7630, // overlayfs (containers)
]);

/** Whether folders under `root` may be kept between walks (the file system's type is trusted). */
export function keepsFolders(root: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return TRUSTED_FS.has(Number(statfsSync(root).type));
  } catch {
    return false;
  }
}

/** The kept folder `k` still lists the folder stat'ed as `st`. */
export function stillListed(k: KeptFolder, st: Stats): boolean {
  return k.ino === st.ino && k.dev === st.dev && k.mtimeMs === st.mtimeMs && k.ctimeMs === st.ctimeMs;
}

/** A folder stat'ed as `st` just before it was listed at `listedAt` (ms) may be trusted next walk. */
export function settled(st: Stats, listedAt: number): boolean {
  return Math.max(st.mtimeMs, st.ctimeMs) < listedAt - RACY_MS;
}

function plainName(n: string): boolean {
  return n !== '' && n !== '.' && n !== '..';
}
