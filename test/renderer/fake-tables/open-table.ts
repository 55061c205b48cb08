// Opening a table: the drop's tables listed, a handle made for a request (encoding, scope,
// dialect, key checked the engine's way), and what a handle tells about itself.
import type {
  OpenTableRequest,
  TableChunkInfo,
  TableHandleInfo,
  TableScope,
  TableSummary,
} from '../../../src/shared/table-api';
import { CHUNK_COLUMN, TABLE_ENCODINGS } from '../../../src/shared/table-api';
// The merge key and its candidates follow the engine's own rules.
import { choosableKeys, namedKey } from '../../../src/shared/table-keys';
import { ApiError } from '../../../src/renderer/api/errors';
import { codePointCompare } from './cell-match';
import type { Source } from './source';
import type { Handle } from './types';

/** The tables of a drop's members, by name (case-insensitive), in code-point order. */
export function tableSummaries(list: Source[]): TableSummary[] {
  const byName = new Map<string, TableSummary>();
  for (const s of list) {
    const k = s.table.toLowerCase();
    let t = byName.get(k);
    if (!t) {
      t = { table: s.table, chunks: [], totalRows: 0, columns: [] };
      byName.set(k, t);
    }
    const c: TableChunkInfo = {
      chunk: s.chunk,
      member: s.member,
      rows: s.rows,
      columns: s.columns,
      bytes: s.bytes,
      error: s.error,
      cached: false,
    };
    t.chunks.push(c);
    t.totalRows += s.rows ?? 0;
    for (const col of s.columns) if (!t.columns.includes(col)) t.columns.push(col);
  }
  return [...byName.values()].sort((a, b) => codePointCompare(a.table.toLowerCase(), b.table.toLowerCase()));
}

/** A handle for the request, not yet registered; newId is called once the table is found (a
 * request failing on its key still uses up an id). */
export function openHandle(
  drop: string,
  request: OpenTableRequest,
  sources: (drop: string) => Source[],
  newId: () => string,
  growMs: number,
): Handle {
  const requested = request.encoding ?? 'utf-8';
  if (!(TABLE_ENCODINGS as readonly string[]).includes(requested))
    throw new ApiError({ code: 'bad-request', message: `unknown encoding ${String(requested)}` });
  const want = request.table.replace(/\.csv$/i, '').toLowerCase();
  const scopeChunk = typeof request.scope === 'object' && request.scope ? request.scope.chunk : null;
  const all = sources(drop).filter((s) => s.table.toLowerCase() === want);
  if (!all.length) throw new ApiError({ code: 'not-found', message: `no table ${request.table} in ${drop}` });
  const inScope = all.filter((s) => scopeChunk === null || s.chunk === scopeChunk);
  if (scopeChunk !== null && !inScope.length)
    throw new ApiError({
      code: 'not-found',
      message: `chunk ${scopeChunk} has no table ${request.table}`,
    });
  const readable = inScope.filter((s) => !s.error);
  const decoded = readable.map((s) => s.decode(requested));
  const columns: string[] = [];
  for (const d of decoded) for (const c of d.header) if (!columns.includes(c)) columns.push(c);
  const scope: TableScope =
    scopeChunk !== null ? { chunk: scopeChunk } : request.scope === 'merged' ? 'merged' : 'all';
  const bases: number[] = [];
  let total = 0;
  for (const d of decoded) {
    bases.push(total);
    total += d.rows;
  }
  const h: Handle = {
    id: newId(),
    drop,
    table: inScope[0].table,
    scope,
    requested,
    encoding: decoded[0]?.encoding ?? (requested === 'utf-16' ? 'utf-16le' : requested),
    parts: readable.map((source, i) => ({
      source,
      d: decoded[i],
      map: columns.map((c) => decoded[i].header.indexOf(c)),
    })),
    bases,
    dialect: { delimiter: ',', quote: '"', header: true, ...(request.dialect ?? {}) },
    columns,
    withChunk: scope === 'all' || scope === 'merged',
    total,
    available: growMs > 0 ? Math.min(total, 200) : total,
    requestedKey: request.key && request.key.length ? request.key : undefined,
    key: null,
    merged: null,
    mergedView: null,
    views: new Map(),
    kinds: new Map(),
    seq: 0,
    closed: false,
    timer: null,
  };
  if (h.requestedKey) {
    const missing = h.requestedKey.filter((k) => !columns.includes(k));
    if (missing.length)
      throw new ApiError({
        code: 'bad-request',
        message: `no column ${missing.map((m) => JSON.stringify(m)).join(', ')} in ${h.table}`,
      });
    h.key = {
      columns: h.requestedKey,
      source: 'user',
      candidates: choosableKeys(columns),
      duplicatesWithinChunk: null,
      emptyKeys: null,
      replaced: null,
    };
  } else if (scope === 'merged') {
    const named = namedKey(h.table, columns);
    h.key = {
      columns: named ? [named.column] : [],
      source: named ? named.source : 'none',
      candidates: choosableKeys(columns),
      duplicatesWithinChunk: null,
      emptyKeys: null,
      replaced: null,
    };
  }
  return h;
}

export function handleInfo(h: Handle, sources: (drop: string) => Source[]): TableHandleInfo {
  const merged = h.scope === 'merged';
  return {
    handle: h.id,
    table: h.table,
    scope: h.scope,
    encoding: h.encoding,
    columns: h.withChunk ? [CHUNK_COLUMN, ...h.columns] : [...h.columns],
    totalRows: merged ? (h.mergedView?.rows ?? 0) : h.available,
    complete: merged ? h.mergedView !== null : h.available >= h.total,
    key: h.key,
    problems: {
      malformedRows: h.parts.reduce((s, p) => s + p.d.malformed, 0),
      invalidChars: h.parts.reduce((s, p) => s + p.d.invalidChars, 0),
      unreadable: sources(h.drop)
        .filter(
          (s) =>
            s.error &&
            s.table.toLowerCase() === h.table.toLowerCase() &&
            (typeof h.scope !== 'object' || h.scope.chunk === s.chunk),
        )
        .map((s) => ({ chunk: s.chunk, error: s.error! })),
    },
    chunks: h.parts.map((p) => p.source.chunk),
    dialect: h.dialect,
    layout: 'dsv',
  };
}
