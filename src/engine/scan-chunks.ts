// What a scan makes of single chunks besides inspecting them: the record of one whose
// inspection failed, its bytes for progress, and the report entries file's key.
import type { LoadedChunk } from './catalog/catalog';
import type { Keyed } from './checks/order';
import {
  emptyInspection,
  type ChunkCandidate,
  type ChunkInspection,
  type DropAdapter,
} from './formats/types';
import { ENTRIES_FILE_MIN_CHUNKS, entriesKey } from './report/entries-file';
import { SEVERITY_OF } from '../shared/report';

/** A chunk whose inspection itself failed (a bug, or the worker died): recorded, retried next scan. */
export function failedInspection(c: ChunkCandidate, e: Error): ChunkInspection {
  return {
    ...emptyInspection(),
    metadata: c.files.metadata ? 'invalid' : 'missing',
    checksum: 'error',
    archive: 'corrupt',
    archiveBytes: c.files.zip?.size ?? null,
    problems: [
      {
        kind: 'archive-corrupt',
        severity: SEVERITY_OF['archive-corrupt'],
        chunk: c.name,
        table: null,
        message: `could not be inspected: ${e.message.split('\n')[0]}`,
      },
    ],
    unstable: true,
  };
}

/** The bytes a chunk's files take in the drop (each file once). */
export function bytesOf(c: ChunkCandidate): number {
  const seen = new Map<string, number>();
  for (const f of [...Object.values(c.files), ...c.extraFiles]) if (f) seen.set(f.abs, f.size);
  let n = 0;
  for (const size of seen.values()) n += size;
  return n;
}

/**
 * The key the report's entries file has for these chunks in report order (entries-file.ts),
 * where the report is made from one: of many chunks, all with stored entries.
 */
export function entriesKeyOf(
  loaded: LoadedChunk[],
  ordered: Keyed[],
  dropId: number,
  axis: DropAdapter['axis'],
  rev: number,
): string | null {
  if (loaded.length < ENTRIES_FILE_MIN_CHUNKS || loaded.some((l) => l.entry !== null)) return null;
  const idOf = new Map(loaded.map((l) => [l.summary, l.id]));
  return entriesKey(
    dropId,
    axis,
    rev,
    ordered.map((k) => idOf.get(k.chunk)!),
  );
}
