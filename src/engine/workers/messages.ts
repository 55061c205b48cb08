// Messages between the scan coordinator and its worker threads.
import type { ChunkCandidate, ChunkInspection } from '../formats/types';

export interface InspectJob {
  id: number;
  format: string;
  root: string;
  chunk: ChunkCandidate;
  verify: boolean;
  maxMemberBytes: number;
}

export type WorkerReply =
  | { id: number; type: 'bytes'; n: number }
  | { id: number; type: 'done'; result: ChunkInspection }
  | { id: number; type: 'error'; message: string };
