// Every drop family the engine knows. A new family adds an adapter and an inspector here.
import type { FileEntry } from '../fs/walk';
import type { ChunkInspector, DropAdapter } from './types';
import { gimAdapter } from './gim/discover';
import { inspectGimChunk } from './gim/inspect';

export const ADAPTERS: DropAdapter[] = [gimAdapter];

/** Inspectors are looked up by format inside worker threads. */
export const INSPECTORS: Record<string, ChunkInspector> = { gim: inspectGimChunk };

/** The family claiming most files, or null when none claims any. */
export function recogniseDrop(files: FileEntry[]): DropAdapter | null {
  let best: DropAdapter | null = null;
  let bestScore = 0;
  for (const a of ADAPTERS) {
    const score = a.recognise(files);
    if (score > bestScore) [best, bestScore] = [a, score];
  }
  return best;
}
