// The storage seam: where a drop's bytes live. Discovery and every reader go through a
// DropStore, so a drop can be a local folder or an S3 prefix read in place. A store is
// read-only by construction: nothing here can write.
import type { Readable } from 'node:stream';

/** One object (file) of a drop. */
export interface StoreEntry {
  /** Path below the drop root with '/' separators (the object key below the prefix in S3). */
  rel: string;
  size: number;
  /** Last modification, ms since the epoch. */
  mtimeMs: number;
  /** Changes when the content does: the mtime (ms) locally, the ETag in S3. */
  version: string;
}

/** What a store has cost so far: the scan's stats and the CLI summary show these. */
export interface StoreStats {
  /** HTTP requests made (retries included); 0 for a local folder. */
  requests: number;
  /** Object body bytes read (ranged reads and streams). */
  bytesRead: number;
}

export interface ListResult {
  files: StoreEntry[];
  /** Folders or keys that could not be listed, with the reason ('.' for the root). */
  unreadable: Array<{ rel: string; error: string }>;
}

export interface DropStore {
  readonly kind: 'local' | 's3';
  /** The drop as people and the catalog name it: an absolute folder or s3://bucket/prefix/. */
  readonly location: string;
  readonly stats: StoreStats;
  /** Every object below the root, sorted by rel. */
  list(opts?: { signal?: AbortSignal; maxDepth?: number }): Promise<ListResult>;
  stat(rel: string): Promise<StoreEntry | null>;
  /**
   * Bytes [start, end) of one object. With `version` (the listing's), a read of an object
   * replaced since fails with ObjectChanged (S3: If-Match on the ETag).
   */
  read(rel: string, start: number, end: number, signal?: AbortSignal, version?: string): Promise<Buffer>;
  /** The object's bytes from start (default 0) to end (exclusive; default its end). */
  stream(rel: string, opts?: { start?: number; end?: number; signal?: AbortSignal; version?: string }): Readable;
  /** Where a local path for the object is, if there is one (DuckDB reads local files directly). */
  localPath(rel: string): string | null;
  close(): void;
}

export function emptyStats(): StoreStats {
  return { requests: 0, bytesRead: 0 };
}

/** The object was replaced after it was listed (S3: 412 on If-Match): the result must not be kept. */
export class ObjectChanged extends Error {
  readonly code = 'object-changed';
  constructor(readonly rel: string) {
    super(`${rel} changed while it was read`);
  }
}
