// The seam between the generic scan pipeline and each drop family. An adapter groups a
// drop's files into chunks (discover, on the coordinating thread, cheap) and inspects one
// chunk (inspect, in a worker thread, heavy). Cross-chunk checks work on the generic
// ChunkRecord, so new families reuse the catalog, checks and reports.
import type { FileEntry } from '../fs/walk';
import type { ArchiveState, ChecksumState, MetadataState, Problem } from '../../shared/report';
import type { AxisKind, Dialect, Extent, MergePolicy, PartSpec } from '../../shared/family';
import type { ChunkSummary } from '../model';

export interface ChunkCandidate {
  /** Name in the report: folder name, or the archive's base name in a flat drop. */
  name: string;
  /** Folder of its files, relative to the drop root ('' for the root). */
  dir: string;
  /** Files of the chunk, by role (adapter-specific role names). */
  files: Record<string, FileEntry | undefined>;
  /** Files beside the archive that belong to the chunk but have no fixed role (e.g. table .sha1s). */
  extraFiles: FileEntry[];
  /** The role recorded for extraFiles (default 'extra'; Info Mart: 'table-sha1'). */
  extraRole?: string;
  /** Audit key and time read from the name; fallback when metadata is missing. */
  nameKey: number | null;
  nameTs: number | null;
  /**
   * The extent the names and paths say (run date in a path, run time in a file name), used
   * when the inspection finds none. Audit-key families leave it out (nameKey is theirs).
   */
  nameExtent?: Extent;
  /**
   * Continuity is judged per series: chunks of different series never make gaps with each
   * other (e.g. one brand's daily dumps beside another's, or two extract jobs). '' by default.
   */
  series?: string;
  /** Changes whenever any of its files is added, removed, grown, replaced or touched. */
  fingerprint: string;
}

/** One part of a table as the scan read it. */
export interface TablePart extends PartSpec {
  rows: number | null;
  /** Decoded bytes read. */
  bytes: number | null;
  error: string | null;
}

/**
 * Why a table could not be read. 'content': the bytes are there but are not text or CSV as
 * read (another encoding may read them); 'damaged': the archive or a codec stream is
 * corrupt or truncated; 'limit': over a size limit; 'encrypted'; 'unsupported': a
 * compression or layout this version cannot read.
 */
export type TableErrorKind = 'content' | 'damaged' | 'limit' | 'encrypted' | 'unsupported';

export interface TableInspection {
  name: string;
  /** The first part's member or file name, for people (Info Mart: the zip member). */
  member: string;
  rows: number | null;
  columns: string[];
  bytes: number | null;
  compressedBytes: number | null;
  malformedRows: number;
  checksum: ChecksumState | null;
  error: string | null;
  /** Why it could not be read (null when error is null). */
  errorKind: TableErrorKind | null;
  /** Where the table's bytes are and how they are decoded; the table browser reads these. */
  parts: TablePart[];
  /** The row count the vendor declares (stats or record-count file), null where none. */
  declaredRows: number | null;
  /** The file (or member) that declared it. */
  declaredIn: string | null;
  /** Column types where the layout has them (Parquet), parallel to columns. */
  columnTypes: string[] | null;
}

/** A file of the chunk, with what it is for; kept in the catalog (table chunk_files). */
export interface ChunkFile {
  /** Family role: 'zip', 'zip-sha1', 'metadata', 'stats', 'data', 'count', … */
  role: string;
  rel: string;
  size: number;
  /** mtime (ms) locally, ETag in S3. */
  version: string;
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
  /**
   * The delivered extent on the family's axis. Null: derive it (audit keys from hwm or the
   * name; else the candidate's nameExtent).
   */
  coverage: Extent | null;
  /** What was asked for, where the family has a request beside the delivery (bulk exports). */
  requested: Extent | null;
  /** Family attributes in one place: versions, sections, terminated reason, … */
  attributes: Record<string, string | number | boolean | null>;
}

/** An inspection with nothing found yet: every inspector starts from this. */
export function emptyInspection(): ChunkInspection {
  return {
    metadata: 'missing',
    metadataError: null,
    hwmFrom: null,
    hwmFromTs: null,
    hwmTo: null,
    hwmToTs: null,
    createdTs: null,
    maxDataTs: null,
    versions: {},
    checksum: 'missing',
    expectedSha1: null,
    actualSha1: null,
    archive: 'missing',
    archiveBytes: null,
    tables: [],
    problems: [],
    unstable: false,
    coverage: null,
    requested: null,
    attributes: {},
  };
}

/** A table found with nothing read yet. */
export function emptyTable(name: string, member: string, parts: TablePart[] = []): TableInspection {
  return {
    name,
    member,
    rows: null,
    columns: [],
    bytes: null,
    compressedBytes: null,
    malformedRows: 0,
    checksum: null,
    error: null,
    errorKind: null,
    parts,
    declaredRows: null,
    declaredIn: null,
    columnTypes: null,
  };
}

export interface InspectContext {
  root: string;
  verify: boolean;
  signal?: AbortSignal;
  onBytes: (n: number) => void;
  /** Refuse to inflate members larger than this (zip bombs). */
  maxMemberBytes: number;
  /** How the user asked files to be read (--delimiter, --no-header, --pgp-key). */
  read?: ReadOptions;
}

/** The user's reading choices: parts of the DSV dialect fixed, a PGP key. */
export interface ReadOptions {
  dialect?: Partial<Dialect>;
  pgpKey?: { keyFile: string; passphrase?: string };
}

/** A stable tag of the read options (joins chunk fingerprints: other options, other results). */
export function readOptionsTag(r: ReadOptions | undefined): string {
  if (!r || (!r.dialect && !r.pgpKey)) return '';
  return `|read:${JSON.stringify([r.dialect ?? null, r.pgpKey?.keyFile ?? null])}`;
}

/** What a cross-chunk check sees: chunks in continuity order, with their extents resolved. */
export interface CheckContext {
  axis: AxisKind;
  cadenceSeconds: number;
  graceSeconds: number;
  /** Unix seconds the time checks are judged at. */
  asOf: number;
  /** The retention window where the user gave one (families with a retention check). */
  retentionSeconds?: number;
}

/**
 * What a check that does not depend on the as-of time sees: everything but it. Such a check's
 * findings hold until the chunks change, so an unchanged re-scan reuses them (report/verdict.ts).
 */
export type TimelessContext = Omit<CheckContext, 'asOf'>;

/** A family's own check over all chunks (beside the generic ones in checks/): never judged by the as-of time. */
export type CrossChunkCheck = (chunks: ChunkSummary[], ctx: TimelessContext) => Problem[];

/**
 * A family's check that depends on the as-of time, in two steps: `facts` gathers what it
 * needs of the chunks (small, JSON, kept between scans), `judge` judges them at an as-of time.
 * An unchanged re-scan judges the kept facts again without loading the chunks. `id` names the
 * facts where they are kept (unique among the family's timed checks).
 */
export interface TimedCheck<F = unknown> {
  id: string;
  facts(chunks: ChunkSummary[], ctx: TimelessContext): F;
  judge(facts: F, ctx: CheckContext): Problem[];
}

export interface DropAdapter {
  format: string;
  label: string;
  /** The axis its chunks cover. */
  axis: AxisKind;
  /** How its warehouse combines chunks of a table (the table browser's merged view). */
  merge: MergePolicy;
  /**
   * The schedule when none is given: seconds between runs and grace, or 'infer' (the median
   * interval between the chunks' times). `adjustable`: the vendor's default, which a drop
   * may have changed; a drop that keeps another schedule regularly (checks/time.ts
   * regularCadence) is judged by that one.
   */
  cadence: { cadenceSeconds: number; graceSeconds: number; adjustable?: boolean } | 'infer';
  /** Family checks, run after the generic ones. */
  checks?: CrossChunkCheck[];
  /** Family checks judged by the as-of time, run after `checks`. */
  timedChecks?: TimedCheck[];
  /** The primary key of a table for the merged view, where the family knows it. */
  keyOf?(table: string, columns: string[]): string[] | null;
  /**
   * How many of these files the adapter would claim (used to recognise the family). With
   * `beat`, it may stop as soon as it cannot claim more than that (the best family so far
   * claims `beat`), returning any number up to it (claims.ts countClaims).
   */
  recognise(files: FileEntry[], beat?: number): number;
  discover(files: FileEntry[]): { chunks: ChunkCandidate[]; stray: FileEntry[] };
  /** Bytes the inspection of a chunk reads, for progress. */
  workOf(chunk: ChunkCandidate): number;
  /**
   * The revision of the family's inspection: raise it when the same bytes inspect to a
   * different result (a new check, a better message), so an upgraded app reads the chunks
   * an older one recorded again instead of reusing their stale results. Part of each
   * chunk's fingerprint; absent means 1.
   */
  revision?: number;
}

/** What a chunk's fingerprint gains from its family's inspection revision ('' for 1). */
export function revisionTag(adapter: Pick<DropAdapter, 'revision'>): string {
  return adapter.revision && adapter.revision > 1 ? `|rev${adapter.revision}` : '';
}

export type ChunkInspector = (chunk: ChunkCandidate, ctx: InspectContext) => Promise<ChunkInspection>;

/** A file's version for fingerprints and cache keys: the store's (ETag) or its mtime. */
export function versionOf(f: Pick<FileEntry, 'mtimeMs' | 'version'>): string {
  return f.version ?? String(Math.trunc(f.mtimeMs));
}

/**
 * The chunk's files as `rel:size:version`, in code-unit order, joined by '|': what the catalog
 * compares. Sorted by insertion, not Array#sort: a chunk has a few files, and a scan of 3000
 * chunks spent ~4 MB of allocations (and their collection) on sort's scratch copies.
 */
export function fingerprintOf(files: FileEntry[]): string {
  const parts: string[] = [];
  for (const f of files) {
    const part = `${f.rel}:${f.size}:${versionOf(f)}`;
    let i = parts.length;
    while (i > 0 && parts[i - 1] > part) {
      parts[i] = parts[i - 1];
      i--;
    }
    parts[i] = part;
  }
  let out = parts.length ? parts[0] : '';
  for (let i = 1; i < parts.length; i++) out += `|${parts[i]}`;
  return out;
}
