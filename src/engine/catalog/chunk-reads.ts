// Reading a drop's chunks into what a catalog keeps of them (Kept): brought up to date by
// data_version and the names written since; records from their column or their rows, and
// summaries from chunk_summaries or, lacking one, from the records (catalog.ts loads them).
import type BetterSqlite3 from 'better-sqlite3';
import type { ChunkRecord } from '../model';
import type { AxisKind } from '../../shared/family';
import type { Kept, LoadedChunk } from './catalog-types';
import { decodeRecord, decodeRows, type Row } from './records';
import { decodeSummary, type SharedTexts } from './summary';
import { reportChunk } from '../report/chunk-entry';

/** SQLite's default limit on bound parameters is 32766; stay well below it. */
const NAMES_PER_QUERY = 500;

/**
 * What is kept of a drop's chunks, brought up to date: all read again after another
 * connection's commit (data_version), else the chunks written since read again, by name.
 */
export function keptNow<T>(
  db: BetterSqlite3.Database,
  kept: Kept<T> | undefined,
  keep: (k: Kept<T>) => void,
  read: (names: string[] | null, k: Kept<T>) => void,
): Kept<T> {
  const dataVersion = db.pragma('data_version', { simple: true }) as number;
  if (!kept || kept.dataVersion !== dataVersion) {
    kept = { dataVersion, byId: new Map(), idOf: new Map(), dirty: new Set() };
    keep(kept);
    read(null, kept);
  } else if (kept.dirty.size) {
    const names = [...kept.dirty];
    kept.dirty.clear();
    for (const n of names) {
      const id = kept.idOf.get(n);
      if (id !== undefined) kept.byId.delete(id);
      kept.idOf.delete(n);
    }
    for (let i = 0; i < names.length; i += NAMES_PER_QUERY) read(names.slice(i, i + NAMES_PER_QUERY), kept);
  }
  return kept;
}

/**
 * Reads the drop's chunk summaries and entries (all, or those named); a chunk without a
 * summary of this format and axis is summarised from its record (a ChunkRecord is a
 * ChunkSummary) and its entry made from it. `sharedTexts`: the catalog's, made when first asked.
 */
export function readSummaries(
  db: BetterSqlite3.Database,
  dropId: number,
  names: string[] | null,
  kept: Kept<LoadedChunk>,
  axis: AxisKind,
  sharedTexts: () => SharedTexts,
): void {
  const only = names ? ` AND c.name IN (${names.map(() => '?').join(', ')})` : '';
  // From a table of their own: a chunk's row holds its record first, and reading a column
  // after it walked the record's overflow pages (19 MB for 3000 chunks) on the way. A row
  // of chunk_summaries always has an entry (NOT NULL): its presence is asked of its key,
  // as `s.entry IS NOT NULL` loaded every entry's overflow pages (~5 ms for 3000).
  const rows = db
    .prepare(`SELECT c.id, c.name, s.summary, s.chunk_id IS NOT NULL FROM chunks c LEFT JOIN chunk_summaries s ON s.chunk_id = c.id WHERE c.drop_id = ?${only}`)
    .raw()
    .all(dropId, ...(names ?? [])) as Array<[number, string, string | null, number | null]>;
  const shared = sharedTexts();
  const fromRecords: string[] = [];
  for (const [id, name, summaryText, hasEntry] of rows) {
    const summary = hasEntry ? decodeSummary(summaryText, axis, shared) : null;
    if (!summary) {
      fromRecords.push(name);
      continue;
    }
    kept.byId.set(id, { id, summary, entry: null });
    kept.idOf.set(name, id);
  }
  if (!fromRecords.length) return;
  const records: Kept<ChunkRecord> = { dataVersion: kept.dataVersion, byId: new Map(), idOf: new Map(), dirty: new Set() };
  for (let i = 0; i < fromRecords.length; i += NAMES_PER_QUERY) readRecords(db, dropId, fromRecords.slice(i, i + NAMES_PER_QUERY), records);
  for (const [id, rec] of records.byId) {
    kept.byId.set(id, { id, summary: rec, entry: Buffer.from(JSON.stringify(reportChunk(rec, axis))) });
    kept.idOf.set(rec.name, id);
  }
}

/**
 * Reads the drop's chunks (all, or those named) into the cache: each from its record column,
 * and from its rows where that is missing or of another format (records.ts).
 */
export function readRecords(db: BetterSqlite3.Database, dropId: number, names: string[] | null, cache: Kept<ChunkRecord>): void {
  const only = names ? ` AND c.name IN (${names.map(() => '?').join(', ')})` : '';
  // No ORDER BY: sorting by id put every record through a temporary b-tree (an 18 MB temp
  // file for 3000 chunks); loadChunks orders by id itself.
  const rows = db.prepare(`SELECT c.id, c.fingerprint, c.record FROM chunks c WHERE c.drop_id = ?${only}`).raw().all(dropId, ...(names ?? [])) as Array<[number, string, string | null]>;
  const texts = new Map<string, unknown>();
  const fromRows: number[] = [];
  for (const [id, fingerprint, text] of rows) {
    const rec = decodeRecord(text, fingerprint, texts);
    if (!rec) {
      fromRows.push(id);
      continue;
    }
    cache.byId.set(id, rec);
    cache.idOf.set(rec.name, id);
  }
  for (let i = 0; i < fromRows.length; i += NAMES_PER_QUERY) readRows(db, fromRows.slice(i, i + NAMES_PER_QUERY), cache);
}

/** Decodes the chunks of these ids from their rows (an older catalog's, or a record of another format). */
function readRows(db: BetterSqlite3.Database, ids: number[], cache: Kept<ChunkRecord>): void {
  const list = ids.map(() => '?').join(', ');
  const chunks = db.prepare(`SELECT * FROM chunks WHERE id IN (${list}) ORDER BY id`).all(...ids) as Row[];
  const tables = db.prepare(`SELECT * FROM chunk_tables WHERE chunk_id IN (${list}) ORDER BY chunk_id, seq`).all(...ids) as Row[];
  const problems = db.prepare(`SELECT * FROM chunk_problems WHERE chunk_id IN (${list}) ORDER BY chunk_id, seq`).all(...ids) as Row[];
  for (const [id, rec] of decodeRows(chunks, tables, problems)) {
    cache.byId.set(id, rec);
    cache.idOf.set(rec.name, id);
  }
}
