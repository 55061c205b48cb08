// How far a scan has got, from per-chunk work estimates (adapter.workOf) that can be far
// off. A daily dump's estimate is its Parquet footers, but its duplicate-key check reads key
// columns too: the bench bucket "many" (255 MB) reads ~49 MB against ~4 MB estimated, and
// its progress bar was full, "0 s left", after 2 of 8 days, for the rest of the scan. So the
// chunks not finished are scaled by what the finished ones took against their estimates
// (never below their estimate), or by what the unfinished ones have already read beyond
// theirs (a lower bound: they are not done), whichever is more; and the fraction never moves
// backwards.

export class WorkMeter {
  /** Estimates of the chunks not finished yet. */
  private estimateLeft = 0;
  /** Work counted for the chunks not finished yet. */
  private countedLeft = 0;
  /** Finished chunks: their estimates, and the work they took (at least the estimate). */
  private estimateDone = 0;
  private actualDone = 0;
  /** Unfinished chunks that have read more than their estimate: their estimates and counts. */
  private overEstimate = 0;
  private overCounted = 0;
  private readonly chunks = new Map<string, { estimate: number; counted: number; over: boolean }>();
  private readonly total: number;
  private finished = 0;
  private last = 0;

  constructor(estimates: Array<{ name: string; work: number }>) {
    for (const e of estimates) {
      this.chunks.set(e.name, { estimate: e.work, counted: 0, over: false });
      this.estimateLeft += e.work;
    }
    this.total = estimates.length;
  }

  /** `n` more units of work read for chunk `name`. */
  add(name: string, n: number): void {
    const c = this.chunks.get(name);
    if (!c || n <= 0) return;
    c.counted += n;
    this.countedLeft += n;
    if (c.over) this.overCounted += n;
    else if (c.counted > c.estimate && c.estimate > 0) {
      c.over = true;
      this.overEstimate += c.estimate;
      this.overCounted += c.counted;
    }
  }

  /** Chunk `name` is done (read whole or failed). */
  finish(name: string): void {
    const c = this.chunks.get(name);
    if (!c) return;
    this.chunks.delete(name);
    this.finished++;
    this.estimateLeft -= c.estimate;
    this.countedLeft -= c.counted;
    if (c.over) {
      this.overEstimate -= c.estimate;
      this.overCounted -= c.counted;
    }
    this.estimateDone += c.estimate;
    this.actualDone += Math.max(c.estimate, c.counted);
  }

  /** The share of the scan's work done, 0..1: 1 exactly when every chunk is finished. */
  fraction(): number {
    let f: number;
    if (this.finished === this.total) f = 1;
    else if (this.estimateDone + this.estimateLeft <= 0) f = this.finished / this.total;
    else {
      const ratio = Math.max(
        1,
        this.estimateDone > 0 ? this.actualDone / this.estimateDone : 1,
        this.overEstimate > 0 ? this.overCounted / this.overEstimate : 1,
      );
      const done = this.actualDone + this.countedLeft;
      const left = Math.max(0, this.estimateLeft * ratio - this.countedLeft);
      // A chunk's counted work can run past its scaled estimate: the rest still has a sliver
      // to go until it is finished, so the fraction reaches 1 only at the end.
      f = Math.min(done / (done + left), 1 - 1e-3 * (this.total - this.finished) / this.total);
    }
    this.last = Math.max(this.last, f);
    return this.last;
  }
}
