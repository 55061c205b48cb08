// Duplicate values of one column of a Parquet file, reading that column's chunks only
// (ranged reads of its pages; the other columns are never fetched). Integer keys take the
// cheap path (int-keys.ts: raw values in one typed array, then an ordered pass or a native
// sort); other keys go through hyparquet's general reader.
import { parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { ObjectChanged, type DropStore } from '../storage/types';
import { asyncBufferOf } from './footer';
import { readIntKeys, type IntKeys } from './int-keys';

export interface DuplicateKeys {
  /** Rows whose key value appeared before in the same file(s). */
  duplicates: number;
  /** A few repeated values, for people. */
  examples: string[];
}

/** Distinct values held in memory at most: above this the check is skipped (null). */
export const MAX_KEY_ROWS = 5_000_000;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const EXAMPLES = 5;

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
  const files = parts.map((p) => ({ ...p, file: p.file ?? asyncBufferOf(store, p.rel, p.size, signal) }));
  try {
    const ints = await readIntKeys(files, column, signal);
    if (ints) return duplicatesOf(ints);
  } catch (e) {
    if (e instanceof ObjectChanged || (e as Error).name === 'AbortError') throw e;
    return null;
  }
  return generalDuplicates(files, column, signal);
}

/**
 * Repeats in integer keys. Keys usually come in order (ids ascending in the file), which one
 * pass over the 32-bit halves proves without a BigInt; otherwise a native sort of a copy.
 */
export function duplicatesOf(keys: IntKeys): DuplicateKeys {
  if (ascending(keys)) return { duplicates: 0, examples: [] };
  const sorted = keys.slice().sort();
  let duplicates = 0;
  const examples: string[] = [];
  if (sorted instanceof BigInt64Array) {
    const w = new Int32Array(sorted.buffer, sorted.byteOffset, sorted.length * 2);
    for (let i = 1; i < sorted.length; i++) {
      if (w[2 * i] === w[2 * i - 2] && w[2 * i + 1] === w[2 * i - 1]) {
        duplicates++;
        const v = String(sorted[i]);
        if (examples.length < EXAMPLES && examples[examples.length - 1] !== v) examples.push(v);
      }
    }
  } else {
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i] === sorted[i - 1]) {
        duplicates++;
        const v = String(sorted[i]);
        if (examples.length < EXAMPLES && examples[examples.length - 1] !== v) examples.push(v);
      }
    }
  }
  return { duplicates, examples };
}

/** Strictly ascending (so no value repeats)? INT64 compared as (signed high, unsigned low) words. */
function ascending(keys: IntKeys): boolean {
  if (keys instanceof Int32Array) {
    for (let i = 1; i < keys.length; i++) if (keys[i] <= keys[i - 1]) return false;
    return true;
  }
  const hi = new Int32Array(keys.buffer, keys.byteOffset, keys.length * 2);
  const lo = new Uint32Array(keys.buffer, keys.byteOffset, keys.length * 2);
  for (let i = 1; i < keys.length; i++) {
    const h = hi[2 * i + 1];
    const ph = hi[2 * i - 1];
    if (h < ph || (h === ph && lo[2 * i] <= lo[2 * i - 2])) return false;
  }
  return true;
}

/** Any other key type: hyparquet's reader, values in a Set. */
export async function generalDuplicates(parts: Array<{ metadata: FileMetaData; file: AsyncBuffer }>, column: string, signal?: AbortSignal): Promise<DuplicateKeys | null> {
  const seen = new Set<string | number | bigint>();
  const examples = new Set<string>();
  let duplicates = 0;
  for (const p of parts) {
    signal?.throwIfAborted();
    try {
      await parquetRead({
        file: p.file,
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
              if (examples.size < EXAMPLES) examples.add(String(k));
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
