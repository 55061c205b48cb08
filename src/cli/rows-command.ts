// drop-inspector rows <drop> <table> [--chunk NAME | --merged] [--sort COL[:desc]]... [--search TEXT]
//                    [--filter 'COL OP VALUE']... [--offset N] [--limit M] [--json | --csv]
//
// Prints rows of a table without extracting anything into the drop. Scope: every chunk
// holding the table, concatenated in continuity order with the chunk as the first column
// (default); one chunk (--chunk); or merged by primary key, later chunk wins (--merged).
// --sort / --search / --filter give the grid's views (view-args.ts), over the same engine.
// stdout carries only the rows:
//   --json  one document {"columns": [...], "offset": N, "totalRows": N, "rows": [[cell, ...], ...]},
//           every cell a string exactly as decoded, totalRows the records in the scope;
//   --csv   RFC 4180 (header first, CRLF);
//   default an aligned text table for people.
// Messages (the merge key chosen, malformed rows) go to stderr. The first read of a table
// fills the table cache (outside the drop; DROP_INSPECTOR_CACHE), which makes later calls
// fast; the command waits for that read to end before it exits. A drop not yet in the
// catalog (or changed since its last scan) is scanned first, incrementally.
import { EngineError } from '../engine/model';
import { describeDialect, describeLayout, describeReadWays } from '../shared/family';
import { csvField } from '../engine/tables/table-service';
import { dialectFrom } from './read-options';
import { openTableSession, type SessionValues } from './table-session';
import { parseView, type ViewValues } from './view-args';

export interface RowsValues extends SessionValues, ViewValues {
  offset?: string;
  limit?: string;
  json?: boolean;
  csv?: boolean;
}

const bad = (msg: string): EngineError => new EngineError('bad-request', msg);

function count(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v.trim())) throw bad(`--${name} must be a whole number (not "${v}")`);
  return Number(v);
}

export async function rowsCommand(args: string[], values: RowsValues): Promise<number> {
  if (args.length !== 2) throw bad('rows takes a drop folder and a table name');
  if (values.json && values.csv) throw bad('--json and --csv exclude each other');
  const offset = count(values.offset, 'offset', 0);
  const limit = count(values.limit, 'limit', 100);
  const view = parseView(values);
  const quiet = !!values.quiet;
  // The dialect asked for on the command line (the session reads with it; the note says so).
  const dialect = dialectFrom(values);
  const session = await openTableSession(args, values, {
    firstRows: Math.max(200, Math.min(offset + limit, 5000)),
    quietScan: quiet || !!values.json || !!values.csv,
  });
  const { service, info, scope } = session;
  try {
    // Pages of at most BATCH rows, written as they come: a big --limit never sits in memory.
    const BATCH = 10_000;
    let page = await service.getRows(info.handle, { ...view, offset, limit: Math.min(limit, BATCH) });
    const total = page.complete ? page.totalRows : await service.exactTotal(info.handle);
    const after = await service.tableInfo(info.handle);
    const out = process.stdout;
    let shown = 0;
    let malformedShown = 0;
    if (values.json)
      out.write(
        `{"columns":${JSON.stringify(after.columns)},"offset":${offset},"totalRows":${total},"rows":[`,
      );
    else if (values.csv) out.write(after.columns.map(csvField).join(',') + '\r\n');
    for (;;) {
      if (values.json) {
        if (page.rows.length)
          out.write((shown > 0 ? ',' : '') + page.rows.map((r) => JSON.stringify(r)).join(','));
      } else if (values.csv) {
        if (page.rows.length)
          out.write(page.rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n');
      } else if (shown === 0 || page.rows.length) {
        out.write(textTable(after.columns, page.rows, page.rowNumbers, page.malformed, shown === 0));
      }
      shown += page.rows.length;
      malformedShown += page.malformed.filter(Boolean).length;
      if (page.rows.length === 0 || shown >= limit) break;
      page = await service.getRows(info.handle, {
        ...view,
        offset: offset + shown,
        limit: Math.min(limit - shown, BATCH),
      });
    }
    // Let the first reads started for this page finish, so the next call finds the cache whole
    // and a member that could not be read to its end is known.
    await service.settle(info.handle);
    const unreadable = (await service.tableInfo(info.handle)).problems.unreadable;
    // "incomplete" only when true: a whole table's document stays as it always was.
    if (values.json) out.write(unreadable.length ? `],"incomplete":true}\n` : ']}\n');
    if (!quiet) {
      const notes: string[] = [];
      const range = shown
        ? `rows ${offset + 1}–${offset + shown} of ${total}`
        : `no rows at offset ${offset} (${total} in all)`;
      notes.push(
        `${after.table}: ${range}${typeof scope === 'object' ? ` in ${scope.chunk}` : scope === 'merged' ? ' (merged)' : ` across ${after.chunks.length} chunk${after.chunks.length === 1 ? '' : 's'}`}`,
      );
      if (scope === 'merged' && after.merge === 'latest-snapshot' && !after.key?.columns.length) {
        notes.push(`the newest dump (${after.chunks.at(-1) ?? 'none'}) as it is: each dump is a full snapshot, so nothing is merged (--key keeps one record per key)`);
      } else if (scope === 'merged' && after.key) {
        notes.push(
          after.key.columns.length
            ? `merged by ${after.key.columns.join(', ')} (${after.key.source})${after.key.replaced ? `; ${after.key.replaced} records replaced by later ones` : ''}`
            : 'no key column found: nothing merged (choose one with --key)',
        );
      }
      if (malformedShown)
        notes.push(
          `${malformedShown} malformed row${malformedShown === 1 ? '' : 's'} shown (field count differs from the header)`,
        );
      if (after.problems.invalidChars)
        notes.push(`${after.problems.invalidChars} bytes invalid in ${after.encoding}, shown as U+FFFD`);
      for (const u of unreadable) notes.push(`${u.chunk}: ${u.error}`);
      // How the table was read (after the first note: scripts using --json see it on stderr too).
      if (after.readWays) notes.splice(1, 0, `read ${describeReadWays(after.readWays)}${dialect ? ' (as asked)' : ' (detected)'}`);
      else if (after.dialect) notes.splice(1, 0, `read as ${describeDialect(after.dialect)}${dialect ? ' (as asked)' : ' (detected)'}`);
      else if (after.layout === 'parquet') notes.splice(1, 0, 'read as Parquet (cells as DuckDB prints them)');
      else if (after.layout === 'jsonl' || after.layout === 'json-array')
        notes.splice(1, 0, `read as ${describeLayout(after.layout, null)}, nested keys flattened`);
      if (!values.json && !values.csv) process.stderr.write(notes.map((n) => `  ${n}\n`).join(''));
      else if (notes.length > 1)
        process.stderr.write(
          notes
            .slice(1)
            .map((n) => `drop-inspector: ${n}\n`)
            .join(''),
        );
    }
    // Records that could not be read are a failure for a script, whatever was shown.
    if (unreadable.length && quiet) for (const u of unreadable) process.stderr.write(`drop-inspector: ${u.chunk}: ${u.error}\n`);
    return unreadable.length ? 1 : 0;
  } finally {
    await session.close();
  }
}

function textTable(
  columns: string[],
  rows: string[][],
  numbers: number[],
  malformed: boolean[],
  withHeader: boolean,
): string {
  const clip = (s: string): string => {
    const one = s.replace(/\r\n|\r|\n/g, '⏎').replace(/\t/g, ' ');
    return one.length > 40 ? one.slice(0, 39) + '…' : one;
  };
  const head = ['#', ...columns];
  const body = rows.map((r, i) => [`${numbers[i] + 1}${malformed[i] ? '!' : ''}`, ...r.map(clip)]);
  const widths = head.map((h, j) => Math.max(clip(h).length, ...body.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => c.padEnd(widths[j] ?? c.length))
      .join('  ')
      .trimEnd();
  const lines = body.map(line);
  if (withHeader) lines.unshift(line(head.map(clip)));
  return lines.length ? lines.join('\n') + '\n' : '';
}
