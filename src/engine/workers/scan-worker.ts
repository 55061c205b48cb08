// Worker thread entry: inspects the chunks it is sent (one at a time, or a few side by side
// when they read through the coordinator's store), reporting bytes read.
import { parentPort } from 'node:worker_threads';
import { INSPECTORS } from '../formats/inspectors';
import { BridgedStore, type StoreReply } from '../storage/bridge';
import { setSharedStore, sharedStore } from '../storage/open';
import type { InspectJob, WorkerReply } from './messages';

const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

/** Progress is posted in steps of this many bytes, not per read. */
const PROGRESS_STEP = 4 << 20;

const bridges = new Map<string, BridgedStore>();

port.on('message', (msg: InspectJob | StoreReply) => {
  if ('type' in msg) bridges.forEach((b) => b.receive(msg));
  else void run(msg);
});

async function run(job: InspectJob): Promise<void> {
  const post = (msg: WorkerReply): void => port!.postMessage(msg);
  let pending = 0;
  if (job.bridged && !bridges.has(job.root)) {
    const b = new BridgedStore(job.bridged, job.root, (m) => port!.postMessage(m));
    bridges.set(job.root, b);
    setSharedStore(job.root, b);
  }
  // The store's counters before the job: the job's cost is the difference (a worker's own
  // store runs one job at a time; a bridged one's cost is counted by the coordinator).
  const store = sharedStore(job.root);
  const before = { ...store.stats };
  const postIo = (): void => {
    const requests = store.stats.requests - before.requests;
    const bytesRead = store.stats.bytesRead - before.bytesRead;
    if (requests || bytesRead) post({ id: job.id, type: 'io', requests, bytesRead });
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
          post({ id: job.id, type: 'bytes', n: pending });
          pending = 0;
        }
      },
    });
    if (pending) post({ id: job.id, type: 'bytes', n: pending });
    postIo();
    post({ id: job.id, type: 'done', result });
  } catch (e) {
    postIo();
    post({ id: job.id, type: 'error', message: (e as Error)?.stack ?? String(e) });
  }
}
