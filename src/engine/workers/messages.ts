// Messages between the scan coordinator and its worker threads.
import type { ChunkCandidate, ChunkInspection, ReadOptions } from '../formats/types';
import type { StoreRequest } from '../storage/bridge';

export interface InspectJob {
  id: number;
  format: string;
  root: string;
  chunk: ChunkCandidate;
  verify: boolean;
  maxMemberBytes: number;
  read?: ReadOptions;
  /** Read the drop through the coordinator's store (S3), not a store of the worker's own. */
  bridged?: 's3' | 'local';
}

export type WorkerReply =
  | { id: number; type: 'bytes'; n: number }
  /** What the job cost the drop's store (requests, object bytes), sent before 'done'. */
  | { id: number; type: 'io'; requests: number; bytesRead: number }
  | { id: number; type: 'done'; result: ChunkInspection }
  | { id: number; type: 'error'; message: string }
  | StoreRequest;

/** What a scan needs of whoever inspects its chunks: the worker pool (pool.ts) or the coordinator itself (inline-pool.ts). */
export interface InspectPool {
  /** With `store`, the job reads the drop through it (storage/bridge.ts). */
  run(
    job: Omit<InspectJob, 'id' | 'bridged'>,
    onBytes: (n: number) => void,
    onIo?: (d: { requests: number; bytesRead: number }) => void,
    store?: import('../storage/types').DropStore,
  ): Promise<ChunkInspection>;
  /** Stops it; jobs not finished reject with `reason`. */
  close(reason?: Error): Promise<void>;
  /** Threads it runs (0: the coordinator's own). */
  readonly threads: number;
}
