// drop-inspector rows <drop> <table> [--chunk NAME | --merged] [--offset N] [--limit M] [--json | --csv]
//
// Prints rows of a table without extracting anything into the drop. Scope: every chunk
// holding the table, concatenated in continuity order with the chunk as the first column
// (default); one chunk (--chunk); or merged by primary key, later chunk wins (--merged).
// stdout carries only the rows:
//   --json  one document {"columns": [...], "offset": N, "totalRows": N, "rows": [[cell, ...], ...]},
//           every cell a string exactly as decoded, totalRows the records in the scope;
//   --csv   RFC 4180 (header first, CRLF);
//   default an aligned text table for people.
// Messages (the merge key chosen, malformed rows) go to stderr. The first read of a table
// fills the table cache (outside the drop; DROP_INSPECTOR_CACHE), which makes later calls
// fast; the command waits for that read to end before it exits. A drop not yet in the
// catalog (or changed since its last scan) is scanned first, incrementally.
import path from 'node:path';
import { Catalog } from '../engine/catalog/catalog';
import { defaultCatalogPath } from '../engine/catalog/location';
import { refuseInsideDrop } from '../engine/fs/write-guard';
import { EngineError } from '../engine/model';
import { cadenceOf } from '../engine/options';
import { discoverDrop, resolveDrop, scanDrop } from '../engine/scan';
import { defaultCacheDir } from '../engine/tables/cache';
import { parseEncoding } from '../engine/tables/encoding';
import { csvField, TableService } from '../engine/tables/table-service';
import type { TableScope } from '../shared/table-api';

export interface RowsValues {
  chunk?: string;
  merged?: boolean;
  offset?: string;
  limit?: string;
  json?: boolean;
  csv?: boolean;
  catalog?: string;
  encoding?: string;
  /** Merge key column(s), comma-separated (with --merged). */
  key?: string;
  quiet?: boolean;
}

export const ROWS_USAGE = `  drop-inspector rows <drop> <table> [--chunk NAME | --merged [--key COL[,COL]]]
                 [--offset N] [--limit M] [--json | --csv] [--encoding ENC]
                                                      print rows of a table (all chunks by default)`;

const bad = (msg: string): EngineError => new EngineError('bad-request', msg);

function count(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v.trim())) throw bad(`--${name} must be a whole number (not "${v}")`);
  return Number(v);
}

/** Scans the drop if the catalog does not know it or its files changed since the last scan. */
async function ensureScanned(drop: string, catalog: Catalog, quiet: boolean): Promise<void> {
  const row = catalog.drop(drop);
  if (row?.last_scan_complete) {
    const { chunks } = await discoverDrop(drop);
    const known = catalog.fingerprints(row.id);
    if (chunks.length === known.size && chunks.every((c) => known.get(c.name) === c.fingerprint)) return;
  }
  if (!quiet) process.stderr.write(`drop-inspector: scanning ${drop} first…\n`);
  await scanDrop(drop, { catalog, cadence: cadenceOf({}) });
}

export async function rowsCommand(args: string[], values: RowsValues): Promise<number> {
  if (args.length !== 2) throw bad('rows takes a drop folder and a table name');
  if (values.chunk !== undefined && values.merged) throw bad('--chunk and --merged exclude each other');
  if (values.json && values.csv) throw bad('--json and --csv exclude each other');
  if (values.key !== undefined && !values.merged) throw bad('--key goes with --merged');
  const offset = count(values.offset, 'offset', 0);
  const limit = count(values.limit, 'limit', 100);
  const encoding = values.encoding === undefined ? 'utf-8' : parseEncoding(values.encoding);
  if (!encoding)
    throw bad(
      `--encoding must be utf-8, windows-1252, latin1, utf-16, utf-16le or utf-16be (not "${values.encoding}")`,
    );
  const scope: TableScope =
    values.chunk !== undefined ? { chunk: values.chunk } : values.merged ? 'merged' : 'all';
  const key = values.key
    ? values.key
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
    : undefined;

  const drop = await resolveDrop(args[0]);
  const catalogFile = values.catalog ? path.resolve(values.catalog) : defaultCatalogPath();
  refuseInsideDrop(catalogFile, drop, 'the catalog', 'choose another with --catalog');
  const cacheDir = defaultCacheDir();
  refuseInsideDrop(cacheDir, drop, 'the table cache', 'set DROP_INSPECTOR_CACHE elsewhere');

  const catalog = new Catalog(catalogFile);
  const service = new TableService({
    catalog,
    cacheDir,
    workers: 0,
    firstRows: Math.max(200, Math.min(offset + limit, 5000)),
  });
  const quiet = !!values.quiet;
  try {
    await ensureScanned(drop, catalog, quiet || !!values.json || !!values.csv);
    const info = await service.openTable(drop, { table: args[1], scope, encoding, key });
    // Pages of at most BATCH rows, written as they come: a big --limit never sits in memory.
    const BATCH = 10_000;
    let page = await service.getRows(info.handle, { offset, limit: Math.min(limit, BATCH) });
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
        offset: offset + shown,
        limit: Math.min(limit - shown, BATCH),
      });
    }
    if (values.json) out.write(']}\n');
    if (!quiet) {
      const notes: string[] = [];
      const range = shown
        ? `rows ${offset + 1}–${offset + shown} of ${total}`
        : `no rows at offset ${offset} (${total} in all)`;
      notes.push(
        `${after.table}: ${range}${typeof scope === 'object' ? ` in ${scope.chunk}` : scope === 'merged' ? ' (merged)' : ` across ${after.chunks.length} chunk${after.chunks.length === 1 ? '' : 's'}`}`,
      );
      if (scope === 'merged' && after.key) {
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
      for (const u of after.problems.unreadable) notes.push(`${u.chunk}: ${u.error}`);
      if (!values.json && !values.csv) process.stderr.write(notes.map((n) => `  ${n}\n`).join(''));
      else if (notes.length > 1)
        process.stderr.write(
          notes
            .slice(1)
            .map((n) => `drop-inspector: ${n}\n`)
            .join(''),
        );
    }
    // Let the first reads started for this page finish, so the next call finds the cache whole.
    await service.settle(info.handle);
    return 0;
  } finally {
    await service.close();
    catalog.close();
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
