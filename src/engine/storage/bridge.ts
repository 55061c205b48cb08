// A store shared with worker threads: the coordinating thread holds the one real store of
// an S3 drop (one SDK load, one client, one connection pool, one bound on requests in flight
// for the whole scan), and each worker reads through a BridgedStore that forwards stat, read
// and stream over its message port. Loading the AWS SDK costs ~0.3 s of CPU per thread (far
// more on a loaded machine), which in a scan of footers is most of the time.
import { Readable } from 'node:stream';
import { EngineError } from '../model';
import { emptyStats, ObjectChanged, type DropStore, type ListResult, type StoreEntry } from './types';

/** Worker → coordinator. */
export type StoreRequest =
  | { type: 'store'; op: 'stat'; rid: number; rel: string }
  | { type: 'store'; op: 'read'; rid: number; rel: string; start: number; end: number; version?: string }
  | { type: 'store'; op: 'stream'; rid: number; rel: string; start?: number; end?: number; version?: string }
  /** Flow control and cancellation of a stream. */
  | { type: 'store'; op: 'pause' | 'resume' | 'cancel'; rid: number };

interface WireError {
  name: string;
  message: string;
  code?: string;
  rel?: string;
}

/** Coordinator → worker. */
export type StoreReply =
  | { type: 'store-reply'; rid: number; entry?: StoreEntry | null; bytes?: Uint8Array; error?: WireError }
  | { type: 'store-data'; rid: number; chunk: Uint8Array }
  | { type: 'store-end'; rid: number; error?: WireError };

function toWire(e: unknown): WireError {
  const err = e as Error & { code?: string; rel?: string };
  return { name: err?.name ?? 'Error', message: err?.message ?? String(e), code: typeof err?.code === 'string' ? err.code : undefined, rel: err?.rel };
}

function fromWire(w: WireError): Error {
  if (w.code === 'object-changed' && w.rel !== undefined) return new ObjectChanged(w.rel);
  if (w.name === 'EngineError' || (w.code && w.name === 'Error' && /^(not-found|not-a-directory|unreadable|unknown-format|bad-request|too-large|internal)$/.test(w.code))) {
    return new EngineError(w.code as EngineError['code'], w.message);
  }
  const e = new Error(w.message);
  e.name = w.name;
  return e;
}

/**
 * The buffer to hand over without a copy: only bytes that own their whole ArrayBuffer (a
 * slice of a socket's or Buffer's pool must be copied, as structured cloning does).
 */
function transferOf(b: Uint8Array): ArrayBuffer[] | undefined {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer ? [b.buffer] : undefined;
}

/** Serves one worker's store requests from the coordinator's store; `close` drops its streams. */
export class StoreServer {
  private streams = new Map<number, Readable>();

  constructor(private readonly post: (m: StoreReply, transfer?: ArrayBuffer[]) => void) {}

  handle(store: DropStore | undefined, req: StoreRequest): void {
    const fail = (e: unknown): void => this.post({ type: 'store-reply', rid: req.rid, error: toWire(e) });
    if (req.op === 'pause' || req.op === 'resume' || req.op === 'cancel') {
      const s = this.streams.get(req.rid);
      if (req.op === 'pause') s?.pause();
      else if (req.op === 'resume') s?.resume();
      else {
        this.streams.delete(req.rid);
        s?.destroy();
      }
      return;
    }
    if (!store) return fail(new EngineError('internal', 'no store is shared with this worker'));
    if (req.op === 'stat') {
      store.stat(req.rel).then((entry) => this.post({ type: 'store-reply', rid: req.rid, entry }), fail);
    } else if (req.op === 'read') {
      store.read(req.rel, req.start, req.end, undefined, req.version).then((bytes) => this.post({ type: 'store-reply', rid: req.rid, bytes }, transferOf(bytes)), fail);
    } else if (req.op === 'stream') {
      const s = store.stream(req.rel, { start: req.start, end: req.end, version: req.version });
      this.streams.set(req.rid, s);
      s.on('data', (chunk: Buffer) => this.post({ type: 'store-data', rid: req.rid, chunk }, transferOf(chunk)));
      s.on('end', () => {
        this.streams.delete(req.rid);
        this.post({ type: 'store-end', rid: req.rid });
      });
      s.on('error', (e) => {
        if (!this.streams.delete(req.rid)) return; // cancelled by the worker
        this.post({ type: 'store-end', rid: req.rid, error: toWire(e) });
      });
    }
  }

  close(): void {
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
  }
}

/** Request ids, unique in the thread (several bridged stores share the worker's port). */
let nextRid = 1;

/** Stream bytes buffered in a worker before it asks the coordinator to pause. */
const STREAM_HIGH_WATER = 4 << 20;

/** The worker's view of the coordinator's store. Counts what it received (progress); the
 *  coordinator's store counts the requests and bytes of the scan. */
export class BridgedStore implements DropStore {
  readonly stats = emptyStats();
  private calls = new Map<number, { resolve: (r: Extract<StoreReply, { type: 'store-reply' }>) => void }>();
  private streams = new Map<number, { out: Readable; paused: boolean }>();

  constructor(
    readonly kind: 'local' | 's3',
    readonly location: string,
    private readonly post: (m: StoreRequest) => void,
  ) {}

  /** Feed every StoreReply the worker's port receives. */
  receive(m: StoreReply): void {
    if (m.type === 'store-reply') {
      const c = this.calls.get(m.rid);
      this.calls.delete(m.rid);
      c?.resolve(m);
      return;
    }
    const s = this.streams.get(m.rid);
    if (!s) return;
    if (m.type === 'store-data') {
      this.stats.bytesRead += m.chunk.length;
      if (!s.out.push(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.length)) && !s.paused) {
        s.paused = true;
        this.post({ type: 'store', op: 'pause', rid: m.rid });
      }
    } else {
      this.streams.delete(m.rid);
      if (m.error) s.out.destroy(fromWire(m.error));
      else s.out.push(null);
    }
  }

  private call(req: { op: 'stat'; rel: string } | { op: 'read'; rel: string; start: number; end: number; version?: string }, signal?: AbortSignal): Promise<Extract<StoreReply, { type: 'store-reply' }>> {
    signal?.throwIfAborted();
    const rid = nextRid++;
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.calls.delete(rid);
        reject(signal!.reason instanceof Error ? signal!.reason : Object.assign(new Error('aborted'), { name: 'AbortError' }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.calls.set(rid, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          if (r.error) reject(fromWire(r.error));
          else resolve(r);
        },
      });
      this.post({ type: 'store', rid, ...req } as StoreRequest);
    });
  }

  list(): Promise<ListResult> {
    return Promise.reject(new Error('a bridged store is not listed in a worker'));
  }

  async stat(rel: string): Promise<StoreEntry | null> {
    return (await this.call({ op: 'stat', rel })).entry ?? null;
  }

  async read(rel: string, start: number, end: number, signal?: AbortSignal, version?: string): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const b = (await this.call({ op: 'read', rel, start, end, version }, signal)).bytes!;
    this.stats.bytesRead += b.length;
    return Buffer.from(b.buffer, b.byteOffset, b.length);
  }

  stream(rel: string, opts: { start?: number; end?: number; signal?: AbortSignal; version?: string } = {}): Readable {
    const rid = nextRid++;
    this.stats.requests++;
    const entry = { paused: false, out: null as unknown as Readable };
    entry.out = new Readable({
      highWaterMark: STREAM_HIGH_WATER,
      read: () => {
        if (entry.paused) {
          entry.paused = false;
          this.post({ type: 'store', op: 'resume', rid });
        }
      },
      destroy: (err, cb) => {
        if (this.streams.delete(rid)) this.post({ type: 'store', op: 'cancel', rid });
        cb(err);
      },
    });
    this.streams.set(rid, entry);
    if (opts.signal) {
      const s = opts.signal;
      if (s.aborted) queueMicrotask(() => entry.out.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      else s.addEventListener('abort', () => entry.out.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
    }
    this.post({ type: 'store', op: 'stream', rid, rel, start: opts.start, end: opts.end, version: opts.version });
    return entry.out;
  }

  localPath(): null {
    return null;
  }

  close(): void {
    for (const s of this.streams.values()) s.out.destroy();
  }
}
