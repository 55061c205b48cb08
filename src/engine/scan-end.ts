// A scan's two ends: an unchanged drop's kept verdict judged again as of now, or the checks
// run on the chunks' loaded summaries (and a verdict kept for the next scan). Either records
// the scan's end in the catalog (finishScan) and tells the scan's outcome.
import type { ScanProgress } from '../shared/api';
import type { Problem } from '../shared/report';
import type { LoadedChunk } from './catalog/catalog';
import { checkDrop, judgeTime } from './checks/index';
import { continuityOrder } from './checks/order';
import { listingRecord } from './drop-listing';
import type { ChunkCandidate, DropAdapter } from './formats/types';
import type { PhaseClock } from './phase-clock';
import { frameTotals } from './report/build-report';
import { judgedAgain, keptVerdict, makeVerdict } from './report/verdict';
import { entriesKeyOf } from './scan-chunks';
import type { ScanOutcome, ScanRequest } from './scan-types';
import type { StoreStats } from './storage/types';
import type { InspectPool } from './workers/messages';

/** What either end is given: the scan, how it tells progress, and the drop as it found it. */
export interface ScanSoFar {
  drop: string;
  req: ScanRequest;
  io: StoreStats;
  progress: Omit<ScanProgress, 'jobId'>;
  emit: () => void;
  clock: PhaseClock;
  dropId: number;
  adapter: DropAdapter;
  /** The key a verdict is kept under (report/verdict.ts verdictKey). */
  key: string;
  entries: Problem[];
  /** The folders the walk found to keep, where they changed (Catalog.finishScan). */
  folders: string | undefined;
}

/**
 * Unchanged: what the last scan concluded of the chunks is judged again as of now, where it
 * was kept (report/verdict.ts), and the scan ends; null when none was kept for them.
 */
export function judgeKeptVerdict(s: ScanSoFar): ScanOutcome | null {
  const { req, progress, clock, adapter } = s;
  const rev = req.catalog.chunksRev(s.dropId);
  const verdict = keptVerdict(req.catalog, s.dropId, s.key, rev, req.cadence.asOf);
  clock.mark('load');
  if (!verdict) return null;
  progress.phase = 'checking';
  progress.chunksTotal = progress.chunksReused = progress.chunksDone = verdict.order.length;
  s.emit();
  const problems = judgedAgain(verdict, adapter, req.cadence);
  const scannedAt = new Date().toISOString();
  progress.unchanged = { ...severityCounts([...verdict.chunkProblems, ...problems]), scannedAt };
  req.catalog.finishScan(
    s.dropId,
    scannedAt,
    true,
    problems,
    verdict.chunkProblems,
    undefined,
    undefined,
    s.folders,
  );
  const counts = { chunks: verdict.order.length, inspected: 0, removed: 0 };
  return finished(s, counts, { judgement: req.cadence, problems, rev, verdict }, 0);
}

/** Problems by severity, as a report's summary counts them. */
function severityCounts(problems: Problem[]): { errors: number; warnings: number; infos: number } {
  const c = { errors: 0, warnings: 0, infos: 0 };
  for (const p of problems) {
    if (p.severity === 'error') c.errors++;
    else if (p.severity === 'warning') c.warnings++;
    else c.infos++;
  }
  return c;
}

/** The scan's end told: its phase done, and its outcome with these counts and checks. */
function finished(
  s: ScanSoFar,
  counts: { chunks: number; inspected: number; removed: number },
  checked: ScanOutcome['checked'],
  threads: number,
): ScanOutcome {
  s.clock.mark('check');
  s.progress.phase = 'done';
  s.emit();
  return {
    drop: s.drop,
    dropId: s.dropId,
    format: s.adapter.format,
    chunks: counts.chunks,
    inspected: counts.inspected,
    reused: counts.chunks - counts.inspected,
    removed: counts.removed,
    io: { ...s.io },
    checked,
    timings: s.clock.phases,
    faults: s.clock.faults,
    threads,
  };
}

/** What the scan read and recorded before its checks. */
export interface ScanInspected {
  /** The chunks discovered; null when the unchanged listing's were taken (then `unchanged`). */
  chunks: ChunkCandidate[] | null;
  /** The unchanged chunks as loaded before the checks, else null (loaded here). */
  unchanged: LoadedChunk[] | null;
  count: number;
  inspected: number;
  removed: number;
  /** A chunk was recorded to be read again (ChunkInspection.unstable): no listing is kept. */
  unstable: boolean;
  tagOf: (a: DropAdapter) => string;
  filesDigest: string;
  pool: InspectPool | null;
}

/** The checks on the drop's chunks as recorded now, the scan's end and its outcome. */
export function checkAndFinish(s: ScanSoFar, r: ScanInspected): ScanOutcome {
  const { req, progress, clock, adapter } = s;
  progress.phase = 'checking';
  s.emit();
  const loaded = r.unchanged ?? req.catalog.loadSummaries(s.dropId, adapter.axis);
  const summaries = loaded.map((l) => l.summary);
  const rev = req.catalog.loadedRev(s.dropId, adapter.axis);
  const since = req.catalog.chunksSince(s.dropId);
  clock.mark('load');
  const ordered = continuityOrder(summaries, adapter.axis);
  const found = checkDrop(summaries, adapter, req.cadence, s.entries, ordered);
  const problems = [...found.timeless, ...judgeTime(found.facts, adapter, found.ctx)];
  // The drop's error and warning counts (recent drops) include each chunk's own problems.
  const listing = r.chunks
    ? listingRecord(adapter.format, r.tagOf(adapter), r.filesDigest, r.unstable)
    : undefined;
  // Kept for the next scan of the same chunks (at the stamp they were loaded at: one another
  // connection moved since is never used).
  const totals = frameTotals(summaries, ordered, adapter.axis);
  const verdict =
    rev === undefined
      ? undefined
      : {
          rev,
          key: s.key,
          body: JSON.stringify(
            makeVerdict(
              summaries,
              ordered,
              found,
              totals,
              entriesKeyOf(loaded, ordered, s.dropId, adapter.axis, rev),
            ),
          ),
        };
  req.catalog.finishScan(
    s.dropId,
    new Date().toISOString(),
    true,
    problems,
    summaries.flatMap((c) => c.problems),
    listing,
    verdict,
    s.folders,
  );
  return finished(
    s,
    { chunks: r.count, inspected: r.inspected, removed: r.removed },
    {
      summaries,
      loaded: new Map(loaded.map((l) => [l.summary, l])),
      ordered,
      totals,
      judgement: req.cadence,
      problems,
      rev,
      ...(since && since.to === rev ? { since } : {}),
    },
    r.pool?.threads ?? 0,
  );
}
