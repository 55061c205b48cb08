// Worker thread entry for first reads of table members (build.ts). Messages in:
// { type: 'build', id, job } and { type: 'cancel', id }; out: first / progress / done / error.
import { parentPort } from 'node:worker_threads';
import { buildEntry } from './build';
import { TableReadError } from './entry-bytes';
import type { BuildWorkerReply, BuildWorkerRequest } from './build-runner';

const port = parentPort;
if (!port) throw new Error('table-worker must run in a worker thread');
const running = new Map<number, AbortController>();

port.on('message', (msg: BuildWorkerRequest) => {
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort();
    return;
  }
  const ctl = new AbortController();
  running.set(msg.id, ctl);
  const send = (r: BuildWorkerReply): void => port.postMessage(r);
  buildEntry(msg.job, {
    signal: ctl.signal,
    onFirstRows: (first) => send({ type: 'first', id: msg.id, first }),
    onProgress: (progress) => send({ type: 'progress', id: msg.id, progress }),
  })
    .then(
      (meta) => send({ type: 'done', id: msg.id, meta }),
      (e: Error) =>
        send({
          type: 'error',
          id: msg.id,
          name: e.name,
          message: e.message,
          reason: e instanceof TableReadError ? e.reason : null,
        }),
    )
    .finally(() => running.delete(msg.id));
});
