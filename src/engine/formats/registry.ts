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

/** The family claiming most files (the first of those on a tie), or null when none claims any. */
export function recogniseDrop(files: FileEntry[]): DropAdapter | null {
  let best: DropAdapter | null = null;
  let bestScore = 0;
  for (const a of ADAPTERS) {
    const score = a.recognise(files, bestScore);
    if (score > bestScore) [best, bestScore] = [a, score];
    // A family claiming every file cannot be outscored, and it wins a tie: the others are not
    // asked; the others asked stop once they cannot outscore it (claims.ts).
    if (bestScore === files.length) break;
  }
  return best;
}
