// Scans a drop into the catalog: discover chunks, skip the unchanged ones, inspect the rest
// in worker threads, record the results (each chunk whole, a batch per transaction), then
// run the cross-chunk checks (scan-end.ts).
import type { ChunkToSave, LoadedChunk } from './catalog/catalog';
import { entryProblems } from './checks/entries';
import { resolveCoverage } from './coverage';
import { discoverIn, listDrop, listingDigest, unchangedFamily } from './drop-listing';
import {
  readOptionsTag,
  revisionTag,
  type ChunkCandidate,
  type ChunkInspection,
  type DropAdapter,
} from './formats/types';
import { KeptFolders } from './fs/kept-folders';
import { refuseInsideDrop } from './fs/write-guard';
import { EngineError } from './model';
import { DEFAULT_MAX_MEMBER_BYTES } from './parts/limits';
import { PhaseClock } from './phase-clock';
import { verdictKey } from './report/verdict';
import { resolveDrop } from './resolve-drop';
import { abortError } from './abort';
import { bytesOf, failedInspection } from './scan-chunks';
import { checkAndFinish, judgeKeptVerdict, type ScanSoFar } from './scan-end';
import { readsInline, warmPool, workerPool } from './scan-pool';
import { startingProgress } from './scan-progress';
import type { ScanOutcome, ScanRequest } from './scan-types';
import { isS3Url } from './storage/location';
import { openStore } from './storage/open';
import type { DropStore, StoreStats } from './storage/types';
import type { InspectPool } from './workers/messages';
import { WorkMeter } from './work-meter';

// Where scans start, what they are asked and tell: one import for the hosts and tests.
export { resolveDrop } from './resolve-drop';
export type { ScanChecked, ScanOutcome, ScanRequest } from './scan-types';
export { DEFAULT_MAX_MEMBER_BYTES };

/**
 * Finished chunks are recorded together, one transaction per batch: at most this many, and
 * at most this long after the first of them finished (so a slow scan still shows each chunk
 * soon, and a kill loses at most one batch of work, never part of a chunk).
 */
export const SAVE_BATCH = { chunks: 256, ms: 250 };

const scanCancelled = (): Error => abortError('the scan was cancelled');

export async function scanDrop(dropPath: string, req: ScanRequest): Promise<ScanOutcome> {
  const started = Date.now();
  const clock = new PhaseClock();
  const drop = await resolveDrop(dropPath, { probe: false });
  clock.mark('resolve');
  if (req.catalog.file !== ':memory:')
    refuseInsideDrop(req.catalog.file, drop, 'the catalog', 'choose another with --catalog');
  // An S3 scan's worker starts first, then the store loads the SDK (~0.3 s, on this thread)
  // and lists the prefix: the worker loads meanwhile on the other core instead of after
  // (~0.3 s before it can send its first request). A scan that finds nothing to read stops
  // it unused (an unchanged re-scan pays its start on the other core).
  const early = isS3Url(drop) && !req.pool ? await warmPool() : null;
  // An S3 drop is read through one store for the whole scan, workers included (they read
  // through it over their ports: one SDK, one client, one bound on requests in flight).
  let shared: DropStore | undefined;
  try {
    shared = isS3Url(drop) ? openStore(drop) : undefined;
    const io: StoreStats = shared ? shared.stats : { requests: 0, bytesRead: 0 };
    return await scanWith(drop, req, shared, io, started, early, clock);
  } finally {
    shared?.close();
    // Closed by scanWith once used; closing again is a no-op.
    void early?.close();
  }
}

async function scanWith(
  drop: string,
  req: ScanRequest,
  shared: DropStore | undefined,
  io: StoreStats,
  started: number,
  early: import('./workers/pool').ScanPool | null,
  clock: PhaseClock,
): Promise<ScanOutcome> {
  const progress = startingProgress(drop);
  const emit = (): void => {
    progress.elapsedMs = Date.now() - started;
    progress.storageRequests = io.requests;
    progress.storageBytes = io.bytesRead;
    const rate = progress.bytesDone / Math.max(1, progress.elapsedMs);
    progress.etaMs =
      progress.phase === 'scanning' && progress.bytesDone > 0
        ? Math.round((progress.bytesTotal - progress.bytesDone) / rate)
        : null;
    req.onProgress?.({ ...progress });
  };
  emit();

  const before = req.catalog.drop(drop);
  // A local drop's folders unchanged since its last walk are not listed again (kept-folders.ts).
  const kept = shared ? undefined : KeptFolders.parse(before ? req.catalog.dropFolders(before.id) : null);
  clock.mark('folders');
  const walk = await listDrop(drop, req.signal, {
    followLinks: req.followLinks,
    io,
    store: shared,
    clock,
    kept,
  });
  const folders = walk.folders?.changed ? walk.folders.kept.text() : undefined;
  // Other reading options read other results: chunks read with others are read again.
  const tagOf = (a: DropAdapter): string => readOptionsTag(req.read) + revisionTag(a);
  const filesDigest = listingDigest(walk.files);
  // The same files as at the last complete scan, read the same way: the same family and
  // chunks, none to read (unless --verify), none removed.
  const same = before && !req.verify ? unchangedFamily(req.catalog, before.id, filesDigest, tagOf) : null;
  // What the catalog holds of each chunk: asked only when the chunks are compared.
  const { known, rev: knownRev } =
    before && !same ? req.catalog.fingerprintsAt(before.id) : { known: new Map<string, string>(), rev: 0 };
  clock.mark('listing');
  let adapter: DropAdapter;
  let chunks: ChunkCandidate[] | null = null;
  if (same) adapter = same;
  else {
    ({ adapter, chunks } = discoverIn(drop, walk, clock, before?.format));
    const tag = tagOf(adapter);
    if (tag) for (const c of chunks) c.fingerprint += tag;
    // Forgotten before the chunks change: a scan that stops part-way leaves none to trust.
    if (before) req.catalog.saveDropListing(before.id, null);
  }
  const dropRow = req.catalog.ensureDrop(drop, adapter.format);
  // The listing this scan keeps vouches for the chunks it compared and recorded: none changed by another.
  if (!same) req.catalog.watchChunks(dropRow.id, knownRev);
  const entries = entryProblems(walk);
  req.catalog.saveEntryProblems(dropRow.id, entries);
  const todo: ChunkCandidate[] = chunks
    ? chunks.filter((c) => req.verify || known.get(c.name) !== c.fingerprint)
    : [];
  const removed = chunks
    ? req.catalog.removeChunksExcept(dropRow.id, new Set(chunks.map((c) => c.name)), known.keys())
    : 0;
  // Unchanged: the chunks are the catalog's. What the last scan concluded of them is judged
  // again as of now, where it was kept (report/verdict.ts); else they are loaded here for the
  // checks (nothing is read or recorded before they run), and counted as loaded.
  const key = verdictKey(adapter.format, req.cadence, entries);
  const soFar: ScanSoFar = {
    drop,
    req,
    io,
    progress,
    emit,
    clock,
    dropId: dropRow.id,
    adapter,
    key,
    entries,
    folders,
  };
  let unchanged: LoadedChunk[] | null = null;
  if (!chunks) {
    clock.mark('compare');
    const judged = judgeKeptVerdict(soFar);
    if (judged) return judged;
    unchanged = req.catalog.loadSummaries(dropRow.id, adapter.axis);
    clock.mark('load');
  }
  const count = chunks ? chunks.length : unchanged!.length;
  clock.mark('compare');

  progress.phase = 'scanning';
  progress.chunksTotal = count;
  progress.chunksReused = count - todo.length;
  progress.chunksDone = progress.chunksReused;
  // Progress speaks the drop's bytes (what a person compares with the folder's size); the
  // work behind it (hashing and inflating: an archive is read about twice) is scaled to them.
  const estimates = todo.map((c) => ({ c, name: c.name, work: adapter.workOf(c) }));
  const workTotal = estimates.reduce((s, e) => s + e.work, 0);
  progress.bytesTotal = todo.reduce((s, c) => s + bytesOf(c), 0);
  const meter = new WorkMeter(estimates);
  const showWork = (): void => {
    progress.bytesDone = Math.round(meter.fraction() * progress.bytesTotal);
  };
  emit();

  // On this thread, or in workers (scan-pool.ts): the worker pool is imported only for them.
  const inline = readsInline(req, shared, early, todo.length, workTotal);
  const workers = todo.length && !inline ? await import('./workers/pool') : null;
  if (!workers) void early?.close();
  const pool: InspectPool | null =
    req.pool ??
    (inline
      ? new (await import('./workers/inline-pool')).InlinePool()
      : workers && workerPool(workers, early, shared, todo.length));
  let lastEmit = 0;
  const onAbort = (): void => void pool?.close(scanCancelled());
  req.signal?.addEventListener('abort', onAbort, { once: true });
  // Results waiting to be recorded (SAVE_BATCH); none are taken once the scan has stopped.
  const batching = req.saveBatch ?? SAVE_BATCH;
  let pending: ChunkToSave[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  // A chunk recorded to be read again (ChunkInspection.unstable): no listing is kept.
  let unstable = false;
  const flush = (): void => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    req.catalog.saveChunks(dropRow.id, batch);
    progress.chunksDone += batch.length;
    emit();
    req.onRecorded?.(batch.map((b) => b.chunk.name));
  };
  try {
    // Largest first (by the adapter's work estimate): the workers take the chunks in this
    // order, so the last ones taken are small and no worker idles long while another
    // finishes a big one (a scan of a few big chunks ended with one core idle for most of one).
    const byWork = [...estimates].sort((a, b) => b.work - a.work).map((x) => x.c);
    const inspecting = Promise.all(
      byWork.map(async (c) => {
        let result: ChunkInspection;
        try {
          result = await pool!.run(
            {
              format: adapter.format,
              root: drop,
              chunk: c,
              verify: !!req.verify,
              maxMemberBytes: req.maxMemberBytes ?? DEFAULT_MAX_MEMBER_BYTES,
              read: req.read,
            },
            (n) => {
              meter.add(c.name, n);
              showWork();
              if (Date.now() - lastEmit > 100) {
                lastEmit = Date.now();
                emit();
              }
            },
            // A shared store counts its own requests; a worker's store reports them.
            shared
              ? undefined
              : (d) => {
                  io.requests += d.requests;
                  io.bytesRead += d.bytesRead;
                },
            shared,
          );
        } catch (e) {
          if (req.signal?.aborted) throw scanCancelled();
          if (workers && e instanceof workers.WorkerStartError)
            throw new EngineError('internal', `the scan cannot run: ${e.message}`);
          result = failedInspection(c, e as Error);
        }
        req.signal?.throwIfAborted();
        if (stopped) return;
        meter.finish(c.name);
        showWork();
        if (result.unstable) unstable = true;
        pending.push({
          chunk: c,
          result,
          scannedAt: new Date().toISOString(),
          coverage: resolveCoverage(adapter.axis, c, result),
        });
        if (pending.length >= batching.chunks) flush();
        else flushTimer ??= setTimeout(flush, batching.ms);
      }),
    );
    inspecting.catch(() => undefined); // awaited below; not unhandled if the load throws first
    // The workers have their jobs (pool.run spawns them at once): the summaries the checks
    // need are loaded meanwhile, on this thread, instead of after them (a fresh process's
    // one full read; only the chunks recorded from here on are read again after).
    if (todo.length) req.catalog.loadSummaries(dropRow.id, adapter.axis);
    clock.mark('load');
    await inspecting;
    flush();
    clock.mark('inspect');
  } catch (e) {
    stopped = true;
    // Chunks read whole before the scan stopped are kept: the next scan reuses them.
    try {
      flush();
    } catch {
      /* the catalog itself failed: nothing more to keep */
    }
    req.catalog.finishScan(
      dropRow.id,
      new Date().toISOString(),
      false,
      [],
      [],
      undefined,
      undefined,
      folders,
    );
    progress.phase = 'cancelled';
    emit();
    throw req.signal?.aborted ? scanCancelled() : e;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    if (!req.pool) await pool?.close();
  }

  return checkAndFinish(soFar, {
    chunks,
    unchanged,
    count,
    inspected: todo.length,
    removed,
    unstable,
    tagOf,
    filesDigest,
    pool,
  });
}
