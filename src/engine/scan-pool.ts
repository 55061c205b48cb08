// Where a scan inspects its chunks: on its own thread (a few small ones), in one worker (S3),
// or in a pool sized to the chunks. The worker pool is imported by the scan only when used.
import type { ScanRequest } from './scan-types';
import type { DropStore } from './storage/types';
import type { ScanPool } from './workers/pool';

/**
 * At most this many chunks, of at most this much work (adapter.workOf: about the bytes read
 * and inflated) in all, are inspected on the coordinating thread instead of in workers.
 */
const INLINE_MAX_CHUNKS = 2;
const INLINE_MAX_WORK = 32 << 20;

/** Chunks of an S3 drop inspected side by side (requests stay bounded by the store). */
const S3_CHUNKS_AT_ONCE = 4;

/** The one worker of an S3 scan, started before it has a job. */
export async function warmPool(): Promise<ScanPool> {
  const { ScanPool } = await import('./workers/pool');
  const pool = new ScanPool(1, S3_CHUNKS_AT_ONCE);
  pool.warm();
  return pool;
}

/**
 * Whether the chunks to read (`todo` of them, `workTotal` of work) are read on the scan's own
 * thread. An S3 scan's workers mostly wait on requests the coordinator makes (the SDK is here):
 * one worker holding a few days at once keeps requests overlapping across days, and a
 * second thread's start (~0.3 s of CPU) buys nothing a 2-core machine serving them has.
 * A local scan with little to read (a re-scan finding one new chunk) reads it here: a
 * worker's start would be most of its time. The worker pool (and node:worker_threads) is
 * loaded only when there is a chunk for it: an unchanged re-scan's process does without.
 */
export function readsInline(
  req: ScanRequest,
  shared: DropStore | undefined,
  early: ScanPool | null,
  todo: number,
  workTotal: number,
): boolean {
  return (
    !req.pool && !shared && !early && todo > 0 && todo <= INLINE_MAX_CHUNKS && workTotal <= INLINE_MAX_WORK
  );
}

/** The workers for `todo` chunks: the S3 scan's one (warmed early, or started now), else one a chunk up to the default size. */
export function workerPool(
  workers: typeof import('./workers/pool'),
  early: ScanPool | null,
  shared: DropStore | undefined,
  todo: number,
): ScanPool {
  return (
    early ??
    (shared
      ? new workers.ScanPool(1, S3_CHUNKS_AT_ONCE)
      : new workers.ScanPool(Math.min(workers.defaultPoolSize(), Math.max(1, todo))))
  );
}
