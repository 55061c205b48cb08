// A Parquet part for the table browser: DuckDB reads the file (local drops read it in place;
// an S3 object is fetched once, with If-Match on the listed ETag, into the build's temporary
// folder outside the drop, as DuckDB's httpfs cannot be installed here) and writes its rows
// once as RFC 4180 CSV into a temporary file; the entry is then built from those bytes like
// any CSV part (index, cells, analysis) and kept in the bounded table cache, so sort, filter,
// search and statistics work the same and the object is not fetched again while the entry
// lives. Cells are DuckDB's text for each value; NULL is empty.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PartSpec } from '../../shared/family';
import { isS3Url } from '../storage/location';
import { sharedStore } from '../storage/open';

const sql = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Streams the CSV form of a Parquet part to onData; the temp files are removed after. */
export async function readParquetAsCsv(
  root: string,
  part: PartSpec,
  onData: (chunk: Uint8Array) => void,
  opts: { signal?: AbortSignal; maxBytes?: number } = {},
): Promise<void> {
  if (part.source.kind !== 'file') throw new Error('Parquet parts are read from plain files only');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'drop-inspector-pq-'));
  const out = path.join(dir, 'rows.csv');
  let file = path.join(root, part.source.path);
  if (isS3Url(root)) {
    if (opts.maxBytes !== undefined && part.source.size > opts.maxBytes) {
      await fsp.rm(dir, { recursive: true, force: true });
      throw new Error(`${part.source.path} is ${part.source.size} bytes, over the ${opts.maxBytes}-byte limit`);
    }
    file = path.join(dir, 'object.parquet');
    try {
      await pipeline(sharedStore(root).stream(part.source.path, { signal: opts.signal, version: part.source.version }), createWriteStream(file));
    } catch (e) {
      await fsp.rm(dir, { recursive: true, force: true });
      throw e;
    }
  }
  const { DuckDBInstance } = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'true', memory_limit: '128MB', temp_directory: dir });
  try {
    const con = await inst.connect();
    try {
      try {
        await con.run(`COPY (SELECT * FROM read_parquet(${sql(file)})) TO ${sql(out)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`);
      } catch (e) {
        throw new Error(damagedParquet(e as Error), { cause: e });
      }
    } finally {
      con.closeSync();
    }
    let total = 0;
    for await (const chunk of createReadStream(out, { highWaterMark: 1 << 20, signal: opts.signal }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (opts.maxBytes !== undefined && total > opts.maxBytes) throw new Error(`${part.source.path} decodes past the ${opts.maxBytes}-byte limit`);
      onData(chunk);
    }
  } finally {
    inst.closeSync();
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/**
 * DuckDB's words for a file it cannot decode ("Invalid Input Error: Failed to read file
 * \"/abs/path\": Snappy decompression failure") in ours (the caller names the file): the scan
 * reads a Parquet file's footer only, so damage inside its pages is first met here.
 */
function damagedParquet(e: Error): string {
  const m = /^Invalid(?: Input)? Error: (?:Failed to read file "[^"]*": )?(.*)$/s.exec(e.message);
  if (!m) return e.message;
  return `its data cannot be decoded: the file is damaged inside (${m[1].split('\n')[0].trim()})`;
}
