// A Parquet file's row count, row groups and schema from its footer alone, read through the
// drop's store with ranged reads (hyparquet's async metadata reader): a scan never downloads
// a whole Parquet file. One read of the last FOOTER_FETCH bytes (a suffix range) holds the
// footer's length and its metadata in the common case; only a bigger footer costs one more
// read (of exactly the rest). A file no bigger than FOOTER_FETCH is read whole in that one
// request, so its key column costs nothing more.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import type { DropStore } from '../storage/types';
import { parquetTypeName } from './types';

/**
 * Tail bytes fetched first, at most: footers of tables with tens of columns and row groups
 * fit (a DuckDB or Arrow footer of 10 columns and 3 row groups is ~1 KiB; a wide warehouse
 * unload's 16 MB part of 40 columns and a few row groups, tens of KiB). A request costs more
 * time than these bytes do (an S3 GET's first byte is tens of ms away, 64 KiB a ms at
 * 50 MB/s), so the tail is sized for one request per footer; objects up to it (small
 * dimensions) are read whole in that request, their key column included.
 */
export const FOOTER_FETCH = 64 * 1024;
/** The least tail of an object bigger than FOOTER_FETCH. */
export const FOOTER_FETCH_MIN = 16 * 1024;

/**
 * The first read's length for an object of `size` bytes: all of a small object, else a
 * 16th of it between FOOTER_FETCH_MIN and FOOTER_FETCH. A footer grows with the row groups
 * and columns, so with the object: a 200 KB part's footer is a few KiB, and its tail need
 * not be a third of it (bench bucket "many", ~1 MB parts: 64 KiB saved 14 of 511 requests).
 */
export function footerFetch(size: number): number {
  if (size <= FOOTER_FETCH) return size;
  return Math.min(FOOTER_FETCH, Math.max(FOOTER_FETCH_MIN, Math.floor(size / 16)));
}

export interface ParquetFooter {
  rows: number;
  rowGroups: number;
  columns: string[];
  columnTypes: string[];
  createdBy: string | null;
  metadata: FileMetaData;
  /** The object as read so far (footer bytes held): pass it to column reads. */
  file: AsyncBuffer;
}

/**
 * hyparquet's view of one object of a store: byte ranges on demand. The last range read is
 * kept, so a later read inside it (a small file's key column after its footer fetch, which
 * covered the whole file) costs no request.
 */
export function asyncBufferOf(store: DropStore, rel: string, size: number, signal?: AbortSignal, version?: string): AsyncBuffer {
  let held: { start: number; bytes: Buffer } | null = null;
  return {
    byteLength: size,
    slice: async (start: number, end?: number) => {
      const stop = end ?? size;
      if (!held || start < held.start || stop > held.start + held.bytes.length) {
        held = { start, bytes: await store.read(rel, start, stop, signal, version) };
      }
      const b = held.bytes.subarray(start - held.start, stop - held.start);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
    },
  };
}


export class ParquetUnreadable extends Error {}

/**
 * hyparquet, loaded at the first footer read: every scan worker's part counter can read
 * Parquet, few drops hold any (an extract drop's worker never needs it).
 */
let hyparquetLib: Promise<typeof import('hyparquet')> | null = null;
const loadHyparquet = (): Promise<typeof import('hyparquet')> => (hyparquetLib ??= import('hyparquet'));

export async function readParquetFooter(store: DropStore, rel: string, size: number, signal?: AbortSignal, version?: string): Promise<ParquetFooter> {
  if (size < 12) throw new ParquetUnreadable(`not a Parquet file: ${size} bytes, too short for a footer`);
  let metadata: FileMetaData;
  const file = asyncBufferOf(store, rel, size, signal, version);
  const { parquetMetadataAsync, parquetSchema } = await loadHyparquet();
  try {
    metadata = await parquetMetadataAsync(file, { initialFetchSize: footerFetch(size) });
  } catch (e) {
    if ((e as Error).name === 'AbortError' || (e as { code?: string }).code) throw e;
    // Told apart by the head: a Parquet file cut short still starts with PAR1. Through the
    // object's buffer: a small object's suffix read already holds it (no request more).
    const head = await Promise.resolve(file.slice(0, 4)).then((b) => Buffer.from(b), () => Buffer.alloc(0));
    const why = (e as Error).message.split('\n')[0];
    throw new ParquetUnreadable(
      head.toString('latin1') === 'PAR1'
        ? `truncated or damaged Parquet file: its footer cannot be read (${why})`
        : `not a Parquet file: no PAR1 magic (starts with ${JSON.stringify(head.toString('latin1').replace(/[^\x20-\x7e]/g, '.'))})`,
    );
  }
  const top = parquetSchema(metadata).children;
  return {
    rows: Number(metadata.num_rows),
    rowGroups: metadata.row_groups.length,
    columns: top.map((c) => c.element.name),
    columnTypes: top.map((c) => parquetTypeName(c.element, c.children.length > 0)),
    createdBy: metadata.created_by ?? null,
    metadata,
    file,
  };
}
