// The scan report: the document of docs/report-contract.md. Field names here are a
// public contract (scripts parse them); add fields freely, never rename or re-mean one.
import type { AxisKind, Codec, ExtentSource, Layout } from './family';

export type Severity = 'error' | 'warning' | 'info';

/** State of an archive's SHA-1 check. */
export type ChecksumState = 'ok' | 'mismatch' | 'missing' | 'error' | 'encrypted';

/** State of a chunk's metadata file. */
export type MetadataState = 'ok' | 'missing' | 'invalid';

/** State of reading an archive to its end. */
export type ArchiveState = 'ok' | 'missing' | 'corrupt' | 'encrypted';

export { PROBLEM_KINDS, SEVERITY_OF, type ProblemKind } from './problem-kinds';
import type { ProblemKind } from './problem-kinds';

export interface Problem {
  kind: ProblemKind;
  severity: Severity;
  /** The chunk it is about (for a gap: the one after it); null for drop-wide problems. */
  chunk: string | null;
  /** For gap / overlap / duplicate / out-of-order / late: the chunk before it. */
  previous?: string | null;
  /** Set where it is about one table. */
  table: string | null;
  message: string;
  /** What a support engineer should do about it. */
  action?: string;
  /** Machine-readable extents, e.g. the missing audit-key range of a gap. */
  detail?: Record<string, unknown>;
}

/** A table's part as the report describes it. */
export interface ReportPart {
  /** "export_1.zip!interaction_fact.csv", "2026-11-23/FACT_REVIEWS.parquet". */
  source: string;
  codecs: Codec[];
  layout: Layout;
  rows: number | null;
  error?: string;
}

export interface ReportTable {
  /** Member name without .csv, as written; record type (bulk); file base name (daily dumps, extracts). */
  name: string;
  /** Records, header excluded; null if unreadable. */
  rows: number | null;
  /** What the vendor's stats or count file says, where one exists. */
  declaredRows?: number | null;
  /** The file that declared it. */
  declaredIn?: string;
  /** Column types where the layout has them (Parquet). */
  columnTypes?: string[];
  /** Where the table's bytes are. */
  parts?: ReportPart[];
  columns: string[];
  /** Uncompressed size of the member in bytes. */
  bytes?: number | null;
  /** Records with the wrong number of fields. */
  malformedRows?: number;
  /** SHA-1 check of the table's own checksum, where one exists. */
  checksum?: ChecksumState | null;
}

/** A chunk's extent on its family's axis (keys, or UTC seconds for the time axes). */
export interface ReportCoverage {
  axis: AxisKind;
  from: number | null;
  to: number | null;
  /** Where the family has a requested extent (bulk exports). */
  requestedFrom: number | null;
  requestedTo: number | null;
  /** Where from/to came from. */
  source?: ExtentSource;
}

export interface ReportChunk {
  name: string;
  /** Audit keys; null for families without them. */
  hwmFrom: number | null;
  hwmTo: number | null;
  createdTs: number | null;
  maxDataTs: number | null;
  checksum: ChecksumState;
  /** Every family: the chunk's extent on its family's axis. */
  coverage: ReportCoverage;
  /** Continuity is judged within a series ('' where the family has one). */
  series?: string;
  /** Family attributes: versions, sections, terminated reason, … */
  attributes?: Record<string, string | number | boolean | null>;
  tables: ReportTable[];
  // Beside the contract's fields:
  /** Path of the chunk (folder, or archive in a flat drop) relative to the drop. */
  path: string;
  hwmFromTs: number | null;
  hwmToTs: number | null;
  metadata: MetadataState;
  archive: ArchiveState;
  /** Archive size in bytes (null when there is no archive). */
  bytes: number | null;
  gimVersion: string | null;
  gimSchemaVersion: string | null;
  /** Where hwmFrom/hwmTo came from. */
  keySource: ExtentSource;
  files: string[];
}

export interface ReportSummary {
  chunks: number;
  tables: number;
  rows: number;
  problems: number;
  errors: number;
  warnings: number;
  infos: number;
  bytes: number;
  hwmFrom: number | null;
  hwmTo: number | null;
  firstCreatedTs: number | null;
  lastCreatedTs: number | null;
}

/**
 * Where the cadence a drop was judged by came from: the user's setting, the family's default,
 * inferred from the chunks (or the schedule the drop keeps), or the fallback default.
 */
export type CadenceSource = 'given' | 'family' | 'inferred' | 'default';

/** Where a cadence came from, in words: the report's facts and the app's Judgement panel say the same. */
export const CADENCE_SOURCE_WORDS: Record<CadenceSource, string> = {
  given: 'as set',
  family: 'this kind of drop\u2019s default',
  inferred: 'the drop\u2019s own schedule, from its chunks',
  default: 'the default',
};

export interface ScanReport {
  format: string;
  drop: string;
  scannedAt: string;
  summary: ReportSummary;
  chunks: ReportChunk[];
  problems: Problem[];
  // Beside the contract's fields:
  tool: { name: 'drop-inspector'; version: string };
  options: { cadenceSeconds: number; graceSeconds: number; asOf: string; cadenceSource?: CadenceSource };
  /** The family's continuity axis and its name for people. */
  axis?: AxisKind;
  label?: string;
  /**
   * Set while a scan is still recording the drop's chunks (a report asked for meanwhile):
   * what is left out and why. The problems are then those of the chunks recorded so far;
   * the checks that compare chunks (gaps, order, lateness, schema, volume) wait for the end.
   */
  incomplete?: string;
}
