// The daily family's volume check: a table's row count far below its usual level, judged
// from its fourth readable day on, never on ordinary day-to-day variation.
import { describe, expect, it } from 'vitest';
import { MIN_HISTORY, volumeDrops } from '../../src/engine/formats/daily/checks';
import type { ChunkSummary } from '../../src/engine/model';
import { writeDailyDrop } from '../fixtures/daily-drop';
import { freshDirs, scan } from '../engine/harness';
import path from 'node:path';

const DAY = 86_400;
/** Days of one table with these row counts (null: unreadable). */
function days(rows: Array<number | null>): ChunkSummary[] {
  return rows.map(
    (r, i) =>
      ({
        name: `2026-11-${String(10 + i)}`,
        dir: `2026-11-${String(10 + i)}`,
        coverage: { from: 1_794_000_000 + i * DAY, to: 1_794_000_000 + i * DAY },
        attributes: {},
        tables: [{ name: 'FACT_REVIEWS', member: `2026-11-${10 + i}/FACT_REVIEWS.parquet`, rows: r }],
      }) as unknown as ChunkSummary,
  );
}
const flagged = (rows: Array<number | null>): string[] => volumeDrops(days(rows), {} as never).map((p) => p.chunk!);

describe('volume-drop', () => {
  it('is judged from the fourth day on: three days of history are enough', () => {
    expect(MIN_HISTORY).toBe(3);
    expect(flagged([1000, 1040, 980, 30])).toEqual(['2026-11-13']);
    expect(flagged([1000, 1040, 30])).toEqual([]);
  });

  it('is no alarm on ordinary variation, a slow decline or a doubling', () => {
    expect(flagged([1000, 1100, 400, 300])).toEqual([]);
    expect(flagged([1000, 900, 800, 700, 600, 500, 450])).toEqual([]);
    expect(flagged([1000, 1000, 2000, 2100, 1900])).toEqual([]);
    expect(flagged([5, 6, 4, 0])).toEqual([]); // under 10 rows a day: too small to judge
  });

  it('skips unreadable days, and a collapsed day does not become the new normal', () => {
    expect(flagged([1000, null, 1010, 990, 20, 25])).toEqual(['2026-11-14', '2026-11-15']);
  });

  const dir = freshDirs('di-volume-');
  it('a drop whose fourth day collapses is reported on that day', async () => {
    const root = dir();
    const m = await writeDailyDrop(root, { days: 5, defects: { 3: ['volume-drop'] } });
    const { report, catalog } = await scan(path.join(root, 'analytics-export'), { asOf: m.asOf });
    catalog.close();
    const v = report.problems.filter((p) => p.kind === 'volume-drop');
    expect(v.map((p) => [p.chunk, p.table])).toEqual([[m.chunks[3].name.replace(/^analytics-export\//, ''), 'FACT_REVIEWS']]);
  });
});
