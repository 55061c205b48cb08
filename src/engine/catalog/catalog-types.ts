// The catalog's shapes as its callers see them: a drop's row, a chunk to record, what a scan
// leaves for the next one (its listing, its verdict), a chunk as a scan loads it.
import type { ChunkCandidate, ChunkInspection } from '../formats/types';
import type { ChunkSummary } from '../model';
import type { Extent } from '../../shared/family';

export interface CatalogOptions {
  /** Path of an addon built for another ABI (Electron); see src/main/native-sqlite.ts. */
  nativeBinding?: string;
  readonly?: boolean;
}

export interface DropRow {
  id: number;
  path: string;
  format: string | null;
  first_scanned_at: string | null;
  last_scanned_at: string | null;
  last_scan_complete: number;
  errors: number;
  warnings: number;
}

/** One chunk to record: its candidate, its inspection and its resolved extent (coverage.ts). */
export interface ChunkToSave {
  chunk: ChunkCandidate;
  result: ChunkInspection;
  scannedAt: string;
  coverage?: Extent;
}

/**
 * What a drop's last complete scan left for the next one to compare with (drop-listing.ts):
 * its family, the key of how it read (release, revisions, read options), a digest of its
 * files, and the stamp its chunks had then.
 */
export interface DropListing {
  format: string;
  key: string;
  files: string;
  /** The drop's chunksRev when the listing was kept (saveDropListing); a null one matches no stamp. */
  rev: number | null;
}

/** A scan's verdict as the catalog keeps it (report/verdict.ts reads the body): made at the chunks' stamp `rev`. */
export interface KeptVerdict {
  rev: number;
  key: string;
  body: string;
}

/** A listing as a scan leaves it: the catalog adds the stamp (saveDropListing). */
export type NewListing = Omit<DropListing, 'rev'>;

/** What is kept of a drop's chunks (records, or summaries), by chunk id, and the names written since. */
export interface Kept<T> {
  dataVersion: number;
  byId: Map<number, T>;
  idOf: Map<string, number>;
  dirty: Set<string>;
}

/**
 * A chunk as a scan loads it: its summary for the checks, and where its report entry's JSON
 * text is. A stored entry is not read here: the report joins them all in one query
 * (storedEntries), 12 MB for 3000 chunks that were otherwise read into 3000 buffers, then
 * copied into pieces.
 */
export interface LoadedChunk {
  id: number;
  summary: ChunkSummary;
  /** The entry made from the chunk's record (no stored summary of this format), else null: stored. */
  entry: Uint8Array | null;
}
