// A chunk's extent on its family's axis, resolved once when the chunk is recorded: what the
// inspection found (metadata, stats files), else what the names and paths say. Audit keys keep
// Info Mart's rule: the metadata's hwm range, else the key in the name as the range's end
// (never a start: missing metadata must not invent a gap).
import type { AxisKind, Extent } from '../shared/family';
import { NO_EXTENT } from '../shared/family';
import type { ChunkCandidate, ChunkInspection } from './formats/types';

export function resolveCoverage(axis: AxisKind, c: ChunkCandidate, r: ChunkInspection): Extent {
  if (r.coverage && (r.coverage.from !== null || r.coverage.to !== null)) return r.coverage;
  if (axis === 'audit-key') {
    if (r.hwmTo !== null) return { from: r.hwmFrom, to: r.hwmTo, source: 'metadata' };
    if (c.nameKey !== null) return { from: null, to: c.nameKey, source: 'name' };
    return NO_EXTENT;
  }
  return c.nameExtent ?? NO_EXTENT;
}
