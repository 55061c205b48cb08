// A scan's progress before it has counted anything: where a scan starts, and what a host
// reports of a scan that failed before it told any progress.
import type { ScanProgress } from '../shared/api';

export function startingProgress(drop: string): Omit<ScanProgress, 'jobId'> {
  return {
    drop,
    phase: 'discovering',
    chunksDone: 0,
    chunksTotal: 0,
    chunksReused: 0,
    bytesDone: 0,
    bytesTotal: 0,
    elapsedMs: 0,
    etaMs: null,
    storageRequests: 0,
    storageBytes: 0,
  };
}
