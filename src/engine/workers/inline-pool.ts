// The coordinator inspecting chunks itself, for a scan with only a little to read (one new
// chunk of a 3000-chunk drop): a worker thread takes ~0.15 s to start and load the
// inspectors, several times what reading a small chunk takes, and a re-scan that adds one
// chunk was mostly that wait. The inspection is the workers' own code (inspect-job.ts), and
// it is asynchronous, so the thread stays responsive; scan.ts sends only chunks below a
// bound here, so no long stretch of inflating ever runs on it.
import type { ChunkInspection } from '../formats/types';
import type { InspectJob, InspectPool } from './messages';

export class InlinePool implements InspectPool {
  readonly threads = 0;
  private readonly running = new Set<(e: Error) => void>();
  private closed = false;

  run(job: Omit<InspectJob, 'id' | 'bridged'>, onBytes: (n: number) => void, onIo?: (d: { requests: number; bytesRead: number }) => void): Promise<ChunkInspection> {
    if (this.closed) return Promise.reject(new Error('pool closed'));
    return new Promise((resolve, reject) => {
      // Closing settles the job at once; the inspection's own end is then ignored.
      const stop = (e: Error): void => {
        this.running.delete(stop);
        reject(e);
      };
      this.running.add(stop);
      import('./inspect-job')
        .then(({ runInspectJob }) => runInspectJob(job, { onBytes, onIo: onIo ?? (() => undefined) }))
        .then(
          (r) => {
            if (this.running.delete(stop)) resolve(r);
          },
          (e: unknown) => {
            if (this.running.delete(stop)) reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
    });
  }

  async close(reason = new Error('pool closed')): Promise<void> {
    this.closed = true;
    for (const stop of [...this.running]) stop(reason);
  }
}
