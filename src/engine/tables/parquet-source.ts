// A Parquet part for the table browser: DuckDB reads the file (local drops read it in place)
// and writes its rows once as RFC 4180 CSV into a temporary file outside the drop; the entry
// is then built from those bytes like any CSV part (index, cells, analysis), so sort, filter,
// search and statistics work the same. Cells are DuckDB's text for each value; NULL is empty.
import { createReadStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PartSpec } from '../../shared/family';

const sql = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Streams the CSV form of a local Parquet part to onData; the temp file is removed after. */
export async function readParquetAsCsv(
  root: string,
  part: PartSpec,
  onData: (chunk: Uint8Array) => void,
  opts: { signal?: AbortSignal; maxBytes?: number } = {},
): Promise<void> {
  if (part.source.kind !== 'file') throw new Error('Parquet parts are read from plain files only');
  if (/^s3:\/\//i.test(root)) throw new Error('Parquet tables are not yet browsable from S3 by this version (scan a local copy to browse them)');
  const file = path.join(root, part.source.path);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'drop-inspector-pq-'));
  const out = path.join(dir, 'rows.csv');
  const { DuckDBInstance } = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'true', memory_limit: '128MB', temp_directory: dir });
  try {
    const con = await inst.connect();
    try {
      await con.run(`COPY (SELECT * FROM read_parquet(${sql(file)})) TO ${sql(out)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`);
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
