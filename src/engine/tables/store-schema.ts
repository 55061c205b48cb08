// How a segment's analysis store names and types its columns, and the record of it
// (data[.N].types.json), with storedText, the one formula for a stored value's text. Apart
// from store.ts (which builds the store) because the readers of the stores (scope-sql.ts,
// the queries, top-n.ts, branch-prune.ts) need this and none of the building.
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';

export const colName = (i: number): string => `c${i}`;

export type StoreType = 'BIGINT' | 'DOUBLE' | 'TIMESTAMP' | 'VARCHAR';

/** data[.N].types.json: how segment k's columns are stored and what their values are. */
export interface SegmentInfo {
  types: StoreType[];
  /** Non-empty cells per column. */
  nonEmpty: number[];
  /** Every non-empty cell is a finite number (true for BIGINT/DOUBLE); null = not known (scan). */
  numeric: Array<boolean | null>;
  /** Every non-empty cell reads as a timestamp (true for TIMESTAMP); null = not known (scan). */
  time: Array<boolean | null>;
  /**
   * A typed column's least and greatest value as text (CAST AS VARCHAR), null for text
   * columns and all-empty ones; absent in stores built before it was recorded. top-n.ts
   * picks the store to bound a first page from by them.
   */
  min?: Array<string | null>;
  max?: Array<string | null>;
}

export const segmentInfoFile = (k: number): string => (k === 0 ? 'data.types.json' : `data.${k}.types.json`);

const infoCache = new Map<string, SegmentInfo>();

/** The types of segment k's store (built: ensureStore returned). */
export function readSegmentInfo(entryDir: string, k: number, n: number): SegmentInfo {
  const file = path.join(entryDir, segmentInfoFile(k));
  let info = infoCache.get(file);
  if (!info) {
    try {
      info = JSON.parse(readFileSync(file, 'utf8')) as SegmentInfo;
    } catch {
      // No record (cannot happen for a store this version built): text, kinds unknown.
      info = {
        types: new Array<StoreType>(n).fill('VARCHAR'),
        nonEmpty: new Array<number>(n).fill(1),
        numeric: new Array<boolean | null>(n).fill(null),
        time: new Array<boolean | null>(n).fill(null),
      };
    }
    if (infoCache.size > 4096) infoCache.clear();
    infoCache.set(file, info);
  }
  return info;
}

export async function writeInfo(file: string, info: SegmentInfo): Promise<void> {
  infoCache.delete(file);
  await fsp.writeFile(file, JSON.stringify(info));
}

/**
 * The text of a stored value: DuckDB's own, except that a DOUBLE holding a whole number
 * below 1e15 reads as an integer ("12", not "12.0"), so a column of "12" and "12.5" is one
 * DOUBLE column. Verification (exact) and every reader of the store use this one formula.
 */
export function storedText(type: StoreType, x: string): string {
  if (type === 'VARCHAR') return x;
  if (type === 'DOUBLE')
    return `CASE WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e15 THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR) ELSE CAST(${x} AS VARCHAR) END`;
  return `CAST(${x} AS VARCHAR)`;
}
