// Lists the files of a drop: bounded depth, no symlink loops, reserved folders skipped.
// Read-only: nothing here opens a file for writing.
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface FileEntry {
  /** Path relative to the drop root, with '/' separators. */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

export interface WalkOptions {
  /** Folder levels below the root that are searched (default 4: root/year/month/day/export_X). */
  maxDepth?: number;
  /** Folder names never entered. */
  skipDirs?: (name: string) => boolean;
  signal?: AbortSignal;
}

export interface WalkResult {
  files: FileEntry[];
  /** Folders that could not be read, with the reason. */
  unreadable: Array<{ rel: string; error: string }>;
}

const defaultSkip = (name: string): boolean => name === '.gim' || name === 'node_modules' || name === '.git';

export async function walkDrop(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const maxDepth = options.maxDepth ?? 4;
  const skip = options.skipDirs ?? defaultSkip;
  const files: FileEntry[] = [];
  const unreadable: WalkResult['unreadable'] = [];
  // Real paths of folders already entered: a symlink back up the tree is entered once only.
  const seen = new Set<string>();

  async function visit(abs: string, rel: string, depth: number): Promise<void> {
    options.signal?.throwIfAborted();
    let real: string;
    try {
      real = await fsp.realpath(abs);
    } catch (e) {
      unreadable.push({ rel: rel || '.', error: (e as Error).message });
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let names: string[];
    try {
      names = await fsp.readdir(abs);
    } catch (e) {
      unreadable.push({ rel: rel || '.', error: (e as Error).message });
      return;
    }
    names.sort();
    for (const name of names) {
      const childAbs = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = await fsp.stat(childAbs); // follows symlinks; loops are cut by `seen`
      } catch {
        continue; // dangling link or vanished file: not part of the drop
      }
      if (st.isDirectory()) {
        if (depth < maxDepth && !skip(name)) await visit(childAbs, childRel, depth + 1);
      } else if (st.isFile()) {
        files.push({ rel: childRel, abs: childAbs, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      }
    }
  }

  await visit(root, '', 0);
  return { files, unreadable };
}
