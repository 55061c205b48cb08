// One chunk's inspection as a job: the family's inspector, loaded on first use, run over the
// job's store; what it cost the store (requests, bytes) measured around it. The scan
// workers run it (scan-worker.ts), and so does the coordinator itself for a scan with only
// a little to read (inline-pool.ts): the same code, whichever thread.
import { INSPECTORS } from '../formats/inspectors';
import type { ChunkInspection } from '../formats/types';
import { sharedStore } from '../storage/open';
import type { InspectJob } from './messages';

/** Progress is reported in steps of this many bytes, not per read. */
const PROGRESS_STEP = 4 << 20;

export interface JobCallbacks {
  onBytes: (n: number) => void;
  /** The job's cost to the drop's store, before it settles (only when nonzero). */
  onIo: (d: { requests: number; bytesRead: number }) => void;
}

export async function runInspectJob(job: Omit<InspectJob, 'id'>, cb: JobCallbacks): Promise<ChunkInspection> {
  // The store's counters before the job: the job's cost is the difference (a worker's own
  // store runs one job at a time; a bridged one's cost is counted by the coordinator).
  const store = sharedStore(job.root);
  const before = { ...store.stats };
  let pending = 0;
  const postIo = (): void => {
    const requests = store.stats.requests - before.requests;
    const bytesRead = store.stats.bytesRead - before.bytesRead;
    if (requests || bytesRead) cb.onIo({ requests, bytesRead });
  };
  try {
    const load = Object.hasOwn(INSPECTORS, job.format) ? INSPECTORS[job.format] : undefined;
    if (!load) throw new Error(`no inspector for format ${job.format}`);
    const inspect = await load();
    const result = await inspect(job.chunk, {
      root: job.root,
      verify: job.verify,
      maxMemberBytes: job.maxMemberBytes,
      read: job.read,
      onBytes: (n) => {
        pending += n;
        if (pending >= PROGRESS_STEP) {
          cb.onBytes(pending);
          pending = 0;
        }
      },
    });
    if (pending) cb.onBytes(pending);
    return result;
  } finally {
    postIo();
  }
}
