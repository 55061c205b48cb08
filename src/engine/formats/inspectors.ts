// Every drop family's chunk inspector, by format: loaded inside the scan workers only.
import type { ChunkInspector } from './types';
import { inspectGimChunk } from './gim/inspect';
import { inspectDailyChunk } from './daily/inspect';
import { inspectExtractRun } from './extracts/inspect';
import { inspectBulkChunk } from './bulk/inspect';

export const INSPECTORS: Record<string, ChunkInspector> = {
  gim: inspectGimChunk,
  daily: inspectDailyChunk,
  extracts: inspectExtractRun,
  bulk: inspectBulkChunk,
};
