// How one chunk is written (within the caller's transaction): its row, its tables' and
// problems' rows, its whole record decoded from exactly those rows (records.ts), and its
// summary and report entry made from that record (summary.ts). Statements are prepared once
// per catalog (prepareChunkWrites).
import type BetterSqlite3 from 'better-sqlite3';
import { NO_EXTENT, type AxisKind } from '../../shared/family';
import type { StoredFile } from '../model';
import type { ChunkToSave } from './catalog-types';
import { decodeRows, encodeRecord, type Row } from './records';
import { summaryTexts, type SharedTexts } from './summary';

const json = (v: unknown): string => JSON.stringify(v);

// The columns each chunk write fills, in the order of the rows' values (writeChunkRows).
const CHUNK_COLUMNS = [
  'drop_id', 'name', 'dir', 'fingerprint', 'files', 'name_key', 'name_ts', 'hwm_from', 'hwm_from_ts', 'hwm_to', 'hwm_to_ts',
  'created_ts', 'max_data_ts', 'versions', 'metadata', 'metadata_error', 'checksum', 'expected_sha1', 'actual_sha1', 'archive', 'archive_bytes',
  'scanned_at', 'series', 'cov_from', 'cov_to', 'cov_source', 'req_from', 'req_to', 'req_source', 'attributes', 'record',
];
const TABLE_COLUMNS = [
  'chunk_id', 'seq', 'name', 'member', 'rows', 'columns', 'bytes', 'compressed_bytes', 'malformed_rows', 'checksum', 'error',
  'parts', 'declared_rows', 'declared_in', 'column_types', 'error_kind',
];
const PROBLEM_COLUMNS = ['chunk_id', 'seq', 'kind', 'severity', 'tbl', 'message', 'detail'];
const bound = (row: Row, columns: string[]): unknown[] => columns.map((c) => row[c]);
const insert = (table: string, columns: string[]): string =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;

/** The statements a chunk write runs. */
export interface ChunkWrites {
  del: BetterSqlite3.Statement;
  chunk: BetterSqlite3.Statement;
  table: BetterSqlite3.Statement;
  problem: BetterSqlite3.Statement;
  summary: BetterSqlite3.Statement;
}

export function prepareChunkWrites(db: BetterSqlite3.Database): ChunkWrites {
  return {
    del: db.prepare('DELETE FROM chunks WHERE drop_id = ? AND name = ?'),
    chunk: db.prepare(insert('chunks', CHUNK_COLUMNS)),
    table: db.prepare(insert('chunk_tables', TABLE_COLUMNS)),
    problem: db.prepare(insert('chunk_problems', PROBLEM_COLUMNS)),
    summary: db.prepare('INSERT INTO chunk_summaries (chunk_id, summary, entry) VALUES (?, ?, ?)'),
  };
}

/**
 * Writes one chunk's rows in place of any of its name (within the caller's transaction); its
 * new id. `axis`: the drop's family's (null for a family this version does not know: no
 * summary is kept, and loads summarise the record).
 */
export function writeChunkRows(
  st: ChunkWrites,
  dropId: number,
  { chunk: c, result: r, scannedAt, coverage = r.coverage ?? NO_EXTENT }: ChunkToSave,
  axis: AxisKind | null,
  shared: () => SharedTexts,
): number {
  const files: StoredFile[] = [
    ...Object.entries(c.files).flatMap(([role, f]) => (f ? [{ rel: f.rel, size: f.size, mtimeMs: f.mtimeMs, role }] : [])),
    ...c.extraFiles.map((f) => ({ rel: f.rel, size: f.size, mtimeMs: f.mtimeMs, role: c.extraRole ?? 'extra' })),
  ];
  const req = r.requested;
  const row: Row = {
    id: 0, drop_id: dropId, name: c.name, dir: c.dir,
    // An unstable result is kept for the report but never reused: a fingerprint no scan can match.
    fingerprint: r.unstable ? `unstable:${c.fingerprint}` : c.fingerprint,
    files: json(files), name_key: c.nameKey, name_ts: c.nameTs, hwm_from: r.hwmFrom, hwm_from_ts: r.hwmFromTs, hwm_to: r.hwmTo, hwm_to_ts: r.hwmToTs,
    created_ts: r.createdTs, max_data_ts: r.maxDataTs, versions: json(r.versions), metadata: r.metadata, metadata_error: r.metadataError,
    checksum: r.checksum, expected_sha1: r.expectedSha1, actual_sha1: r.actualSha1, archive: r.archive, archive_bytes: r.archiveBytes, scanned_at: scannedAt,
    series: c.series ?? '', cov_from: coverage.from, cov_to: coverage.to, cov_source: coverage.source,
    req_from: req?.from ?? null, req_to: req?.to ?? null, req_source: req?.source ?? null, attributes: json(r.attributes ?? {}),
  };
  const tables: Row[] = r.tables.map((t, i) => ({
    chunk_id: 0, seq: i, name: t.name, member: t.member, rows: t.rows, columns: json(t.columns), bytes: t.bytes, compressed_bytes: t.compressedBytes,
    malformed_rows: t.malformedRows, checksum: t.checksum, error: t.error, parts: json(t.parts ?? []), declared_rows: t.declaredRows ?? null,
    declared_in: t.declaredIn ?? null, column_types: t.columnTypes ? json(t.columnTypes) : null,
    error_kind: t.error === null ? null : (t.errorKind ?? 'damaged'),
  }));
  const problems: Row[] = r.problems.map((p, i) => ({
    chunk_id: 0, seq: i, kind: p.kind, severity: p.severity, tbl: p.table, message: p.message, detail: p.detail ? json(p.detail) : null,
  }));
  // The whole record, decoded from exactly the rows written beside it (records.ts), and its
  // summary and report entry from that record (summary.ts).
  const rec = decodeRows([row], tables, problems).get(0)!;
  row.record = encodeRecord(rec);
  const texts = axis ? summaryTexts(rec, axis, shared()) : null;
  st.del.run(dropId, c.name);
  const chunkId = Number(st.chunk.run(bound(row, CHUNK_COLUMNS)).lastInsertRowid);
  if (texts) st.summary.run(chunkId, texts.summary, texts.entry);
  for (const t of tables) st.table.run(bound({ ...t, chunk_id: chunkId }, TABLE_COLUMNS));
  for (const p of problems) st.problem.run(bound({ ...p, chunk_id: chunkId }, PROBLEM_COLUMNS));
  return chunkId;
}
