// What a scan is asked (ScanRequest) and what it tells (ScanOutcome, and ScanChecked: what its
// checks ran on, which a report under the same judgement reuses instead of checking again).
import type { ScanProgress } from '../shared/api';
import type { Problem } from '../shared/report';
import type { Catalog, LoadedChunk } from './catalog/catalog';
import type { ChunksSince } from './catalog/lineage';
import type { Keyed } from './checks/order';
import type { Judgement } from './checks/time';
import type { ReadOptions } from './formats/types';
import type { ChunkSummary } from './model';
import type { FrameTotals } from './report/build-report';
import type { Verdict } from './report/verdict';
import type { StoreStats } from './storage/types';
import type { ScanPool } from './workers/pool';

export interface ScanRequest {
  catalog: Catalog;
  verify?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Omit<ScanProgress, 'jobId'>) => void;
  /** Called after each batch of chunks is recorded, with their names (the UI re-reads the report). */
  onRecorded?: (names: string[]) => void;
  /** How finished chunks are batched into transactions (default SAVE_BATCH). */
  saveBatch?: { chunks: number; ms: number };
  pool?: ScanPool;
  maxMemberBytes?: number;
  cadence: Judgement;
  /** Follow symbolic links that lead outside the drop (default: reported, not followed). */
  followLinks?: boolean;
  /** How files are read (dialect parts, PGP key): part of each chunk's fingerprint. */
  read?: ReadOptions;
}

export interface ScanOutcome {
  drop: string;
  dropId: number;
  format: string;
  chunks: number;
  inspected: number;
  reused: number;
  removed: number;
  /** What reading the drop cost: requests to its store and object bytes read. */
  io: StoreStats;
  /**
   * What the checks ran on and found, for a report under the same judgement (buildReport's
   * and reportJson's `checked`): a 3000-chunk drop is not loaded and checked twice.
   */
  checked?: ScanChecked;
  /** Wall milliseconds by phase (resolve, folders, walk, listing, recognise, discover, compare, inspect, load, check). */
  timings: Record<string, number>;
  /** Minor page faults by phase (PhaseClock): fresh memory, most of some phases' time on a VM. */
  faults: Record<string, number>;
  /** Worker threads the chunks were read in (0: none, or read on the scan's own thread). */
  threads: number;
}

/**
 * The chunks a finished scan checked, the judgement and the problems found (drop-level). A
 * scan that judged a kept verdict again (report/verdict.ts) has the verdict, not the chunks.
 */
export type ScanChecked = CheckedCommon & (CheckedChunks | CheckedVerdict);

/** A scan that loaded and checked the chunks. */
interface CheckedChunks {
  /** The chunks' summaries, in the order they were recorded. */
  summaries: ChunkSummary[];
  /** Each summary as loaded: its chunk's id and where its report entry is (catalog.ts LoadedChunk). */
  loaded: Map<ChunkSummary, LoadedChunk>;
  /** The summaries in continuity order, on the family's axis. */
  ordered: Keyed[];
  /** The report's totals of these summaries (report-frame.ts frameTotals). */
  totals: FrameTotals;
  verdict?: undefined;
}

/** A scan of unchanged chunks that judged the last scan's verdict again instead. */
interface CheckedVerdict {
  verdict: Verdict;
  summaries?: undefined;
  loaded?: undefined;
  ordered?: undefined;
}

interface CheckedCommon {
  judgement: Judgement;
  problems: Problem[];
  /** The catalog's revision of the drop's chunks the summaries were loaded (or the verdict made) at (catalog.ts chunksRev). */
  rev?: number;
  /**
   * How the chunks came to be at `rev` when this scan's connection alone changed them since
   * it compared them (catalog.ts chunksSince): a report reuses the entries of the others.
   */
  since?: ChunksSince;
}
