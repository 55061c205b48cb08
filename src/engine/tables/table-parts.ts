// A table's parts in a scope, as openTable finds them: one per source of each chunk's member
// (a bulk request's sections: several), its cache entry pinned and, when built, a reader
// open; and the chunks whose member cannot be read.
import type { OpenTableRequest, TableEncoding } from '../../shared/table-api';
import { describeDialect } from '../../shared/family';
import { EngineError, type ChunkRecord } from '../model';
import { entryKey, type TableCache } from './cache';
import { EntryReader } from './entry-reader';
import type { Handle, Part } from './table-handle';
import { sourcesOf } from './table-sources';

/**
 * The parts of the table `req` names among the drop's `chunks` (in their order), in its
 * scope; not-found when the scope's chunk or the table is not there.
 */
export function tableParts(
  cache: TableCache,
  drop: string,
  chunks: ChunkRecord[],
  req: OpenTableRequest,
  encoding: TableEncoding,
): { parts: Part[]; unreadable: Handle['unreadable']; tableName: string; scopeChunk: string | null } {
  const want = req.table.replace(/\.csv$/i, '').toLowerCase();
  const parts: Part[] = [];
  const unreadable: Handle['unreadable'] = [];
  let tableName: string | null = null;
  const scopeChunk = typeof req.scope === 'object' && req.scope ? req.scope.chunk : null;
  if (scopeChunk !== null && !chunks.some((c) => c.name === scopeChunk)) {
    throw new EngineError('not-found', `no chunk ${JSON.stringify(scopeChunk)} in ${drop}`);
  }
  for (const c of chunks) {
    if (scopeChunk !== null && c.name !== scopeChunk) continue;
    const t = c.tables.find((x) => x.name.toLowerCase() === want);
    if (!t) continue;
    tableName ??= t.name;
    const sources = sourcesOf(drop, t, encoding, req.dialect);
    // What the scan could not make of the text (read as UTF-8) may read in another
    // encoding (or after a UTF-16 BOM): only archive damage makes a member unreadable.
    const textOnly = t.error !== null && t.errorKind === 'content';
    const error = (textOnly ? null : t.error) ?? (sources.length ? null : 'no readable archive');
    if (error || !sources.length) {
      unreadable.push({ chunk: c.name, error: error ?? 'unreadable' });
      continue;
    }
    const single = sources.length === 1;
    for (const [i, source] of sources.entries()) {
      const key = entryKey(source);
      const meta = cache.readMeta(key);
      const recorded = t.parts?.[i];
      // Read in another dialect than the scan's (the user's override): the scan's columns
      // and count are not this reading's (no header: the first record is a row; another
      // delimiter: other fields), so both come from the entry's own read.
      const asScanned = !recorded || recorded.layout.kind !== 'dsv' || describeDialect(recorded.layout.dialect) === describeDialect(source.dialect);
      parts.push({
        chunk: c.name,
        table: t.name,
        member: single ? t.member : (recorded?.source.kind === 'member' ? recorded.source.member : t.member),
        source,
        key,
        catalogRows: textOnly || !asScanned ? null : single ? t.rows : (recorded?.rows ?? null),
        // Several parts may differ in columns (sections): each reads its own header.
        columns: meta ? meta.header : single && asScanned ? t.columns : [],
        columnsExact: !!meta || (single && asScanned && encoding === 'utf-8' && !textOnly),
        meta,
        reader: meta
          ? new EntryReader(cache.entryDir(key), source.dialect, meta.headerFields, meta.rows, true, meta.segments)
          : null,
        first: null,
        building: null,
        progressRows: meta ? meta.rows : 0,
        headerFields: meta ? meta.headerFields : single && asScanned ? t.columns.length : 0,
        waiters: [],
        error: null,
        unpin: cache.pin(key),
      });
    }
  }
  if (!tableName) {
    throw new EngineError(
      'not-found',
      scopeChunk !== null
        ? `chunk ${scopeChunk} has no table ${req.table}`
        : `no table ${req.table} in ${drop}`,
    );
  }
  return { parts, unreadable, tableName, scopeChunk };
}
