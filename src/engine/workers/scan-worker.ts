// Worker thread entry: inspects the chunks it is sent (one at a time, or a few side by side
// when they read through the coordinator's store), reporting bytes read.
import { parentPort } from 'node:worker_threads';
import { BridgedStore, type StoreReply } from '../storage/bridge';
import { setSharedStore } from '../storage/open';
import { runInspectJob } from './inspect-job';
import type { InspectJob, WorkerReply } from './messages';

const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

const bridges = new Map<string, BridgedStore>();

port.on('message', (msg: InspectJob | StoreReply) => {
  if ('type' in msg) bridges.forEach((b) => b.receive(msg));
  else void run(msg);
});

async function run(job: InspectJob): Promise<void> {
  const post = (msg: WorkerReply): void => port!.postMessage(msg);
  if (job.bridged && !bridges.has(job.root)) {
    const b = new BridgedStore(job.bridged, job.root, (m) => port!.postMessage(m));
    bridges.set(job.root, b);
    setSharedStore(job.root, b);
  }
  try {
    const result = await runInspectJob(job, {
      onBytes: (n) => post({ id: job.id, type: 'bytes', n }),
      onIo: (d) => post({ id: job.id, type: 'io', ...d }),
    });
    post({ id: job.id, type: 'done', result });
  } catch (e) {
    post({ id: job.id, type: 'error', message: (e as Error)?.stack ?? String(e) });
  }
}
