// A natural-order export cut into consecutive runs of the scope's rows, each written by its
// own COPY on its own connection, the files then joined in order (view-export.ts).
//
// Why: DuckDB's ordered CSV writer is fastest on one thread (duck.ts oneThread), so one COPY
// leaves the other cores idle. Two COPYs of half the rows each, run at once, each ordered and
// on one thread, are the whole view in order when joined: a 1M-row view of the 10M-row bench
// table took ~0.75-0.95 s as one COPY (DuckDB on its own table, two threads: ~0.47 s).
//
// A run is a position range of the view's branches (segment stores, each a slice of __r);
// the cut is by the stores' rows, not the view's (unknown before the query), so a filter
// that keeps rows unevenly makes runs uneven: never wrong, only less parallel.
import type { ScopeSql } from './scope-sql';

type Branch = ScopeSql['branches'][number];

export const exportSplit = {
  /** Below this many rows in the view one COPY is as quick as two plus the join (tests lower it). */
  minRows: 200_000,
  /** The runs of the last export cut (tests: that it was cut). */
  lastRuns: 0,
};

/**
 * The branches cut into at most `runs` consecutive runs of about equal rows of the view:
 * each run a list of branch SELECTs, a branch cut restricted to its slice of __r. `passing`
 * is each branch's rows in the view where counted (a range filter's count is cheap: the
 * stores' zone maps), else its rows; within a branch they are taken as spread evenly. One
 * run (the branches as they are) when the view is small or one run is asked for.
 */
export function splitRuns(branches: Branch[], runs: number, passing: number[] = branches.map((b) => b.rows)): string[][] {
  const total = passing.reduce((n, x) => n + x, 0);
  if (runs <= 1 || total < exportSplit.minRows) {
    exportSplit.lastRuns = 1;
    return [branches.map((b) => b.sql)];
  }
  const per = total / runs;
  const out: string[][] = [[]];
  let before = 0; // view rows in the branches before this one
  branches.forEach((b, i) => {
    const p = passing[i];
    if (p === 0) return; // no row of the view
    let from = 0; // the branch's __r where the current run's part of it starts
    // Cuts inside this branch: where the view's row count reaches the next multiple of per.
    while (out.length < runs && p > 0 && before + p > out.length * per) {
      const to = Math.round(((out.length * per - before) / p) * b.rows);
      if (to > from) out[out.length - 1].push(slice(b, from, to));
      from = Math.max(from, to);
      out.push([]);
    }
    if (from < b.rows) out[out.length - 1].push(from === 0 ? b.sql : slice(b, from, b.rows));
    before += p;
  });
  const cut = out.filter((r) => r.length > 0);
  exportSplit.lastRuns = cut.length;
  return cut;
}

const slice = (b: Branch, from: number, to: number): string =>
  from === 0 && to >= b.rows ? b.sql : `${b.sql} WHERE __r >= ${from} AND __r < ${to}`;
