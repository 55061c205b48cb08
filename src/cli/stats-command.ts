// drop-inspector stats <drop> <table> [--chunk NAME | --merged [--key COL]] --column COL
//                      [--search TEXT] [--filter 'COL OP VALUE']... [--json]
//
// A column's statistics as the grid's statistics pane shows them (rows, empty, distinct,
// kind, min/max, the ten commonest values, a histogram for numbers and times), over the
// whole table or a filtered view of it. --json prints the ColumnStats document
// (src/shared/table-api.ts) on stdout; otherwise a short text for people.
import { EngineError } from '../engine/model';
import { formatTsPlain } from '../engine/report/format-time';
import type { ColumnStats } from '../shared/table-api';
import { openTableSession, type SessionValues } from './table-session';
import { parseView, type ViewValues } from './view-args';

export interface StatsValues extends SessionValues, ViewValues {
  column?: string;
  json?: boolean;
}

export async function statsCommand(args: string[], values: StatsValues): Promise<number> {
  if (args.length !== 2) throw new EngineError('bad-request', 'stats takes a drop folder and a table name');
  if (!values.column) throw new EngineError('bad-request', 'stats needs --column COL');
  if (values.sort?.length) throw new EngineError('bad-request', '--sort does not change statistics');
  const view = parseView(values);
  const session = await openTableSession(args, values, { quietScan: !!values.quiet || !!values.json });
  try {
    const { service, info } = session;
    if (!info.columns.includes(values.column))
      throw new EngineError(
        'bad-request',
        `no column ${JSON.stringify(values.column)} in ${info.table} (columns: ${info.columns.join(', ')})`,
      );
    const stats = await service.columnStats(info.handle, values.column, view);
    // Chunks whose table could not be read are not in the figures: said, as rows says them,
    // and a failure for a script ("incomplete" only when true, as rows' document has it).
    const unreadable = (await service.tableInfo(info.handle)).problems.unreadable;
    process.stdout.write(
      values.json
        ? JSON.stringify(unreadable.length ? { ...stats, incomplete: true } : stats) + '\n'
        : statsText(info.table, stats),
    );
    for (const u of unreadable) process.stderr.write(`drop-inspector: ${u.chunk}: ${u.error} (not counted)\n`);
    return unreadable.length ? 1 : 0;
  } finally {
    await session.close();
  }
}

/**
 * A bin's edge as people read it: a time in UTC (the engine gives seconds), a number to 10
 * significant digits (an edge is lo + i × width: 2.4000000000000004 is 2.4).
 */
function edge(kind: ColumnStats['kind'], v: number): string {
  if (kind === 'time') return formatTsPlain(v) || String(v);
  return String(Number(v.toPrecision(10)));
}

function statsText(table: string, s: ColumnStats): string {
  const lines = [
    `${table}.${s.column}: ${s.kind}`,
    `  rows      ${s.rows}`,
    `  empty     ${s.empty}`,
    `  distinct  ${s.distinct}`,
    `  min       ${s.min ?? '—'}`,
    `  max       ${s.max ?? '—'}`,
    `  top values:`,
    ...s.top.map((t) => `    ${String(t.count).padStart(10)}  ${t.value === '' ? '(empty)' : t.value}`),
  ];
  if (s.histogram) {
    const most = Math.max(1, ...s.histogram.map((b) => b.count));
    // A bin of one value is named by it alone.
    const labels = s.histogram.map((b) => (b.from === b.to ? edge(s.kind, b.from) : `${edge(s.kind, b.from)} … ${edge(s.kind, b.to)}`));
    const wide = Math.max(...labels.map((l) => l.length));
    lines.push('  histogram:');
    s.histogram.forEach((b, i) =>
      lines.push(`    ${labels[i].padStart(wide)} ${String(b.count).padStart(10)} ${'█'.repeat(Math.round((b.count / most) * 30))}`),
    );
  }
  return lines.join('\n') + '\n';
}
