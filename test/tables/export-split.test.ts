// The cut of a natural-order export into runs (export-split.ts): every row of every branch
// that can hold one of the view's rows is in exactly one run, the runs in the scope's order,
// no more runs than asked, and about even by the view's rows.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScopeSql } from '../../src/engine/tables/analysis';
import { exportSplit, splitRuns } from '../../src/engine/tables/export-split';

type Branch = ScopeSql['branches'][number];
const branch = (i: number, rows: number): Branch =>
  ({ sql: `SELECT * FROM b${i}.t`, rows, nonEmpty: [], min: [], max: [], store: `b${i}`, base: 0, typed: [] }) as Branch;

/** The (branch, from, to) slices a run names, from its SQL. */
function slices(run: string[], branches: Branch[]): Array<[number, number, number]> {
  return run.map((sql) => {
    const m = /^SELECT \* FROM b(\d+)\.t(?: WHERE __r >= (\d+) AND __r < (\d+))?$/.exec(sql);
    if (!m) throw new Error(`unexpected SQL ${sql}`);
    const i = Number(m[1]);
    return [i, m[2] ? Number(m[2]) : 0, m[3] ? Number(m[3]) : branches[i].rows];
  });
}

describe('splitRuns', () => {
  const minRows = exportSplit.minRows;
  afterEach(() => {
    exportSplit.minRows = minRows;
  });

  it('covers each branch that holds view rows once, in order, in at most the runs asked', () => {
    exportSplit.minRows = 10;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        (spec, runs) => {
          const branches = spec.map(([rows], i) => branch(i, rows));
          const passing = spec.map(([rows, f]) => Math.round(rows * f));
          const out = splitRuns(branches, runs, passing);
          expect(out.length).toBeGreaterThanOrEqual(1);
          expect(out.length).toBeLessThanOrEqual(runs);
          const flat = out.flatMap((r) => slices(r, branches));
          // In order, contiguous within a branch, whole over each branch kept.
          const kept = branches.map((_, i) => i).filter((i) => passing[i] > 0);
          const total = passing.reduce((a, b) => a + b, 0);
          if (runs === 1 || total < exportSplit.minRows) {
            expect(out).toEqual([branches.map((b) => b.sql)]);
            return;
          }
          let at = 0;
          for (const i of kept) {
            let from = 0;
            while (at < flat.length && flat[at][0] === i) {
              expect(flat[at][1]).toBe(from);
              expect(flat[at][2]).toBeGreaterThan(from);
              from = flat[at][2];
              at++;
            }
            expect(from).toBe(branches[i].rows);
          }
          expect(at).toBe(flat.length);
          expect(exportSplit.lastRuns).toBe(out.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('cuts by the view rows counted, inside a branch where the cut falls', () => {
    exportSplit.minRows = 10;
    const branches = [branch(0, 690), branch(1, 690)];
    // The bench's export: all of the first store's rows pass, 309 of the second's.
    const out = splitRuns(branches, 2, [690, 309]);
    expect(out).toEqual([
      ['SELECT * FROM b0.t WHERE __r >= 0 AND __r < 500'],
      ['SELECT * FROM b0.t WHERE __r >= 500 AND __r < 690', 'SELECT * FROM b1.t'],
    ]);
    // Uncounted: by the stores' rows, whole stores here.
    expect(splitRuns(branches, 2)).toEqual([['SELECT * FROM b0.t'], ['SELECT * FROM b1.t']]);
    // Few rows: one run, as it was.
    exportSplit.minRows = 2000;
    expect(splitRuns(branches, 2)).toEqual([['SELECT * FROM b0.t', 'SELECT * FROM b1.t']]);
  });
});
