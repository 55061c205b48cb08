// Continuity order: audit keys compared as numbers (metadata first, the name as fallback),
// then time, then name. Never string order: keys are not zero-padded.
import type { ChunkRecord } from '../model';

export interface Keyed {
  chunk: ChunkRecord;
  from: number | null;
  to: number | null;
  source: 'metadata' | 'name' | 'none';
  time: number | null;
}

export function keysOf(c: ChunkRecord): Keyed {
  const time = c.createdTs ?? c.maxDataTs ?? c.nameTs;
  if (c.hwmTo !== null) return { chunk: c, from: c.hwmFrom, to: c.hwmTo, source: 'metadata', time };
  if (c.nameKey !== null) return { chunk: c, from: null, to: c.nameKey, source: 'name', time };
  return { chunk: c, from: null, to: null, source: 'none', time };
}

const cmpNullLast = (a: number | null, b: number | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;

export function continuityOrder(chunks: ChunkRecord[]): Keyed[] {
  return chunks
    .map(keysOf)
    .sort(
      (a, b) =>
        cmpNullLast(a.to, b.to) ||
        cmpNullLast(a.from ?? a.to, b.from ?? b.to) ||
        cmpNullLast(a.time, b.time) ||
        (a.chunk.name < b.chunk.name ? -1 : a.chunk.name > b.chunk.name ? 1 : 0),
    );
}

/** The order a consumer following "process the export folders in order by folder name" uses. */
export function nameOrder(chunks: ChunkRecord[]): ChunkRecord[] {
  return [...chunks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
