// The daily family below the scan pipeline: path rules, discovery, inspection of every
// table (Parquet footers, parts, CSV.gz), the planted defects, and the fixture's determinism.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyAdapter } from '../../src/engine/formats/daily/discover';
import { inspectDailyChunk } from '../../src/engine/formats/daily/inspect';
import { classifyDailyFile, dateOfSegment } from '../../src/engine/formats/daily/path';
import { dailyKey } from '../../src/engine/formats/daily/keys';
import { fileEntriesOf } from '../../src/engine/storage/open';
import { LocalStore } from '../../src/engine/storage/local-store';
import { closeDailyGenerator, writeDailyDrop, type Manifest } from '../fixtures/daily-drop';

describe('daily paths', () => {
  it('finds the run date in its usual spellings, and only real dates', () => {
    expect(dateOfSegment('2026-11-23')).toBe(Date.UTC(2026, 10, 23) / 1000);
    expect(dateOfSegment('20261123')).toBe(Date.UTC(2026, 10, 23) / 1000);
    expect(dateOfSegment('dt=2026-11-23')).toBe(Date.UTC(2026, 10, 23) / 1000);
    expect(dateOfSegment('2026-02-30')).toBeNull();
    expect(dateOfSegment('12345678')).toBeNull();
  });
  it('reads table, series and layout from a path', () => {
    expect(classifyDailyFile('analytics-export/2026-11-23/FACT_REVIEWS.parquet')).toMatchObject({ table: 'FACT_REVIEWS', series: 'analytics-export', chunk: 'analytics-export/2026-11-23', layout: { kind: 'parquet' } });
    expect(classifyDailyFile('analytics-export/brand-a/20261123/FACT_MESSAGES/part-00000.parquet')).toMatchObject({ table: 'FACT_MESSAGES', series: 'analytics-export/brand-a', chunk: 'analytics-export/brand-a/20261123' });
    expect(classifyDailyFile('x/dt=2026-11-23/T.csv.gz')).toMatchObject({ table: 'T', codecs: ['gzip'], layout: { kind: 'dsv' } });
    expect(classifyDailyFile('analytics-export/FACT_REVIEWS/dt=2026-11-23/part-0.parquet')).toMatchObject({ table: 'FACT_REVIEWS', series: 'analytics-export', chunk: 'analytics-export/dt=2026-11-23' });
    expect(classifyDailyFile('analytics-export/README.txt')).toBeNull();
    expect(classifyDailyFile('analytics-export/FACT_REVIEWS.parquet')).toBeNull();
  });
  it('names keys as the data dictionary does', () => {
    expect(dailyKey('FACT_REVIEWS', ['review_id', 'location_id'])).toBe('review_id');
    expect(dailyKey('DIM_LOCATIONS', ['location_id'])).toBe('location_id');
    expect(dailyKey('FACT_TRANSACTION_ITEMS', ['transaction_item_id'])).toBe('transaction_item_id');
    expect(dailyKey('DIM_DATES', ['date_id'])).toBe('date_id');
    expect(dailyKey('FACT_LOCATION_DAILY_STATS', ['location_id', 'date_id'])).toBeNull();
  });
});

describe('daily drop inspection (local)', () => {
  let dir: string;
  let manifest: Manifest;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'di-daily-'));
    manifest = await writeDailyDrop(dir, {
      days: 9,
      defects: { 3: ['missing-day'], 5: ['volume-drop', 'missing-table'], 6: ['duplicate-key', 'not-parquet'], 7: ['schema-change'], 8: ['truncated'] },
    });
  });
  afterAll(async () => {
    await closeDailyGenerator();
    rmSync(dir, { recursive: true, force: true });
  });

  it('discovers one chunk per day in order and reads every table exactly', async () => {
    const store = new LocalStore(dir);
    const files = fileEntriesOf(store, (await store.list()).files);
    expect(dailyAdapter.recognise(files)).toBe(files.length);
    const { chunks, stray } = dailyAdapter.discover(files);
    expect(stray).toEqual([]);
    expect(chunks.map((c) => c.name)).toEqual(manifest.chunks.map((c) => c.name));
    const problems: Array<{ kind: string; chunk: string | null; table: string | null }> = [];
    for (const [i, c] of chunks.entries()) {
      const r = await inspectDailyChunk(c, { root: dir, verify: false, onBytes: () => undefined, maxMemberBytes: 1e12 });
      const rows = Object.fromEntries(r.tables.filter((t) => t.rows !== null).map((t) => [t.name, t.rows]));
      expect(rows, c.name).toEqual(manifest.chunks[i].tables);
      problems.push(...r.problems.map((p) => ({ kind: p.kind, chunk: p.chunk, table: p.table })));
      const reviews = r.tables.find((t) => t.name === 'FACT_REVIEWS')!;
      if (reviews.rows !== null) {
        expect(reviews.columnTypes).toEqual(
          (c.nameExtent!.from! - Date.UTC(2026, 10, 14) / 1000) / 86_400 >= 7 ? ['BIGINT', 'INTEGER', 'INTEGER', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'VARCHAR'] : ['BIGINT', 'INTEGER', 'INTEGER', 'TINYINT', 'VARCHAR', 'TIMESTAMP'],
        );
      }
      expect(r.tables.find((t) => t.name === 'FACT_MESSAGES')!.parts).toHaveLength(2);
    }
    const inChunk = manifest.problems.filter((p) => ['table-unreadable', 'duplicate-key'].includes(p.kind));
    expect(problems).toEqual(expect.arrayContaining(inChunk.map((p) => expect.objectContaining(p))));
    expect(problems).toHaveLength(inChunk.length);
  });

  it('the generator is deterministic', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'di-daily2-'));
    try {
      await writeDailyDrop(other, {
        days: 9,
        defects: { 3: ['missing-day'], 5: ['volume-drop', 'missing-table'], 6: ['duplicate-key', 'not-parquet'], 7: ['schema-change'], 8: ['truncated'] },
      });
      expect(digest(other)).toEqual(digest(dir));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

function digest(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const n of readdirSync(d).sort()) {
      const abs = path.join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = statSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else out[r] = `${createHash('sha1').update(readFileSync(abs)).digest('hex')}:${Math.trunc(st.mtimeMs)}`;
    }
  };
  walk(root, '');
  return out;
}
