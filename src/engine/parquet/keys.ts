// Duplicate values of one column of a Parquet file, reading that column's chunks only
// (ranged reads of its pages; the other columns are never fetched).
import { parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { ObjectChanged, type DropStore } from '../storage/types';
import { asyncBufferOf } from './footer';

export interface DuplicateKeys {
  /** Rows whose key value appeared before in the same file(s). */
  duplicates: number;
  /** A few repeated values, for people. */
  examples: string[];
}

/** Distinct values held in memory at most: above this the check is skipped (null). */
export const MAX_KEY_ROWS = 5_000_000;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Counts repeated values of `column` over the given Parquet parts (one table of one dump).
 * Null when the table is too big to hold its keys, or a part cannot be decoded.
 */
export async function duplicateKeys(
  store: DropStore,
  parts: Array<{ rel: string; size: number; metadata: FileMetaData; file?: AsyncBuffer }>,
  column: string,
  signal?: AbortSignal,
): Promise<DuplicateKeys | null> {
  const rows = parts.reduce((s, p) => s + Number(p.metadata.num_rows), 0);
  if (rows > MAX_KEY_ROWS) return null;
  const seen = new Set<string | number | bigint>();
  const examples = new Set<string>();
  let duplicates = 0;
  for (const p of parts) {
    signal?.throwIfAborted();
    try {
      await parquetRead({
        file: p.file ?? asyncBufferOf(store, p.rel, p.size, signal),
        metadata: p.metadata,
        columns: [column],
        onChunk: (chunk) => {
          const data = chunk.columnData as ArrayLike<unknown>;
          for (let i = 0; i < data.length; i++) {
            const v = data[i];
            if (v === null || v === undefined) continue;
            // Numbers hash far faster than BigInts: INT64 keys within 2^53 are compared as numbers.
            const k = typeof v === 'bigint' ? (v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v) : typeof v === 'object' ? String(v) : (v as string | number);
            if (seen.has(k)) {
              duplicates++;
              if (examples.size < 5) examples.add(String(k));
            } else seen.add(k);
          }
        },
      });
    } catch (e) {
      if (e instanceof ObjectChanged || (e as Error).name === 'AbortError') throw e;
      return null;
    }
  }
  return { duplicates, examples: [...examples] };
}
