// The one check every writer makes before it creates or opens a file for writing (report
// -o, export view, the save dialogs, the table cache, the catalog): the drop is read-only.
// Paths are compared by their real location, so a symbolic link (to the drop, or to a file
// in it) or a relative path does not slip past; a target that does not exist yet is judged by
// its nearest existing folder.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../model';

/** Where `p` really is (following links in every existing part of it). */
export function realLocation(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  for (let dir = abs; ; ) {
    try {
      return path.join(realpathSync.native(dir), ...rest.reverse());
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return abs;
      rest.push(path.basename(dir));
      dir = parent;
    }
  }
}

/** True when `target` is `drop` itself or lies below it, by real location. */
export function isInsideDrop(target: string, drop: string): boolean {
  // A drop read in place from S3 holds no local file.
  if (/^s3:\/\//i.test(drop)) return false;
  const rel = path.relative(realLocation(drop), realLocation(target));
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Throws a clear error when `target` (what: "the report", "the table cache", …) is inside
 * the opened drop; returns the absolute target otherwise.
 */
export function refuseInsideDrop(target: string, drop: string, what: string, hint = 'choose a place outside it'): string {
  const abs = path.resolve(target);
  if (isInsideDrop(abs, drop)) {
    throw new EngineError('bad-request', `${what} ${abs} would be inside the drop ${drop}, which is read-only: ${hint}`);
  }
  return abs;
}
