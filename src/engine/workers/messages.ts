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
