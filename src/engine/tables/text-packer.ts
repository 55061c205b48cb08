// Packs cache entries' segment text (packed-text.ts) in the background, once each segment's
// analysis store exists, instead of before the first sort / filter / statistic answers:
// on the 10M-row bench table the stores took ~21 s, stores and packing together ~36 s.
//
// One segment at a time, on this thread (the deflate itself runs in libuv's pool), and only
// while DuckDB is idle (duckBusy): every block waits for running queries and store builds to
// end, so packing never takes a core from them. Safe with concurrent reads: a pack appears
// whole by a rename, and a reader that finds the CSV gone reads the pack (entry-reader.ts).
// Killed midway (the app quits, the process dies) the entry stays whole with its CSV; the
// segment is queued again the next time its store is asked for, and that packing removes
// what the killed one left. Failures are not the user's: the segment keeps its CSV (a bigger
// cache), and the error is kept for diagnostics.
import { duckBusy } from './duck';
import { segmentRows, type EntryMeta } from './cache';
import { isPacked, packSegment } from './packed-text';

interface Job {
  id: string;
  dir: string;
  meta: EntryMeta;
  k: number;
  unpin: () => void;
}

export class TextPacker {
  private readonly queue: Job[] = [];
  private readonly queued = new Set<string>();
  private running: Promise<void> | null = null;
  private control = new AbortController();
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /** Segments packed, and the last failure (diagnostics, tests). */
  packed = 0;
  lastError: string | null = null;

  /**
   * @param pin keeps the entry from eviction while its packing waits or runs
   * @param onPacked told after each segment is packed, and whether the entry's every segment
   *   now is (readers let the deleted CSV and row index go)
   * @param pause asked before every block (default: wait while DuckDB works)
   */
  constructor(
    private readonly pin: (key: string) => () => void,
    private readonly onPacked: (key: string, k: number, allPacked: boolean) => void = () => undefined,
    private readonly pause: () => Promise<void> | null = duckBusy,
  ) {}

  /** Queues segment k of entry `key` (in `dir`, its store built); a no-op if queued already. */
  add(key: string, dir: string, meta: EntryMeta, k: number): void {
    const id = `${key}:${k}`;
    if (this.closed || this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push({ id, dir, meta, k, unpin: this.pin(key) });
    this.running ??= this.drain();
  }

  /** The pause, cut short by close (the block loop then sees the abort). */
  private readonly yieldTo = (): Promise<void> | null => {
    const w = this.pause();
    if (!w) return null;
    const signal = this.control.signal;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      void w.then(done);
    });
  };

  private async drain(): Promise<void> {
    try {
      for (let job = this.queue.shift(); job && !this.closed; job = this.queue.shift()) {
        try {
          await packSegment(job.dir, job.meta, job.k, this.control.signal, this.yieldTo);
          this.packed++;
          const all = job.meta.segments.every((_, j) => segmentRows(job.meta, j) === 0 || isPacked(job.dir, j));
          this.onPacked(job.id.slice(0, job.id.lastIndexOf(':')), job.k, all);
        } catch (e) {
          if (!this.control.signal.aborted) this.lastError = `${job.dir} segment ${job.k}: ${(e as Error).message}`;
        } finally {
          job.unpin();
          this.queued.delete(job.id);
        }
      }
    } finally {
      this.running = null;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves once nothing is queued or packing (tests, the bench, a host that wants the cache small). */
  async settled(): Promise<void> {
    while (this.running) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Stops: the running segment is abandoned (its temporary files removed), the queue dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.control.abort();
    for (const j of this.queue.splice(0)) {
      j.unpin();
      this.queued.delete(j.id);
    }
    await this.settled();
  }
}
