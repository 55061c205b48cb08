// store-heads.ts mergeHeads: a sort's first page merged from each store's recorded head is the
// first page of the whole sort (by value, then position) or nothing, never another answer:
// for any stores of any values (heavy ties, empties, lists cut short with ties in any order),
// both directions and every page length. And it answers where values are distinct.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEAD_ROWS, mergeHeads, type HeadSource } from '../../src/engine/tables/store-heads';

/** A store: its rows' values (null: empty), its first row's position. */
interface Store {
  values: Array<number | null>;
  base: number;
}

/** What the store build records: the HEAD_ROWS first values in the order, ties in the order `shuffle` gives them. */
function headOf(s: Store, desc: boolean, shuffle: number): HeadSource {
  const rows = s.values.map((v, r) => ({ v, r })).filter((x) => x.v !== null) as Array<{ v: number; r: number }>;
  // Ties in no set order, as DuckDB's arg_min leaves them: a seeded shuffle first, then a stable sort by value.
  let seed = shuffle;
  for (let i = rows.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  rows.sort((a, b) => (desc ? b.v - a.v : a.v - b.v));
  const head = rows.slice(0, HEAD_ROWS);
  return { head: { rows: head.map((x) => x.r), values: head.map((x) => String(x.v)) }, base: s.base, nonEmpty: rows.length };
}

/** The first n positions of the whole sort: value (empties last), then position. */
function truth(stores: Store[], desc: boolean, n: number): number[] {
  const all = stores.flatMap((s) => s.values.map((v, r) => ({ v, p: s.base + r })));
  all.sort((a, b) => {
    if ((a.v === null) !== (b.v === null)) return a.v === null ? 1 : -1;
    const d = a.v === null || b.v === null ? 0 : desc ? b.v - a.v : a.v - b.v;
    return d || a.p - b.p;
  });
  return all.slice(0, n).map((x) => x.p);
}

/** Stores laid end to end (positions as a scope numbers them). */
function laidOut(lists: Array<Array<number | null>>): Store[] {
  let base = 0;
  return lists.map((values) => {
    const s = { values, base };
    base += values.length;
    return s;
  });
}

describe('mergeHeads', () => {
  it('is the whole sort\'s first page, or null: never another answer', () => {
    let answered = 0;
    const value = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -1e6, max: 1e6 }));
    fc.assert(
      fc.property(
        // Short stores, and stores longer than a head (lists cut short, often inside a tie).
        fc.array(fc.oneof(fc.array(value, { maxLength: 40 }), fc.array(value, { minLength: 300, maxLength: 700 })), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.integer({ min: 1, max: HEAD_ROWS }),
        fc.nat(),
        (lists, desc, n, shuffle) => {
          const stores = laidOut(lists);
          const got = mergeHeads(
            stores.filter((s) => s.values.some((v) => v !== null)).map((s, i) => headOf(s, desc, shuffle + i)),
            'BIGINT',
            desc,
            n,
          );
          if (got === null) return;
          answered++;
          const want = truth(stores, desc, n);
          expect(Array.from(got)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
    // Not a test of nulls only.
    expect(answered).toBeGreaterThan(30);
  });

  it('answers for distinct values, cut-short lists included, in both directions', () => {
    for (const desc of [false, true]) {
      // Three stores of 1,000 distinct values each, interleaved.
      const stores = laidOut([0, 1, 2].map((k) => Array.from({ length: 1000 }, (_, i) => i * 3 + k)));
      const got = mergeHeads(stores.map((s, i) => headOf(s, desc, i)), 'BIGINT', desc, 100);
      expect(got && Array.from(got)).toEqual(truth(stores, desc, 100));
    }
  });

  it('declines where the lists cannot tell: ties across the cut, too few values, text that does not order as its value', () => {
    // One value everywhere: each store's list is cut inside the tie.
    const tied = laidOut([new Array(600).fill(7), new Array(600).fill(7)]);
    expect(mergeHeads(tied.map((s, i) => headOf(s, false, i)), 'BIGINT', false, 100)).toBeNull();
    // 50 values and 100 rows asked for: the page holds empty cells, which only the query places.
    const few = laidOut([[...Array.from({ length: 50 }, (_, i) => i), null, null]]);
    expect(mergeHeads(few.map((s) => headOf(s, false, 0)), 'BIGINT', false, 100)).toBeNull();
    // A list of another length than the store's values (not the recorded one).
    const one = headOf(laidOut([[1, 2, 3]])[0], false, 0);
    expect(mergeHeads([{ ...one, nonEmpty: 4 }], 'BIGINT', false, 2)).toBeNull();
    // Timestamps of a five-digit year, and a DOUBLE that is not finite, are not ordered by text.
    const ts = { head: { rows: [0, 1], values: ['2024-01-01 00:00:00', '12024-01-01 00:00:00'] }, base: 0, nonEmpty: 2 };
    expect(mergeHeads([ts], 'TIMESTAMP', false, 2)).toBeNull();
    const inf = { head: { rows: [0], values: ['inf'] }, base: 0, nonEmpty: 1 };
    expect(mergeHeads([inf], 'DOUBLE', false, 1)).toBeNull();
    // Timestamps with and without fractions order as their times.
    const t2 = { head: { rows: [0, 1, 2], values: ['2024-01-01 00:00:01', '2024-01-01 00:00:01.25', '2024-01-01 00:00:01.5'] }, base: 10, nonEmpty: 3 };
    expect(Array.from(mergeHeads([t2], 'TIMESTAMP', false, 3)!)).toEqual([10, 11, 12]);
  });
});
