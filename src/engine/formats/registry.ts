// Every drop family the engine knows, as the coordinating thread needs them: which files a
// family claims and how they group into chunks. The heavy inspectors (XML, zip, CSV) live
// in inspectors.ts and are loaded only by the scan workers, so a re-scan or a `rows` call
// does not pay for loading them.
import type { FileEntry } from '../fs/walk';
import type { DropAdapter } from './types';
import { gimAdapter } from './gim/discover';
import { dailyAdapter } from './daily/discover';
import { extractsAdapter } from './extracts/discover';
import { bulkAdapter } from './bulk/discover';

// Bulk first: on a tie (request ZIPs named export_…, which Info Mart's names also match) the
// archives' contents have decided, names have not.
export const ADAPTERS: DropAdapter[] = [bulkAdapter, gimAdapter, dailyAdapter, extractsAdapter];

/** The family of a format name as the catalog records it (null for one this version does not know). */
export function adapterFor(format: string | null | undefined): DropAdapter | null {
  return ADAPTERS.find((a) => a.format === format) ?? null;
}

/**
 * The family claiming most files (the first of those on a tie), or null when none claims any.
 * `hint`: the family the drop was last recognised as, asked first: its count is then the one
 * to beat, so the others stop at their first file they turn down (a re-scan's recognition of
 * 3000 Info Mart chunks no longer peeks for bulk requests first). The answer is the same with
 * or without it: a family before the best in ADAPTERS order is asked to reach the best's
 * count (a tie goes to it), one after it to exceed it.
 */
export function recogniseDrop(files: FileEntry[], hint?: string | null): DropAdapter | null {
  const first = adapterFor(hint);
  let best: DropAdapter | null = null;
  let bestScore = 0;
  if (first) {
    const score = first.recognise(files, 0);
    if (score > 0) [best, bestScore] = [first, score];
  }
  for (const a of ADAPTERS) {
    if (a === first) continue;
    const before = best !== null && ADAPTERS.indexOf(a) < ADAPTERS.indexOf(best);
    const score = a.recognise(files, before ? bestScore - 1 : bestScore);
    if (score > bestScore || (before && score === bestScore && score > 0)) [best, bestScore] = [a, score];
    // A family claiming every file cannot be outscored, and the families after it lose a tie:
    // they are not asked; the others asked stop once they cannot outscore it (claims.ts).
    if (bestScore === files.length && best !== null && ADAPTERS.indexOf(a) >= ADAPTERS.indexOf(best)) break;
  }
  return best;
}
