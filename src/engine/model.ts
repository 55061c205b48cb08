// A chunk as the catalog holds it: what discovery saw plus what inspection found.
import type { ChunkInspection } from './formats/types';

export interface StoredFile {
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface ChunkRecord extends ChunkInspection {
  name: string;
  dir: string;
  files: StoredFile[];
  nameKey: number | null;
  nameTs: number | null;
  fingerprint: string;
  scannedAt: string;
}

export class EngineError extends Error {
  constructor(
    readonly code: 'not-found' | 'not-a-directory' | 'unreadable' | 'unknown-format' | 'catalog-too-new' | 'bad-request' | 'too-large' | 'internal',
    message: string,
  ) {
    super(message);
  }
}
