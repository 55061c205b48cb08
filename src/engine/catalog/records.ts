// A chunk's catalog rows (chunks, chunk_tables, chunk_problems) as a ChunkRecord, and the
// same record kept whole in one column (chunks.record) so a fresh process loads a drop with
// one query and one JSON.parse per chunk instead of decoding ~7 rows and ~10 JSON columns
// each (a 3000-chunk drop: 21,000 rows). The record column is derived from the rows when they
// are written, in the same statement, so both always agree; the rows stay the queryable truth
// and the fallback (a NULL or older-format record is decoded from them).
import type Database from 'better-sqlite3';
import type { Problem } from '../../shared/report';
import type { Extent } from '../../shared/family';
import type { ChunkRecord } from '../model';

export type Row = Record<string, unknown>;

/**
 * The shape of chunks.record. Bump it whenever ChunkRecord or the rows' decoding changes, and
 * append a migration that calls backfillRecords: records of another format are decoded from
 * the rows until then.
 */
export const RECORD_FORMAT = 2;

/** Decodes chunk rows with their tables and problems (ordered by chunk_id, seq), by chunk id. */
export function decodeRows(chunks: Row[], tables: Row[], problems: Row[]): Map<number, ChunkRecord> {
  const byId = new Map<number, ChunkRecord>();
  for (const c of chunks) {
    byId.set(c.id as number, {
      name: c.name as string,
      dir: c.dir as string,
      files: JSON.parse(c.files as string),
      nameKey: c.name_key as number | null,
      nameTs: c.name_ts as number | null,
      fingerprint: c.fingerprint as string,
      scannedAt: c.scanned_at as string,
      metadata: c.metadata as ChunkRecord['metadata'],
      metadataError: c.metadata_error as string | null,
      hwmFrom: c.hwm_from as number | null,
      hwmFromTs: c.hwm_from_ts as number | null,
      hwmTo: c.hwm_to as number | null,
      hwmToTs: c.hwm_to_ts as number | null,
      createdTs: c.created_ts as number | null,
      maxDataTs: c.max_data_ts as number | null,
      versions: JSON.parse(c.versions as string),
      checksum: c.checksum as ChunkRecord['checksum'],
      expectedSha1: c.expected_sha1 as string | null,
      actualSha1: c.actual_sha1 as string | null,
      archive: c.archive as ChunkRecord['archive'],
      archiveBytes: c.archive_bytes as number | null,
      tables: [],
      problems: [],
      unstable: (c.fingerprint as string).startsWith('unstable:'),
      series: c.series as string,
      coverage: { from: c.cov_from as number | null, to: c.cov_to as number | null, source: c.cov_source as Extent['source'] },
      requested:
        c.req_source === null || c.req_source === undefined
          ? null
          : { from: c.req_from as number | null, to: c.req_to as number | null, source: c.req_source as Extent['source'] },
      attributes: JSON.parse(c.attributes as string),
    });
  }
  for (const t of tables) {
    byId.get(t.chunk_id as number)?.tables.push({
      name: t.name as string,
      member: t.member as string,
      rows: t.rows as number | null,
      columns: JSON.parse(t.columns as string),
      bytes: t.bytes as number | null,
      compressedBytes: t.compressed_bytes as number | null,
      malformedRows: t.malformed_rows as number,
      checksum: t.checksum as ChunkRecord['checksum'] | null,
      error: t.error as string | null,
      parts: JSON.parse(t.parts as string),
      declaredRows: t.declared_rows as number | null,
      declaredIn: t.declared_in as string | null,
      columnTypes: t.column_types === null ? null : JSON.parse(t.column_types as string),
      errorKind: t.error_kind as ChunkRecord['tables'][number]['errorKind'],
    });
  }
  for (const p of problems) {
    const c = byId.get(p.chunk_id as number);
    c?.problems.push({
      kind: p.kind as Problem['kind'],
      severity: p.severity as Problem['severity'],
      chunk: c.name,
      table: p.tbl as string | null,
      message: p.message as string,
      ...(p.detail ? { detail: JSON.parse(p.detail as string) } : {}),
    });
  }
  return byId;
}

/**
 * The record column's text: the record as JSON, each table's column list kept as its JSON
 * text (a string inside the record), so loading shares one array among the chunks with the
 * same columns instead of building 18,000 arrays for a 3000-chunk drop. Format 2 does the
 * same for each part's layout and the archive a member part is read from (one each per
 * distinct text): parts were 60% of the parsing, their nested objects the most of it.
 */
export function encodeRecord(rec: ChunkRecord): string {
  // The fingerprint (and `unstable`, which it says) is left to its own column: what decides
  // whether a chunk is read again has one place.
  const { fingerprint: _f, unstable: _u, ...rest } = rec;
  // The format goes last: decodeRecord deletes it, and deleting an object's last property
  // keeps its fast shape, while deleting any other turns it into a dictionary (every record
  // of a drop then had slow property reads in the checks and the report).
  return JSON.stringify({
    ...rest,
    tables: rec.tables.map((t) => ({ ...t, columns: JSON.stringify(t.columns), ...(t.parts ? { parts: t.parts.map(encodePart) } : {}) })),
    v: RECORD_FORMAT,
  });
}

type Part = NonNullable<ChunkRecord['tables'][number]['parts']>[number];

function encodePart(p: Part): unknown {
  return {
    ...p,
    source: p.source.kind === 'member' ? { ...p.source, of: JSON.stringify(p.source.of) } : p.source,
    layout: JSON.stringify(p.layout),
  };
}

/** The one object of a JSON text among the records loaded together (see encodeRecord). */
function shared<T>(text: string, seen: Map<string, unknown>): T {
  let v = seen.get(text);
  if (v === undefined) seen.set(text, (v = JSON.parse(text)));
  return v as T;
}

/**
 * The record of a chunks.record text and the row's fingerprint, or null when the text is
 * missing or of another format.
 */
export function decodeRecord(text: string | null, fingerprint: string, texts: Map<string, unknown>): ChunkRecord | null {
  if (text === null) return null;
  const rec = JSON.parse(text) as ChunkRecord & { v?: number };
  if (rec.v !== RECORD_FORMAT) return null;
  delete rec.v;
  rec.fingerprint = fingerprint;
  rec.unstable = fingerprint.startsWith('unstable:');
  for (const t of rec.tables) {
    t.columns = shared(t.columns as unknown as string, texts);
    for (const p of t.parts ?? []) {
      if (p.source.kind === 'member') p.source.of = shared(p.source.of as unknown as string, texts);
      p.layout = shared(p.layout as unknown as string, texts);
    }
  }
  return rec;
}

/** (Re)writes every chunk's record column from its rows: a migration's back-fill. */
export function backfillRecords(db: Database.Database): void {
  const ids = db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[];
  const chunk = db.prepare('SELECT * FROM chunks WHERE id = ?');
  const tables = db.prepare('SELECT * FROM chunk_tables WHERE chunk_id = ? ORDER BY seq');
  const problems = db.prepare('SELECT * FROM chunk_problems WHERE chunk_id = ? ORDER BY seq');
  const set = db.prepare('UPDATE chunks SET record = ? WHERE id = ?');
  for (const id of ids) {
    const rec = decodeRows([chunk.get(id) as Row], tables.all(id) as Row[], problems.all(id) as Row[]).get(id)!;
    set.run(encodeRecord(rec), id);
  }
}
