// The family-neutral vocabulary of a drop: the axis its chunks cover, where a chunk's extent
// came from, and how a table's bytes are found and decoded (a part). Shared by the engine,
// the table API and the renderer, so every family speaks one shape.

/** What continuity is judged along. */
export type AxisKind =
  /** Audit-key high-water marks: the next chunk's from equals this one's to (Info Mart). */
  | 'audit-key'
  /** UTC-second windows [from, to): requested and exported (bulk exports). */
  | 'time-range'
  /** One full snapshot a day; from = the day's 00:00 UTC, to = the next day's (daily dumps). */
  | 'run-date'
  /** Runs on a schedule; from = to = the run's time; continuity is the cadence (extracts). */
  | 'run-time';

export const AXIS_KINDS: readonly AxisKind[] = ['audit-key', 'time-range', 'run-date', 'run-time'];

/** Where an extent was read. */
export type ExtentSource = 'metadata' | 'name' | 'path' | 'stats' | 'none';

/** A chunk's extent on its family's axis: keys, or UTC seconds for the time axes. */
export interface Extent {
  from: number | null;
  to: number | null;
  source: ExtentSource;
}

export const NO_EXTENT: Extent = Object.freeze({ from: null, to: null, source: 'none' }) as Extent;

/**
 * A DSV dialect. One type travels from detection through the record counter, the indexer,
 * the cell parser, the cache key and DuckDB's options.
 */
export interface Dialect {
  /** One character: ',' ';' '|' '\t' … */
  delimiter: string;
  /** The quote character, or null when fields are never quoted. */
  quote: string | null;
  /** The first record is a header of column names. */
  header: boolean;
}

export const RFC4180: Dialect = Object.freeze({ delimiter: ',', quote: '"', header: true }) as Dialect;

export type Layout =
  | { kind: 'dsv'; dialect: Dialect }
  | { kind: 'parquet' }
  /** One JSON object per line. */
  | { kind: 'jsonl' }
  /** One JSON array of objects. */
  | { kind: 'json-array' };

/** Decoders applied to a source's bytes, outermost first (e.g. ['pgp', 'gzip']). */
export type Codec = 'gzip' | 'lzo' | 'pgp';

/** Where a part's bytes are: a file of the drop, or a member of a zip (nestable). */
export type ByteSource =
  | {
      kind: 'file';
      /** Path relative to the drop root ('/' separators), or the object key below an S3 prefix. */
      path: string;
      size: number;
      /** Changes when the file does: mtime (ms) locally, the ETag in S3. */
      version: string;
    }
  | {
      kind: 'member';
      /** The zip that holds it. */
      of: ByteSource;
      /** The member's name in the zip's central directory. */
      member: string;
    };

/** How to get one part of a table: bytes, decoders, layout. */
export interface PartSpec {
  source: ByteSource;
  codecs: Codec[];
  layout: Layout;
}

/** How a warehouse combines a table's chunks (the table browser's merged view). */
export type MergePolicy =
  /** Later chunks' records replace earlier ones with the same key (Info Mart, bulk, delta extracts). */
  | 'upsert-by-key'
  /** Each chunk is a full snapshot: the newest one is the table (daily dumps). */
  | 'latest-snapshot'
  /** Records are appended. */
  | 'concat';

/** The file of a ByteSource chain (the outermost file holding the bytes). */
export function fileOf(src: ByteSource): Extract<ByteSource, { kind: 'file' }> {
  return src.kind === 'file' ? src : fileOf(src.of);
}

/** "export_1.zip!interaction_fact.csv", "a.zip!b.csv.gz": a part's source for people. */
export function describeSource(src: ByteSource): string {
  return src.kind === 'file' ? src.path : `${describeSource(src.of)}!${src.member}`;
}

/** A stable string of everything that identifies a part's bytes and how they are read (cache keys). */
export function partIdentity(p: PartSpec): string {
  return JSON.stringify([sourceIdentity(p.source), p.codecs, p.layout]);
}

function sourceIdentity(s: ByteSource): unknown {
  return s.kind === 'file' ? ['f', s.path, s.size, s.version] : ['m', sourceIdentity(s.of), s.member];
}

/** "delimiter ';', quote '\"', header" — a dialect for people. */
export function describeDialect(d: Dialect): string {
  const show = (c: string): string => (c === '\t' ? 'tab' : `'${c}'`);
  return `delimiter ${show(d.delimiter)}, ${d.quote === null ? 'no quoting' : `quote ${show(d.quote)}`}, ${d.header ? 'header' : 'no header'}`;
}

/** One way some of a table's chunks are read: their parts' layout, its dialect (DSV only), and how many chunks. */
export interface ReadWay {
  layout: Layout['kind'];
  dialect: Dialect | null;
  chunks: number;
}

/** A layout as a person reads it ("delimiter ';', quote '"', header", "JSON lines", …). */
export function describeLayout(layout: Layout['kind'], dialect: Dialect | null): string {
  if (dialect) return describeDialect(dialect);
  return layout === 'jsonl' ? 'JSON lines' : layout === 'json-array' ? 'a JSON array' : layout === 'parquet' ? 'Parquet' : layout;
}

/** Chunks read in more than one way (an account extract's runs cycle delimiters and JSON lines): each, with its chunks. */
export function describeReadWays(ways: readonly ReadWay[]): string {
  return `each chunk its own way: ${ways.map((w) => `${describeLayout(w.layout, w.dialect)} (${w.chunks} chunk${w.chunks === 1 ? '' : 's'})`).join('; ')}`;
}
