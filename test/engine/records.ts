// Synthetic catalog records for testing the cross-chunk checks without archives.
import type { ChunkRecord } from '../../src/engine/model';
import { emptyInspection, type ChunkCandidate } from '../../src/engine/formats/types';
import { resolveCoverage } from '../../src/engine/coverage';
import { NO_EXTENT } from '../../src/shared/family';

export function rec(name: string, over: Partial<ChunkRecord> = {}): ChunkRecord {
  const r: ChunkRecord = {
    ...emptyInspection(),
    name,
    dir: name,
    files: [],
    nameKey: null,
    nameTs: null,
    fingerprint: name,
    scannedAt: '2026-01-01T00:00:00Z',
    metadata: 'ok',
    checksum: 'ok',
    archive: 'ok',
    archiveBytes: 100,
    series: '',
    coverage: NO_EXTENT,
    ...over,
  };
  // As the catalog records it: the extent resolved from metadata, else the name's key.
  if (!over.coverage) r.coverage = resolveCoverage('audit-key', { nameKey: r.nameKey } as ChunkCandidate, r);
  return r;
}

/** A chunk with metadata keys from..to created at `t`. */
export function chunk(from: number, to: number, t: number, over: Partial<ChunkRecord> = {}): ChunkRecord {
  return rec(`export_${to}_${t}`, { hwmFrom: from, hwmTo: to, createdTs: t, nameKey: to, ...over });
}
