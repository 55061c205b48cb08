// Worker entry used only when the engine runs from TypeScript source (tests, dev): registers
// tsx's loader inside the worker thread, then loads the real entry named in workerData.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__tsEntry);
