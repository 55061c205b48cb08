// Recognising a family: counting stops once a family cannot outscore the best so far, and
// never changes which family wins.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countClaims } from '../../src/engine/formats/claims';
import { recogniseDrop } from '../../src/engine/formats/registry';
import type { FileEntry } from '../../src/engine/fs/walk';

const entry = (rel: string): FileEntry => ({ rel, abs: `/nowhere/${rel}`, size: 1, mtimeMs: 0 });

describe('countClaims', () => {
  it('is exact whenever it exceeds beat, and at most beat otherwise', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), fc.nat(45), (claimed, beat) => {
        const files = claimed.map((_, i) => entry(String(i)));
        const n = countClaims(files, (f) => claimed[Number(f.rel)], beat);
        const truth = claimed.filter(Boolean).length;
        if (truth > beat) expect(n).toBe(truth);
        else expect(n).toBeLessThanOrEqual(beat);
      }),
    );
  });

  it('stops at the first file it turns down once it cannot outscore', () => {
    const files = Array.from({ length: 1000 }, (_, i) => entry(`f${i}`));
    let asked = 0;
    const n = countClaims(files, () => (asked++, false), files.length - 1);
    expect(n).toBe(0);
    expect(asked).toBe(1);
  });
});

describe('recogniseDrop', () => {
  it('gives the same family with any hint (the family last recognised, asked first), ties included', () => {
    const gim = (i: number) => {
      const stem = `export_${1000 + i}_2016_07_12_00_08_14`;
      return [`${stem}/${stem}.zip`, `${stem}/${stem}.zip.sha1`, `${stem}/${stem}.extracted.xml`];
    };
    const daily = (i: number) => [`analytics-export/2025-01-${String((i % 28) + 1).padStart(2, '0')}/T${i}.parquet`];
    const extract = (i: number) => [`accounts_delta_202511${String((i % 28) + 1).padStart(2, '0')}T0200.csv.gz`, `accounts_delta_202511${String((i % 28) + 1).padStart(2, '0')}T0200.count`];
    const stray = (i: number) => [`notes-${i}.txt`];
    const makers = [gim, daily, extract, stray];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(40)), { maxLength: 30 }), (picks) => {
        const files = [...new Set(picks.flatMap(([k, i]) => makers[k](i)))].sort().map(entry);
        const plain = recogniseDrop(files)?.format ?? null;
        for (const hint of ['gim', 'daily', 'extracts', 'bulk', 'unknown', null]) expect(recogniseDrop(files, hint)?.format ?? null).toBe(plain);
      }),
      { numRuns: 300 },
    );
  });

  it('an Info Mart drop with a stray file is still Info Mart', () => {
    const files = [entry('.bench-complete')];
    for (let i = 0; i < 50; i++) {
      const stem = `export_${1000 + i}_2016_07_12_00_08_14`;
      files.push(entry(`${stem}/${stem}.zip`), entry(`${stem}/${stem}.zip.sha1`), entry(`${stem}/${stem}.extracted.xml`));
    }
    expect(recogniseDrop(files)?.format).toBe('gim');
  });

  it('a daily drop and an extract drop among a few stray files keep their families', () => {
    const daily = ['README.txt', 'analytics-export/2025-01-01/ORDERS.parquet', 'analytics-export/2025-01-02/ORDERS.parquet'].map(entry);
    expect(recogniseDrop(daily)?.format).toBe('daily');
    const extracts = ['notes.md', 'accounts_delta_20251124T0200.csv.gz', 'accounts_delta_20251124T0200.count', 'accounts_delta_20251125T0200.csv.gz'].map(entry);
    expect(recogniseDrop(extracts)?.format).toBe('extracts');
  });
});
