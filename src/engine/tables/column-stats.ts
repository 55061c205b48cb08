// A column's statistics over a view: counts, distinct values, min and max, the most common
// values and, for numbers and times, a histogram. Apart from analysis.ts, whose view SQL it
// reads from, because it is a query of its own (table-views.ts's statistics request).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnStats, ViewSpec } from '../../shared/table-api';
import { baseSql, columnSql, whereSql, type ViewContext } from './analysis';
import { queryRows } from './duck';
import { columnKinds, emptySql, numSql, textSql, typeOf } from './scope-sql';
import { storedText } from './store-schema';

export async function columnStatistics(
  con: DuckDBConnection,
  ctx: ViewContext,
  column: string,
  view: ViewSpec,
  bins = 20,
): Promise<ColumnStats> {
  const scope = ctx.scope;
  const c = columnSql(ctx, column);
  if (c !== '__chunk' && !ctx.kinds.get(c)?.timeChecked)
    ctx.kinds.set(c, (await columnKinds(con, scope, [c], [column], true))[0]);
  const kind = c === '__chunk' ? { kind: 'text' as const, numeric: false } : ctx.kinds.get(c)!;
  const type = typeOf(scope, c);
  const text = textSql(scope, c);
  const nonEmpty = `NOT ${emptySql(scope, c)}`;
  const from = `${baseSql(ctx, view)} ${whereSql(ctx, { filter: view.filter, search: view.search })}`;
  const isTimeText = kind.kind === 'time' && !kind.numeric;
  const numExpr = kind.numeric
    ? numSql(scope, c)
    : type === 'TIMESTAMP'
      ? `epoch(${c})`
      : isTimeText
        ? `epoch(TRY_CAST(${text} AS TIMESTAMP))`
        : null;
  // Typed columns: min and max natively, their text exact. Text: by value for numbers and
  // times, else code-point order.
  const minMax =
    type !== 'VARCHAR'
      ? `${storedText(type, `min(${c})`)}, ${storedText(type, `max(${c})`)}`
      : numExpr
        ? `arg_min(${c}, ${numExpr}) FILTER (WHERE ${c} <> ''), arg_max(${c}, ${numExpr}) FILTER (WHERE ${c} <> '')`
        : `min(${c}) FILTER (WHERE ${c} <> ''), max(${c}) FILTER (WHERE ${c} <> '')`;
  const [head] = await queryRows(
    con,
    `SELECT count(*), count(*) FILTER (WHERE NOT (${nonEmpty})), count(DISTINCT ${c}) FILTER (WHERE ${nonEmpty}), ${minMax}${numExpr ? `, min(${numExpr}), max(${numExpr}), bool_and(${numExpr} = floor(${numExpr}))` : ''} FROM ${from}`,
  );
  const top = (
    await queryRows(
      con,
      // Ties by count are ordered as numbers where the values are numbers (9 before 10), then as text.
      `SELECT ${type === 'VARCHAR' ? c : `coalesce(${storedText(type, c)}, '')`} AS v, count(*) AS n FROM ${from} GROUP BY ${c} ORDER BY n DESC, TRY_CAST(${type === 'VARCHAR' ? c : `coalesce(${storedText(type, c)}, '')`} AS DOUBLE) NULLS LAST, v LIMIT 10`,
    )
  ).map((r) => ({
    value: String(r[0] ?? ''),
    count: Number(r[1]),
  }));
  let histogram: ColumnStats['histogram'] = null;
  if (numExpr && head[5] !== null && head[5] !== undefined) {
    const lo = Number(head[5]);
    const hi = Number(head[6]);
    // Whole numbers (keys, codes, counts, times to the second) in bins of whole width, each
    // [from, to] inclusive: a column of 1, 2, 3 and 5 had 20 bins such as "1.2 … 1.4", 16 of
    // them empty; now one a value. Others in equal-width bins over [min, max].
    const whole = head[7] === true;
    const width = whole ? Math.max(1, Math.ceil((hi - lo + 1) / bins)) : hi > lo ? (hi - lo) / bins : 1;
    const n = whole ? Math.ceil((hi - lo + 1) / width) : hi > lo ? bins : 1;
    const counts = new Array<number>(n).fill(0);
    const rows = await queryRows(
      con,
      `SELECT least(${n - 1}, CAST(floor((${numExpr} - ${lo}) / ${width}) AS INTEGER)) AS b, count(*) FROM (SELECT * FROM ${from}) AS s WHERE ${numExpr} IS NOT NULL GROUP BY b`,
    );
    for (const r of rows) counts[Number(r[0])] += Number(r[1]);
    histogram = counts.map((count, i) => ({
      from: lo + i * width,
      to: whole ? Math.min(hi, lo + (i + 1) * width - 1) : i === n - 1 ? hi : lo + (i + 1) * width,
      count,
    }));
  }
  return {
    column,
    rows: Number(head[0]),
    empty: Number(head[1]),
    distinct: Number(head[2]),
    kind: kind.kind,
    min: (head[3] as string | null) ?? null,
    max: (head[4] as string | null) ?? null,
    top,
    histogram,
  };
}
