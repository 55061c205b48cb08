// A pool of scan workers sized to the machine. Cancelling terminates the workers (the
// catalog only ever receives whole results, so nothing half-done survives).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChunkInspection } from '../formats/types';
import { StoreServer } from '../storage/bridge';
import type { DropStore } from '../storage/types';
import type { InspectJob, InspectPool, WorkerReply } from './messages';

/** Where the worker entry lives: next to the bundle (out/cli, out/main) or as TS source (tests). */
function workerEntry(): { file: string; workerData?: unknown } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // A bundle may hold this code in a chunk folder below the worker entry (out/cli/chunks).
  for (const dir of [here, path.dirname(here)]) {
    for (const name of ['scan-worker.mjs', 'scan-worker.js']) {
      const file = path.join(dir, name);
      if (existsSync(file)) return { file };
    }
  }
  // From source, Node 20 ignores `--import tsx` in a worker's execArgv: a JS bootstrap
  // registers the loader inside the worker instead.
  const ts = path.join(here, 'scan-worker.ts');
  if (existsSync(ts)) {
    return { file: path.join(here, 'ts-worker-bootstrap.mjs'), workerData: { __tsEntry: pathToFileURL(ts).href } };
  }
  throw new WorkerStartError(`scan worker entry not found next to ${here}`);
}

/** The pool cannot run at all (no worker entry): an engine fault, never a problem of the drop. */
export class WorkerStartError extends Error {}

interface Pending {
  job: InspectJob;
  onBytes: (n: number) => void;
  onIo?: (d: { requests: number; bytesRead: number }) => void;
  /** The coordinator's store the job reads through (job.bridged). */
  store?: DropStore;
  resolve: (r: ChunkInspection) => void;
  reject: (e: Error) => void;
}

export class ScanPool implements InspectPool {
  private workers: Worker[] = [];
  private queue: Pending[] = [];
  /** Jobs in hand, by worker. */
  private running = new Map<Worker, Map<number, Pending>>();
  private servers = new Map<Worker, StoreServer>();
  private closed = false;

  /**
   * `jobsPerWorker` > 1 lets a worker hold several chunks at once: for a drop read through
   * the coordinator's store (S3) a chunk mostly waits on requests, and one worker's chunks
   * side by side keep the requests overlapping across days without another thread's start.
   */
  constructor(
    readonly size = defaultPoolSize(),
    readonly jobsPerWorker = 1,
  ) {}

  get threads(): number {
    return this.size;
  }

  /** With `store`, the worker reads the drop through it (see storage/bridge.ts). */
  run(job: Omit<InspectJob, 'id' | 'bridged'>, onBytes: (n: number) => void, onIo?: Pending['onIo'], store?: DropStore): Promise<ChunkInspection> {
    if (this.closed) return Promise.reject(new Error('pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, id: nextId++, bridged: store?.kind }, onBytes, onIo, store, resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts the workers before there is a job for them (an S3 scan, while it lists the
   * prefix): a worker takes ~0.3 s to load before it can read. A worker that cannot start
   * fails the jobs given to it, as without warming.
   */
  warm(): void {
    try {
      while (!this.closed && this.workers.length < this.size) this.spawn();
    } catch {
      /* reported by run() */
    }
  }

  private spawn(): Worker {
    const entry = workerEntry();
    const w = new Worker(entry.file, { workerData: entry.workerData });
    const server = new StoreServer((m, transfer) => w.postMessage(m, transfer));
    const jobs = new Map<number, Pending>();
    this.servers.set(w, server);
    this.running.set(w, jobs);
    w.on('message', (msg: WorkerReply) => {
      // A worker's jobs all belong to one scan, so they share its store.
      if (msg.type === 'store') return server.handle(jobs.values().next().value?.store, msg);
      const p = jobs.get(msg.id);
      if (!p) return;
      if (msg.type === 'bytes') p.onBytes(msg.n);
      else if (msg.type === 'io') p.onIo?.(msg);
      else {
        jobs.delete(msg.id);
        if (msg.type === 'done') p.resolve(msg.result);
        else p.reject(new Error(msg.message));
        this.pump();
      }
    });
    w.on('error', (e) => this.lose(w, e));
    w.on('exit', (code) => this.lose(w, new Error(`scan worker exited with code ${code}`)));
    this.workers.push(w);
    return w;
  }

  private lose(w: Worker, e: Error): void {
    this.servers.get(w)?.close();
    this.servers.delete(w);
    this.workers = this.workers.filter((x) => x !== w);
    const jobs = this.running.get(w);
    this.running.delete(w);
    for (const p of jobs?.values() ?? []) p.reject(e);
    if (!this.closed) this.pump();
  }

  /** The least busy worker with a free slot, a new one while the pool may grow, else null. */
  private slot(): Worker | null {
    let best: Worker | null = null;
    for (const w of this.workers) {
      const n = this.running.get(w)!.size;
      if (n === 0) return w;
      if (n < this.jobsPerWorker && (!best || n < this.running.get(best)!.size)) best = w;
    }
    if (this.workers.length < this.size) return this.spawn();
    return best;
  }

  private pump(): void {
    while (this.queue.length) {
      let w: Worker | null;
      try {
        w = this.slot();
      } catch (e) {
        // Nothing can run: fail every job rather than leave them waiting.
        for (const p of this.queue.splice(0)) p.reject(e as Error);
        return;
      }
      if (!w) return;
      const p = this.queue.shift()!;
      this.running.get(w)!.set(p.job.id, p);
      w.postMessage(p.job);
    }
  }

  /** Stops every worker; queued and running jobs reject with `reason`. */
  async close(reason = new Error('pool closed')): Promise<void> {
    this.closed = true;
    for (const p of this.queue) p.reject(reason);
    this.queue = [];
    for (const jobs of this.running.values()) for (const p of jobs.values()) p.reject(reason);
    this.running.clear();
    const ws = this.workers;
    for (const s of this.servers.values()) s.close();
    this.servers.clear();
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate().catch(() => 0)));
  }
}

let nextId = 1;

/** DROP_INSPECTOR_WORKERS overrides; otherwise one worker per core, at most 8. */
export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.DROP_INSPECTOR_WORKERS);
  if (Number.isInteger(forced) && forced > 0) return Math.min(forced, 32);
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}
