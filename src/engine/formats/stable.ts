// A file that changed while it was read gives a result that must not be trusted or kept:
// every inspector ends with this check over its chunk's files.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { SEVERITY_OF } from '../../shared/report';
import { pathOfRel } from '../fs/names';
import type { ChunkCandidate, ChunkInspection, InspectContext } from './types';

export async function checkStable(
  chunk: ChunkCandidate,
  ctx: InspectContext,
  out: ChunkInspection,
): Promise<void> {
  for (const f of [...Object.values(chunk.files), ...chunk.extraFiles]) {
    if (!f) continue;
    const st = await fsp.stat(pathOfRel(ctx.root, f.rel)).catch(() => null);
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
