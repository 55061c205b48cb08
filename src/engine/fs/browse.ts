// The folder browser of the Open screen (the browser host has no native folder picker):
// lists sub-folders, only inside allowed roots. Read-only, names only; a folder is marked
// as a likely drop when a family recognises its files one or two levels down.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FolderEntry, FolderListing } from '../../shared/api';
import { EngineError } from '../model';
import { recogniseDrop } from '../formats/registry';
import { walkDrop } from './walk';

export const MAX_FOLDER_ENTRIES = 500;
/** Sub-folders looked into for "looks like a drop", and the time that may take. */
const SNIFF_FOLDERS = 60;
const SNIFF_BUDGET_MS = 400;

function real(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function isWithin(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The roots one may browse: the user's home folder, the folder holding each known drop and
 * any extra roots the host was given; existing folders only, resolved, without repeats or
 * roots inside another root.
 */
export function browseRoots(extra: readonly string[], knownDrops: readonly string[]): string[] {
  const candidates = [homedir(), ...extra, ...knownDrops.map((d) => path.dirname(d))];
  const resolved: string[] = [];
  for (const c of candidates) {
    const r = real(c);
    if (!r) continue;
    try {
      if (!statSync(r).isDirectory()) continue;
    } catch {
      continue;
    }
    if (!resolved.includes(r)) resolved.push(r);
  }
  return resolved.filter((r) => !resolved.some((o) => o !== r && isWithin(r, o))).sort();
}

async function looksLikeDrop(dir: string): Promise<boolean> {
  try {
    const { files } = await walkDrop(dir, { maxDepth: 1 });
    return files.length > 0 && recogniseDrop(files) !== null;
  } catch {
    return false;
  }
}

/** Lists `dir` (null: the roots). A folder outside every root is refused, symlinks resolved first. */
export async function listFolder(dir: string | null, roots: readonly string[]): Promise<FolderListing> {
  if (dir === null) {
    return {
      path: null,
      parent: null,
      roots: [...roots],
      entries: await entriesOf(roots.map((r) => ({ name: r, path: r }))),
      truncated: false,
    };
  }
  const target = real(dir);
  if (!target) throw new EngineError('not-found', `No such folder: ${dir}`);
  const root = roots.find((r) => isWithin(target, r));
  if (!root) {
    throw new EngineError(
      'forbidden',
      `${dir} is outside the folders this browser may show (${roots.join(', ')}); type its path instead`,
    );
  }
  let names: string[];
  try {
    names = readdirSync(target, { withFileTypes: true })
      .filter((d) => !d.name.startsWith('.'))
      .filter((d) => d.isDirectory() || (d.isSymbolicLink() && isDir(path.join(target, d.name))))
      .map((d) => d.name)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  } catch (error) {
    throw new EngineError('unreadable', `Cannot list ${target}: ${(error as Error).message}`);
  }
  const truncated = names.length > MAX_FOLDER_ENTRIES;
  const shown = names.slice(0, MAX_FOLDER_ENTRIES).map((name) => ({ name, path: path.join(target, name) }));
  const parent = target === root ? null : path.dirname(target);
  return { path: target, parent, roots: [...roots], entries: await entriesOf(shown), truncated };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function entriesOf(list: Array<{ name: string; path: string }>): Promise<FolderEntry[]> {
  const started = Date.now();
  const out: FolderEntry[] = [];
  for (const [i, e] of list.entries()) {
    const sniff = i < SNIFF_FOLDERS && Date.now() - started < SNIFF_BUDGET_MS;
    out.push({ ...e, looksLikeDrop: sniff ? await looksLikeDrop(e.path) : false });
  }
  return out;
}
