// Runs first reads (build.ts) in worker threads (table-worker.ts), a few at a time, with
// cancellation and progress; or inline on the calling thread (the CLI, where nothing else
// needs the thread, and wherever no worker entry is found next to the code).
import { abortError } from '../abort';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildEntry, type BuildCallbacks, type BuildJob, type BuildProgress } from './build';
import { TableReadError } from './entry-bytes';
import type { FirstRows } from './first-rows';
import type { EntryMeta } from './cache';

export type BuildWorkerRequest =
  { type: 'build'; id: number; job: BuildJob } | { type: 'cancel'; id: number };
export type BuildWorkerReply =
  | { type: 'first'; id: number; first: FirstRows }
  | { type: 'progress'; id: number; progress: BuildProgress }
  | { type: 'done'; id: number; meta: EntryMeta }
  | { type: 'error'; id: number; name: string; message: string; reason: TableReadError['reason'] | null };

/** Where the worker entry lives: next to the bundle (out/cli, out/main) or as TS source (tests). */
export function tableWorkerEntry(): { file: string; workerData?: unknown } | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // A bundle may hold this code in a chunk folder below the worker entry (out/cli/chunks).
  for (const dir of [here, path.dirname(here)]) {
    for (const name of ['table-worker.mjs', 'table-worker.js']) {
      const file = path.join(dir, name);
      if (existsSync(file)) return { file };
    }
  }
  const ts = path.join(here, 'table-worker.ts');
  const boot = path.join(here, '..', 'workers', 'ts-worker-bootstrap.mjs');
  if (existsSync(ts) && existsSync(boot))
    return { file: boot, workerData: { __tsEntry: pathToFileURL(ts).href } };
  return null;
}

interface Task {
  id: number;
  job: BuildJob;
  cb: BuildCallbacks;
  resolve: (m: EntryMeta) => void;
  reject: (e: Error) => void;
  worker: Worker | null;
}

export class BuildRunner {
  private readonly entry: ReturnType<typeof tableWorkerEntry>;
  private idle: Worker[] = [];
  private all = new Set<Worker>();
  private queue: Task[] = [];
  private running = new Map<number, Task>();
  private closed = false;

  /** @param size concurrent builds; 0 = inline (no workers) */
  constructor(
    readonly size = Math.max(1, Math.min(os.availableParallelism(), 4)),
    inline = false,
  ) {
    this.entry = inline || size === 0 ? null : tableWorkerEntry();
  }

  get inline(): boolean {
    return this.entry === null;
  }

  run(job: BuildJob, cb: BuildCallbacks = {}, urgent = false): Promise<EntryMeta> {
    if (this.closed) return Promise.reject(new Error('build runner closed'));
    if (!this.entry) return buildEntry(job, cb);
    return new Promise((resolve, reject) => {
      const task: Task = { id: nextId++, job, cb, resolve, reject, worker: null };
      if (urgent) this.queue.unshift(task);
      else this.queue.push(task);
      cb.signal?.addEventListener(
        'abort',
        () => {
          const q = this.queue.indexOf(task);
          if (q >= 0) {
            this.queue.splice(q, 1);
            reject(abortError());
          } else task.worker?.postMessage({ type: 'cancel', id: task.id } satisfies BuildWorkerRequest);
        },
        { once: true },
      );
      this.pump();
    });
  }

  private spawn(): Worker {
    const w = new Worker(this.entry!.file, { workerData: this.entry!.workerData });
    w.on('message', (msg: BuildWorkerReply) => {
      const t = this.running.get(msg.id);
      if (!t) return;
      if (msg.type === 'first') t.cb.onFirstRows?.(msg.first);
      else if (msg.type === 'progress') t.cb.onProgress?.(msg.progress);
      else {
        this.running.delete(msg.id);
        t.worker = null;
        w.unref(); // an idle worker does not keep the process alive
        this.idle.push(w);
        this.retireLater();
        if (msg.type === 'done') t.resolve(msg.meta);
        else {
          const e = msg.reason ? new TableReadError(msg.message, msg.reason) : new Error(msg.message);
          e.name = msg.name === 'AbortError' ? 'AbortError' : e.name;
          t.reject(e);
        }
        this.pump();
      }
    });
    const lose = (e: Error): void => {
      this.all.delete(w);
      this.idle = this.idle.filter((x) => x !== w);
      for (const [id, t] of this.running) {
        if (t.worker === w) {
          this.running.delete(id);
          t.reject(e);
        }
      }
      if (!this.closed) this.pump();
    };
    w.on('error', lose);
    w.on('exit', (code) => lose(new Error(`table worker exited with code ${code}`)));
    w.unref();
    this.all.add(w);
    return w;
  }

  private retireTimer: NodeJS.Timeout | null = null;

  /** Workers idle for a few seconds end (their memory goes back; a new one starts in ~50 ms). */
  private retireLater(): void {
    if (this.retireTimer) clearTimeout(this.retireTimer);
    this.retireTimer = setTimeout(() => {
      this.retireTimer = null;
      if (this.running.size > 0 || this.queue.length > 0) return;
      const ws = this.idle;
      this.idle = [];
      for (const w of ws) {
        this.all.delete(w);
        w.removeAllListeners('exit');
        void w.terminate().catch(() => 0);
      }
    }, 3000);
    this.retireTimer.unref();
  }

  private pump(): void {
    while (this.queue.length && !this.closed) {
      let w = this.idle.pop();
      if (!w) {
        if (this.all.size >= this.size) return;
        w = this.spawn();
      }
      const t = this.queue.shift()!;
      t.worker = w;
      w.ref();
      this.running.set(t.id, t);
      w.postMessage({ type: 'build', id: t.id, job: t.job } satisfies BuildWorkerRequest);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retireTimer) clearTimeout(this.retireTimer);
    for (const t of this.queue) t.reject(new Error('build runner closed'));
    this.queue = [];
    // Running builds are cancelled (they clean their temporary folders), then the workers end.
    const pending = [...this.running.values()];
    for (const t of pending) t.worker?.postMessage({ type: 'cancel', id: t.id } satisfies BuildWorkerRequest);
    await Promise.race([
      Promise.allSettled(
        pending.map(
          (t) =>
            new Promise<void>((res) => {
              const done = (): void => res();
              const orig = { resolve: t.resolve, reject: t.reject };
              t.resolve = (m) => {
                orig.resolve(m);
                done();
              };
              t.reject = (e) => {
                orig.reject(e);
                done();
              };
            }),
        ),
      ),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]);
    for (const t of this.running.values()) t.reject(new Error('build runner closed'));
    this.running.clear();
    const ws = [...this.all];
    this.all.clear();
    this.idle = [];
    await Promise.all(ws.map((w) => w.terminate().catch(() => 0)));
  }
}

let nextId = 1;
