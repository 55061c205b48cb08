// What a TableService is made with (the hosts pass it: the catalog, where the cache is and
// how big, worker threads, DuckDB's memory, first rows, background analysis and packing).
import type { Catalog } from '../catalog/catalog';
import type { InflateLimits } from '../parts/limits';

export interface TableServiceOptions {
  catalog: Catalog;
  cacheDir?: string;
  cacheMaxBytes?: number;
  /** Concurrent first reads in worker threads; 0 = inline on this thread (CLI). */
  workers?: number;
  /** DuckDB memory limit of the query instance (default: sized from the machine's memory, see duck.ts). */
  duckMemory?: string;
  /** Records a first read hands out early (default 200). */
  firstRows?: number;
  /**
   * Build the analysis stores (sort / filter / stats / merged) in the background as soon as a
   * handle's first reads end, so the first sort does not wait for them. Default: on with
   * worker threads, off inline (the CLI).
   */
  eagerAnalysis?: boolean;
  /** Size of the cache's data segments (default 64 MiB; tests use tiny ones). */
  segmentBytes?: number;
  /** Zip-bomb limits of a first read (default: the scan's, src/engine/parts/limits.ts). */
  limits?: Partial<InflateLimits>;
  /**
   * Pack a segment's CSV once its analysis store is built (packed-text.ts; default on), in
   * the background while DuckDB is idle (text-packer.ts): queries never wait for it.
   */
  packText?: boolean;
}
