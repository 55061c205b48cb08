// --verify on a daily drop: every Parquet page decoded, not only the footer. A file damaged
// inside (its footer whole) passes a scan and is archive-corrupt under --verify; Snappy,
// GZIP and Brotli pages are decoded, a codec hyparquet cannot decode here (ZSTD) is noted as
// not verified, never called damaged.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, scan, tempDir } from '../engine/harness';

let work: string;
let drop: string;
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'];
const CODECS = ['snappy', 'gzip', 'brotli', 'zstd'];
const asOf = Date.UTC(2026, 10, 23, 12) / 1000;

beforeAll(async () => {
  work = tempDir('di-verify-pages-');
  drop = path.join(work, 'analytics-export');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await inst.connect();
  try {
    for (const [i, day] of DAYS.entries()) {
      mkdirSync(path.join(drop, day), { recursive: true });
      const file = path.join(drop, day, 'FACT_EVENTS.parquet');
      await con.run(
        `COPY (SELECT i AS event_id, 'event ' || i AS label, i * 1.5 AS amount FROM range(20000) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION ${CODECS[i]}, ROW_GROUP_SIZE 5000)`,
      );
    }
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}, 60_000);
afterAll(() => removeDir(work));

describe('--verify on Parquet dumps', () => {
  it('a clean drop: no problem in any codec; the ZSTD file noted as not verified', async () => {
    const { report, catalog } = await scan(drop, { asOf, verify: true });
    catalog.close();
    expect(report.problems.filter((p) => p.severity !== 'info').map((p) => p.message)).toEqual([]);
    const notes = report.chunks.map((c) => c.attributes?.pagesNotVerified ?? null);
    expect(notes.slice(0, 3)).toEqual([null, null, null]);
    expect(String(notes[3])).toMatch(/^2026-11-23\/FACT_EVENTS\.parquet \(unsupported compression codec: ZSTD\)$/);
  });

  it('a GZIP file damaged inside: clean to a scan, archive-corrupt under --verify', async () => {
    const file = path.join(drop, DAYS[1], 'FACT_EVENTS.parquet');
    const b = readFileSync(file);
    // The first column chunk's pages, well inside the file: the PAR1 magic and the footer whole.
    b.fill(0x55, 200, 600);
    writeFileSync(file, b);
    const plain = await scan(drop, { asOf });
    plain.catalog.close();
    expect(plain.report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const { report, catalog } = await scan(drop, { asOf, verify: true });
    catalog.close();
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.kind, p.chunk, p.table])).toEqual([['archive-corrupt', DAYS[1], 'FACT_EVENTS']]);
    expect(errors[0].message).toMatch(/^2026-11-21\/FACT_EVENTS\.parquet: its pages cannot be decoded: the file is damaged inside \(.+\)$/);
    const t = report.chunks.find((c) => c.name === DAYS[1])!.tables[0];
    expect(t.rows).toBeNull();
  });
});
