// Continuity order: within each series, extents compared as numbers (audit keys or UTC
// seconds; for audit keys metadata first, the name as fallback), then time, then name.
// Never string order: keys are not zero-padded.
import type { AxisKind, ExtentSource } from '../../shared/family';
import type { ChunkSummary } from '../model';

/** A chunk with its extent on the axis: a record, or the summary the checks need (C). */
export interface Keyed<C extends ChunkSummary = ChunkSummary> {
  chunk: C;
  /** The extent continuity is judged on: the requested one where the family has it, else the delivered. */
  from: number | null;
  to: number | null;
  source: ExtentSource;
  /** When the chunk was produced (or, failing that, the end of its data). */
  time: number | null;
  series: string;
}

export function keysOf<C extends ChunkSummary>(c: C, axis: AxisKind = 'audit-key'): Keyed<C> {
  const series = c.series ?? '';
  if (axis === 'audit-key') {
    const time = c.createdTs ?? c.maxDataTs ?? c.nameTs;
    return { chunk: c, from: c.coverage.from, to: c.coverage.to, source: c.coverage.source, time, series };
  }
  const ext = c.requested && (c.requested.from !== null || c.requested.to !== null) ? c.requested : c.coverage;
  const time = c.createdTs ?? (axis === 'run-time' ? ext.from : ext.to) ?? c.maxDataTs ?? c.nameTs;
  return { chunk: c, from: ext.from, to: ext.to, source: ext.source, time, series };
}

const cmpNullLast = (a: number | null, b: number | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;

export function continuityOrder<C extends ChunkSummary>(chunks: C[], axis: AxisKind = 'audit-key'): Keyed<C>[] {
  return chunks
    .map((c) => keysOf(c, axis))
    .sort(
      (a, b) =>
        (a.series < b.series ? -1 : a.series > b.series ? 1 : 0) ||
        cmpNullLast(a.to, b.to) ||
        cmpNullLast(a.from ?? a.to, b.from ?? b.to) ||
        cmpNullLast(a.time, b.time) ||
        (a.chunk.name < b.chunk.name ? -1 : a.chunk.name > b.chunk.name ? 1 : 0),
    );
}

/** The order a consumer following "process the export folders in order by folder name" uses. */
export function nameOrder<C extends ChunkSummary>(chunks: C[]): C[] {
  return [...chunks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Keyed chunks grouped by series, each group in continuity order. */
export function bySeries(ordered: Keyed[]): Keyed[][] {
  const groups = new Map<string, Keyed[]>();
  for (const k of ordered) (groups.get(k.series) ?? groups.set(k.series, []).get(k.series)!).push(k);
  return [...groups.values()];
}
