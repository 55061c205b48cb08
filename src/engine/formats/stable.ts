// A file that changed while it was read gives a result that must not be trusted or kept:
// every inspector ends with this check over its chunk's files.
import { statSync } from 'node:fs';
import path from 'node:path';
import { SEVERITY_OF } from '../../shared/report';
import { pathOfRel } from '../fs/names';
import type { ChunkCandidate, ChunkInspection, InspectContext } from './types';

/** What fstat said of a file as it was read whole (size, mtime), or null when it could not be read. */
export type Observed = Map<string, { size: number; mtimeMs: number } | null>;

/**
 * Files read whole were fstat'ed as they were read (`observed`); the others (streamed, or not
 * read) are stat'ed now — synchronously: one call, not a trip through the thread pool.
 */
export async function checkStable(
  chunk: ChunkCandidate,
  ctx: InspectContext,
  out: ChunkInspection,
  observed?: Observed,
): Promise<void> {
  for (const f of [...Object.values(chunk.files), ...chunk.extraFiles]) {
    if (!f) continue;
    const st = observed?.has(f.rel) ? observed.get(f.rel)! : statNow(pathOfRel(ctx.root, f.rel));
    if (!st || st.size !== f.size || Math.trunc(st.mtimeMs) !== f.mtimeMs) {
      out.unstable = true;
      out.problems.push({
        kind: 'file-changed',
        severity: SEVERITY_OF['file-changed'],
        chunk: chunk.name,
        table: null,
        message: `${path.posix.basename(f.rel)} ${st ? 'changed' : 'disappeared'} while it was being read (still being written?); re-scan when the transfer is done`,
      });
    }
  }
}

function statNow(file: string | Buffer): { size: number; mtimeMs: number } | null {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? { size: st.size, mtimeMs: Math.trunc(st.mtimeMs) } : null;
}
