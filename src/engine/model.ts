// A chunk as the catalog holds it: what discovery saw plus what inspection found.
import type { ApiErrorCode } from '../shared/api';
import type { ChunkInspection } from './formats/types';
import type { Extent } from '../shared/family';

export interface StoredFile {
  rel: string;
  size: number;
  mtimeMs: number;
  /** What the file is for in its chunk (the family's role name: 'zip', 'metadata', 'stats', 'data', …). */
  role?: string;
}

export interface ChunkRecord extends ChunkInspection {
  name: string;
  dir: string;
  files: StoredFile[];
  /** Continuity is judged within a series ('' for families with one). */
  series: string;
  /** The delivered extent, resolved (inspection, else metadata/name fallbacks): never null here. */
  coverage: Extent;
  nameKey: number | null;
  nameTs: number | null;
  fingerprint: string;
  scannedAt: string;
}

export class EngineError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
