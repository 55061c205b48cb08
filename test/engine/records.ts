// Synthetic catalog records for testing the cross-chunk checks without archives.
import type { ChunkRecord } from '../../src/engine/model';

export function rec(name: string, over: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    name,
    dir: name,
    files: [],
    nameKey: null,
    nameTs: null,
    fingerprint: name,
    scannedAt: '2026-01-01T00:00:00Z',
    metadata: 'ok',
    metadataError: null,
    hwmFrom: null,
    hwmFromTs: null,
    hwmTo: null,
    hwmToTs: null,
    createdTs: null,
    maxDataTs: null,
    versions: {},
    checksum: 'ok',
    expectedSha1: null,
    actualSha1: null,
    archive: 'ok',
    archiveBytes: 100,
    tables: [],
    problems: [],
    unstable: false,
    ...over,
  };
}

/** A chunk with metadata keys from..to created at `t`. */
export function chunk(from: number, to: number, t: number, over: Partial<ChunkRecord> = {}): ChunkRecord {
  return rec(`export_${to}_${t}`, { hwmFrom: from, hwmTo: to, createdTs: t, nameKey: to, ...over });
}
