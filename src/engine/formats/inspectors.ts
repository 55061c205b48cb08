// Every drop family's chunk inspector, by format: loaded inside the scan workers only, and
// each family's only when a chunk of it is read (a worker reading an Info Mart chunk does not
// load the Parquet reader, say: a worker's start is part of a one-new-chunk re-scan).
import type { ChunkInspector } from './types';

export const INSPECTORS: Record<string, () => Promise<ChunkInspector>> = {
  gim: async () => (await import('./gim/inspect')).inspectGimChunk,
  daily: async () => (await import('./daily/inspect')).inspectDailyChunk,
  extracts: async () => (await import('./extracts/inspect')).inspectExtractRun,
  bulk: async () => (await import('./bulk/inspect')).inspectBulkChunk,
};
