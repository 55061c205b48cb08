// A chunk as the catalog holds it: what discovery saw plus what inspection found.
import type { ApiErrorCode } from '../shared/api';
import type { ChunkInspection, TableInspection, TablePart } from './formats/types';
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

/**
 * What the cross-chunk checks and the report's totals need of a chunk: a record without what
 * only the table browser and the report's chunk entries use (file paths, parts' codecs and
 * layouts, checksums, versions). A ChunkRecord is one; the catalog keeps this much of each
 * chunk in a column of its own (catalog/summary.ts), so a re-scan checks 3000 chunks without
 * decoding 3000 whole records.
 */
export interface ChunkSummary
  extends Pick<
    ChunkRecord,
    'name' | 'dir' | 'series' | 'coverage' | 'requested' | 'createdTs' | 'maxDataTs' | 'nameTs' | 'hwmFromTs' | 'hwmToTs' | 'attributes' | 'archiveBytes' | 'problems'
  > {
  tables: TableSummary[];
  /** The chunk's files' sizes (a family without one archive a chunk is as big as its files). */
  files: Array<Pick<StoredFile, 'size'>>;
}

/** A table as the checks see it: counts, columns and where its parts are (not how they are read). */
export interface TableSummary extends Pick<TableInspection, 'name' | 'member' | 'rows' | 'columns' | 'columnTypes' | 'declaredRows' | 'declaredIn'> {
  parts: Array<Pick<TablePart, 'source'>>;
}

export class EngineError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
