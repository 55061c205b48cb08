// Messages between the scan coordinator and its worker threads.
import type { ChunkCandidate, ChunkInspection, ReadOptions } from '../formats/types';

export interface InspectJob {
  id: number;
  format: string;
  root: string;
  chunk: ChunkCandidate;
  verify: boolean;
  maxMemberBytes: number;
  read?: ReadOptions;
}

export type WorkerReply =
  | { id: number; type: 'bytes'; n: number }
  /** What the job cost the drop's store (requests, object bytes), sent before 'done'. */
  | { id: number; type: 'io'; requests: number; bytesRead: number }
  | { id: number; type: 'done'; result: ChunkInspection }
  | { id: number; type: 'error'; message: string };
