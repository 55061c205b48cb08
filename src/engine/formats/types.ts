// The seam between the generic scan pipeline and each drop family. An adapter groups a
// drop's files into chunks (discover, on the coordinating thread, cheap) and inspects one
// chunk (inspect, in a worker thread, heavy). Cross-chunk checks work on the generic
// ChunkRecord, so new families reuse the catalog, checks and reports.
import type { FileEntry } from '../fs/walk';
import type { ArchiveState, ChecksumState, MetadataState, Problem } from '../../shared/report';

export interface ChunkCandidate {
  /** Name in the report: folder name, or the archive's base name in a flat drop. */
  name: string;
  /** Folder of its files, relative to the drop root ('' for the root). */
  dir: string;
  /** Files of the chunk, by role (adapter-specific role names). */
  files: Record<string, FileEntry | undefined>;
  /** Files beside the archive that belong to the chunk but have no fixed role (e.g. table .sha1s). */
  extraFiles: FileEntry[];
  /** Audit key and time read from the name; fallback when metadata is missing. */
  nameKey: number | null;
  nameTs: number | null;
  /** Changes whenever any of its files is added, removed, grown, replaced or touched. */
  fingerprint: string;
}

export interface TableInspection {
  name: string;
  member: string;
  rows: number | null;
  columns: string[];
  bytes: number | null;
  compressedBytes: number | null;
  malformedRows: number;
  checksum: ChecksumState | null;
  error: string | null;
}

export interface ChunkInspection {
  metadata: MetadataState;
  metadataError: string | null;
  hwmFrom: number | null;
  hwmFromTs: number | null;
  hwmTo: number | null;
  hwmToTs: number | null;
  createdTs: number | null;
  maxDataTs: number | null;
  versions: Record<string, string | null>;
  checksum: ChecksumState;
  expectedSha1: string | null;
  actualSha1: string | null;
  archive: ArchiveState;
  archiveBytes: number | null;
  tables: TableInspection[];
  /** Problems found inside this chunk alone (the cross-chunk checks add the rest). */
  problems: Problem[];
  /** A file changed while it was read: the result must not be reused. */
  unstable: boolean;
}

export interface InspectContext {
  root: string;
  verify: boolean;
  signal?: AbortSignal;
  onBytes: (n: number) => void;
  /** Refuse to inflate members larger than this (zip bombs). */
  maxMemberBytes: number;
}

export interface DropAdapter {
  format: string;
  label: string;
  /** How many of these files the adapter would claim (used to recognise the family). */
  recognise(files: FileEntry[]): number;
  discover(files: FileEntry[]): { chunks: ChunkCandidate[]; stray: FileEntry[] };
  /** Bytes the inspection of a chunk reads, for progress. */
  workOf(chunk: ChunkCandidate): number;
}

export type ChunkInspector = (chunk: ChunkCandidate, ctx: InspectContext) => Promise<ChunkInspection>;

export function fingerprintOf(files: FileEntry[]): string {
  return files
    .map((f) => `${f.rel}:${f.size}:${f.mtimeMs}`)
    .sort()
    .join('|');
}
