// Where a table's bytes are: the drop's chunks from the catalog (in continuity order) and,
// per table, one cache entry source per part the scan recorded (no guessing from file
// names); and the listing of a drop's tables built from them.
import path from 'node:path';
import type { TableEncoding, TableSummary } from '../../shared/table-api';
import type { Catalog } from '../catalog/catalog';
import { refuseInsideDrop } from '../fs/write-guard';
import { continuityOrder } from '../checks/order';
import { EngineError, type ChunkRecord } from '../model';
import { resolveDrop } from '../resolve-drop';
import { isS3Url } from '../storage/location';
import { entryKey, isPlainMember, type EntrySource, type TableCache } from './cache';
import { describeSource, fileOf, RFC4180, type Dialect } from '../../shared/family';
import { adapterFor } from '../formats/registry';
import type { DropAdapter } from '../formats/types';

export async function chunksOf(
  catalog: Catalog,
  cache: TableCache,
  dropPath: string,
): Promise<{ drop: string; chunks: ChunkRecord[]; family: DropAdapter | null }> {
  const drop = await resolveDrop(dropPath);
  refuseInsideDrop(cache.dir, drop, 'the table cache', 'set DROP_INSPECTOR_CACHE elsewhere');
  const row = catalog.drop(drop);
  if (!row) throw new EngineError('not-found', `${drop} has not been scanned yet; scan it first`);
  const family = adapterFor(row.format);
  const chunks = continuityOrder(catalog.loadChunks(row.id), family?.axis).map((k) => k.chunk);
  return { drop, chunks, family };
}

/**
 * Where a table's bytes are, from the parts the scan recorded (no guessing from file names):
 * one source per part (a bulk request's record type may come in one file per section).
 */
export function sourcesOf(
  drop: string,
  t: ChunkRecord['tables'][number],
  encoding: TableEncoding,
  override?: Partial<Dialect>,
): EntrySource[] {
  return (t.parts ?? []).map((part) => sourceOf(drop, part, encoding, override));
}

function sourceOf(
  drop: string,
  recorded: NonNullable<ChunkRecord['tables'][number]['parts']>[number],
  encoding: TableEncoding,
  override?: Partial<Dialect>,
): EntrySource {
  let part = recorded;
  // The user's dialect over the detected one (another entry in the cache: another key).
  if (override && part.layout.kind === 'dsv') {
    const d = { ...part.layout.dialect };
    for (const k of ['delimiter', 'quote', 'header'] as const) if (override[k] !== undefined) (d as Record<string, unknown>)[k] = override[k];
    part = { ...part, layout: { kind: 'dsv', dialect: d } };
  }
  const file = fileOf(part.source);
  // An S3 drop's objects are named by URL and versioned by ETag (not a time).
  const s3 = isS3Url(drop);
  return {
    archive: s3 ? `${drop}${file.path}` : path.join(drop, file.path),
    size: file.size,
    mtimeMs: s3 ? 0 : Number(file.version),
    ...(s3 ? { version: file.version } : {}),
    member: part.source.kind === 'member' ? part.source.member : describeSource(part.source),
    encoding,
    dialect: part.layout.kind === 'dsv' ? part.layout.dialect : RFC4180,
    ...(isPlainMember(part) ? {} : { part, root: drop }),
  };
}

export async function listTables(catalog: Catalog, cache: TableCache, dropPath: string): Promise<TableSummary[]> {
  const { drop, chunks, family } = await chunksOf(catalog, cache, dropPath);
  const merge = family?.merge ?? 'upsert-by-key';
  const byName = new Map<string, TableSummary>();
  for (const c of chunks) {
    for (const t of c.tables) {
      const id = t.name.toLowerCase();
      let s = byName.get(id);
      if (!s) byName.set(id, (s = { table: t.name, chunks: [], totalRows: 0, columns: [], merge }));
      const src = sourcesOf(drop, t, 'utf-8')[0] ?? null;
      s.chunks.push({
        chunk: c.name,
        member: t.member,
        rows: t.rows,
        columns: t.columns,
        bytes: t.bytes,
        error: t.error ?? (src ? null : 'no readable archive'),
        cached: src ? cache.has(entryKey(src)) : false,
        version: c.fingerprint,
      });
      s.totalRows += t.rows ?? 0;
      for (const col of t.columns) if (!s.columns.includes(col)) s.columns.push(col);
    }
  }
  return [...byName.values()].sort((a, b) => (a.table.toLowerCase() < b.table.toLowerCase() ? -1 : 1));
}
