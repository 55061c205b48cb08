// Counting the files a family claims, for recognising a drop's family (registry.ts): a
// family that can no longer claim more files than the best one so far stops looking. An
// Info Mart drop of 12,000 files with one stray marker asked every other family about
// every file (~6 ms each); each now turns it down at its first unclaimed file.
import type { FileEntry } from '../fs/walk';

/** The files `claims` takes, counted until the count cannot exceed `beat` any more (then some number up to `beat`). */
export function countClaims(files: readonly FileEntry[], claims: (f: FileEntry, i: number) => boolean, beat = 0): number {
  let n = 0;
  for (let i = 0; i < files.length; i++) {
    if (claims(files[i], i)) n++;
    else if (n + files.length - i - 1 <= beat) return n;
  }
  return n;
}
