// A view exported as CSV by DuckDB's own writer (COPY ... TO), for scopes without malformed
// records: a natural-order view in runs written at once (export-split.ts), each on its own
// connection. Apart from analysis.ts, whose view SQL it reuses, because it is the fast path
// of view-export.ts alone, with its own ordering and concurrency rules.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ViewSpec } from '../../shared/table-api';
import { baseSql, ensureKinds, orderSql, sortKeys, whereSql, type ViewContext } from './analysis';
import { pruneStats, rangeOnly, unionOf, viewBranches } from './branch-prune';
import { oneThread, queryRows, sqlString } from './duck';
import { splitRuns } from './export-split';
import { typeOf } from './scope-sql';
import { storedText } from './store-schema';

/** Runs `work` on a new connection of the query instance; `run` numbers the export's runs (progress). */
export type Connect = <T>(run: number, work: (con: DuckDBConnection) => Promise<T>) => Promise<T>;

/**
 * Writes the view as CSV with DuckDB's writer: CRLF, fields quoted where RFC 4180 needs it,
 * empty cells as nothing; the header first when `header` names it. Only for scopes without
 * malformed records (their cells are not the store's columns). A natural-order view is cut
 * into up to `runs` consecutive runs (export-split.ts), each written to `fileOf(i)` at once
 * on its own connection; the files in order are the view (the header in the first). Returns
 * the rows written and the files.
 */
export async function exportCsv(
  connect: Connect,
  ctx: ViewContext,
  view: ViewSpec,
  fileOf: (run: number) => string,
  /** The header's names, written by DuckDB as the first line (plainHeader: only names it writes as they are). */
  header: string[] | null = null,
  runs = 1,
): Promise<{ rows: number; files: string[] }> {
  await connect(0, (con) => ensureKinds(con, ctx, view));
  const scope = ctx.scope;
  // BIGINT cells go to the writer as they are (it prints a BIGINT as CAST AS VARCHAR does,
  // which is the cell: store.ts verified it); DOUBLE and TIMESTAMP through storedText.
  const cell = (c: string): string => {
    const t = typeOf(scope, c);
    return t === 'VARCHAR' ? `nullif(${c}, '')` : t === 'BIGINT' ? c : storedText(t, c);
  };
  const cells = [...(scope.withChunk ? ['__chunk'] : []), ...scope.cols.map(cell)]
    .map((e, i) => `${e} AS ${header ? `"${header[i]}"` : `x${i}`}`)
    .join(', ');
  // Without a sort, the view's order is the scope's natural order, the order of its UNION
  // ALL of stores: kept by DuckDB with preserve_insertion_order (a session setting) instead
  // of an ORDER BY __p, which sorted every exported row with its cells (a 1M-row view of a
  // 10M-row table: ~1.1-2.4 s sorted, ~0.6 s in order). The merged view's restriction is a
  // join, whose order is not the scan's: it keeps the ORDER BY, and one run.
  // On one thread each (duck.ts oneThread): the ordered writer was the most of a natural export.
  const natural = sortKeys(view).length === 0 && ctx.restrict === null;
  const where = whereSql(ctx, view);
  let relations: string[];
  if (natural) {
    const branches = viewBranches(ctx, view);
    pruneStats.lastBranches = branches.length;
    // A range-filtered view's rows per store, counted, so that the runs are even.
    const passing =
      runs > 1 && branches.length > 0 && rangeOnly(ctx, view)
        ? await connect(0, (con) => countPerBranch(con, branches, where))
        : undefined;
    relations = splitRuns(branches, runs, passing).map((r) => `(${unionOf(r.map((sql) => ({ sql })), scope.none)})`);
  } else relations = [baseSql(ctx, view)];
  const copy = (i: number, con: DuckDBConnection): Promise<unknown[][]> =>
    queryRows(
      con,
      `COPY (SELECT ${cells} FROM ${relations[i]} ${where} ${natural ? '' : orderSql(ctx, view)}) TO ${sqlString(fileOf(i))} ` +
        `(FORMAT csv, HEADER ${header && i === 0 ? 'true' : 'false'}, NEW_LINE '\r\n', QUOTE '"', ESCAPE '"', DELIMITER ',')`,
    );
  const counts = await allOrFirstError(
    relations.map((_, i) =>
      connect(i, async (con) => {
        if (!natural) return copy(i, con);
        await con.run('SET preserve_insertion_order = true');
        return oneThread(con, () => copy(i, con));
      }),
    ),
  );
  return { rows: counts.reduce((n, [[c]]) => n + Number(c), 0), files: relations.map((_, i) => fileOf(i)) };
}

/** The rows of each branch that pass `where`. */
async function countPerBranch(con: DuckDBConnection, branches: Array<{ sql: string }>, where: string): Promise<number[]> {
  const sql = branches.map((b, i) => `SELECT ${i} AS b, count(*) AS n FROM (${b.sql}) ${where}`).join('\nUNION ALL\n');
  const counts = new Array<number>(branches.length).fill(0);
  for (const [b, n] of await queryRows(con, sql)) counts[Number(b)] = Number(n);
  return counts;
}

/**
 * All of them, settled: the first failure (in time: the others may fail for being cancelled
 * after it) is thrown only once none still runs, so none writes a file after the caller's
 * clean-up.
 */
async function allOrFirstError<T>(work: Array<Promise<T>>): Promise<T[]> {
  let first: { e: unknown } | null = null;
  const done = await Promise.allSettled(work.map((w) => w.catch((e: unknown) => { first ??= { e }; throw e; })));
  if (first) throw (first as { e: unknown }).e;
  return done.map((d) => (d as PromiseFulfilledResult<T>).value);
}

/**
 * The header can be DuckDB's own first line: names its CSV writer writes as they are (no
 * quoting needed, as csvField would not quote them either) and distinct as DuckDB sees
 * column names (case-blind). Then the export is one file written once, not a body copied
 * after a header (~140 MB for a 1M-row view).
 */
export function plainHeader(names: string[]): boolean {
  const seen = new Set<string>();
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) || seen.has(n.toLowerCase())) return false;
    seen.add(n.toLowerCase());
  }
  return names.length > 0;
}
