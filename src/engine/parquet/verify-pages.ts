// Every page of a Parquet file decoded, for `--verify`: a scan otherwise reads a file's
// footer (and its key column's pages), so damage inside a file whose footer is whole (a bad
// transfer, a disk error) would first be met when the table is read. hyparquet decodes
// Snappy itself; GZIP and Brotli pages are given Node's zlib. A codec neither has (ZSTD, LZ4)
// cannot be checked here: such a file is told apart, never called damaged.
import zlib from 'node:zlib';
import { parquetRead, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import { ObjectChanged } from '../storage/types';

const COMPRESSORS: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
};

export type PagesVerdict = { ok: true } | { ok: false; damaged: boolean; message: string };

export async function verifyPages(part: { metadata: FileMetaData; file: AsyncBuffer }, signal?: AbortSignal): Promise<PagesVerdict> {
  signal?.throwIfAborted();
  try {
    // onChunk only: each column chunk is decoded and dropped, no rows are assembled.
    await parquetRead({ file: part.file, metadata: part.metadata, compressors: COMPRESSORS, onChunk: () => undefined });
    return { ok: true };
  } catch (e) {
    if (e instanceof ObjectChanged || (e as Error).name === 'AbortError') throw e;
    const message = (e as Error).message.replace(/^parquet /, '');
    return { ok: false, damaged: !/unsupported (compression|encoding|type)/i.test(message), message };
  }
}
