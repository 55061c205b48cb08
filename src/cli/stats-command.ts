// drop-inspector stats <drop> <table> [--chunk NAME | --merged [--key COL]] --column COL
//                      [--search TEXT] [--filter 'COL OP VALUE']... [--json]
//
// A column's statistics as the grid's statistics pane shows them (rows, empty, distinct,
// kind, min/max, the ten commonest values, a histogram for numbers and times), over the
// whole table or a filtered view of it. --json prints the ColumnStats document
// (src/shared/table-api.ts) on stdout; otherwise a short text for people.
import { EngineError } from '../engine/model';
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
    process.stdout.write(values.json ? JSON.stringify(stats) + '\n' : statsText(info.table, stats));
    return 0;
  } finally {
    await session.close();
  }
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
    lines.push('  histogram:');
    for (const b of s.histogram)
      lines.push(
        `    ${String(b.from).padStart(14)} … ${String(b.to).padEnd(14)} ${String(b.count).padStart(10)} ${'█'.repeat(Math.round((b.count / most) * 30))}`,
      );
  }
  return lines.join('\n') + '\n';
}
