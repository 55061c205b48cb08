// Inspects one run date's dump (in a worker): every table's parts through the drop's store.
// Parquet: footer only (rows, row groups, columns and types), plus the key column's pages
// for duplicate keys; CSV / CSV.gz: streamed once through the record counter.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { SEVERITY_OF, type Problem, type ProblemKind } from '../../../shared/report';
import { countPart } from '../../parts/count';
import type { FileEntry } from '../../fs/walk';
import { duplicateKeys } from '../../parquet/keys';
import { ParquetUnreadable, readParquetFooter } from '../../parquet/footer';
import { verifyPages } from '../../parquet/verify-pages';
import { sharedStore } from '../../storage/open';
import { ObjectChanged, type DropStore } from '../../storage/types';
import { emptyInspection, emptyTable, type ChunkCandidate, type ChunkInspection, type InspectContext, type TableInspection, type TablePart } from '../types';
import { dailyKey } from './keys';
import { classifyDailyFile, type DailyFile } from './path';
import { groupDigits } from '../../../shared/numbers';

export async function inspectDailyChunk(chunk: ChunkCandidate, ctx: InspectContext): Promise<ChunkInspection> {
  const store = sharedStore(ctx.root);
  const r = emptyInspection();
  r.coverage = chunk.nameExtent ?? null;
  const files = chunk.extraFiles;
  // The run date is when the dump was produced: object mtimes are the upload time in S3 and
  // the copy time in a local copy, so they only show as an attribute.
  r.createdTs = chunk.nameExtent?.from ?? null;
  r.attributes.lastModified = files.length ? new Date(Math.max(...files.map((f) => f.mtimeMs))).toISOString() : null;
  r.attributes.location = store.location;

  const byTable = new Map<string, Array<{ f: FileEntry; c: DailyFile }>>();
  for (const f of files) {
    const c = classifyDailyFile(f.rel);
    if (!c) continue;
    (byTable.get(c.table) ?? byTable.set(c.table, []).get(c.table)!).push({ f, c });
  }
  const day = chunk.nameExtent?.from != null ? new Date(chunk.nameExtent.from * 1000).toISOString().slice(0, 10) : chunk.name;
  const problemsOf = new Map<string, Problem[]>();
  const problem = (kind: ProblemKind, table: string | null, key: string | null, message: string, detail: Record<string, unknown> = {}): void => {
    const list = problemsOf.get(table ?? '') ?? problemsOf.set(table ?? '', []).get(table ?? '')!;
    list.push({
      kind,
      severity: SEVERITY_OF[kind],
      chunk: chunk.name,
      table,
      message: key ? `${where(store, key)}: ${message}` : message,
      detail: { day, location: store.location, ...(key ? { key } : {}), ...detail },
    });
  };

  let lastBytes = store.stats.bytesRead;
  const progress = (): void => {
    const d = store.stats.bytesRead - lastBytes;
    lastBytes = store.stats.bytesRead;
    if (d > 0) ctx.onBytes(d);
  };

  const unchecked: string[] = [];
  const unverified: string[] = [];
  const tables = [...byTable.keys()].sort();
  // Tables are read side by side: from S3 each is a round trip or two, and the store bounds
  // the requests in flight. Results keep the table order.
  r.tables = new Array<TableInspection>(tables.length);
  const changed = new Set<string>();
  await Promise.all(tables.map(async (table, ti) => {
    ctx.signal?.throwIfAborted();
    const list = byTable.get(table)!;
    const layout = list[0].c.layout;
    const mixed = list.some((x) => x.c.layout.kind !== layout.kind);
    const parts: TablePart[] = list.map(({ f, c }) => ({
      source: { kind: 'file', path: f.rel, size: f.size, version: f.version ?? String(f.mtimeMs) },
      codecs: c.codecs,
      layout: c.layout,
      rows: null,
      bytes: null,
      error: null,
    }));
    const t = emptyTable(table, list[0].f.rel, parts);
    t.compressedBytes = list.reduce((s, x) => s + x.f.size, 0);
    r.tables[ti] = t;
    if (mixed) {
      t.error = 'its part files mix Parquet and CSV';
      problem('table-unreadable', table, list[0].f.rel, t.error);
      return;
    }
    try {
      if (layout.kind === 'parquet') await inspectParquet(store, t, problem, unchecked, ctx.verify ? unverified : null, ctx.signal);
      else await inspectCsv(store, t, problem, ctx.signal);
    } catch (e) {
      if (!(e instanceof ObjectChanged)) throw e;
      changed.add(e.rel);
      t.error = e.message;
    }
    progress();
  }));
  // A local file replaced or grown while it was read (S3 reads fail with If-Match instead).
  if (store.kind === 'local') {
    for (const f of files) {
      const now = await store.stat(f.rel);
      if (!now || now.size !== f.size || now.version !== (f.version ?? String(f.mtimeMs))) changed.add(f.rel);
    }
  }
  for (const rel of [...changed].sort()) {
    r.unstable = true;
    problem('file-changed', classifyDailyFile(rel)?.table ?? null, rel, 'changed while it was read (still being uploaded?): re-scan when the transfer has finished');
  }
  progress();
  r.problems = tables.flatMap((t) => problemsOf.get(t) ?? []);
  unchecked.sort();
  if (unchecked.length) r.attributes.keysNotChecked = unchecked.join(', ');
  if (unverified.length) r.attributes.pagesNotVerified = unverified.sort().join(', ');
  return r;
}

type Report = (kind: ProblemKind, table: string | null, key: string | null, message: string, detail?: Record<string, unknown>) => void;

function where(store: DropStore, rel: string): string {
  return store.kind === 's3' ? `${store.location}${rel}` : rel;
}

/**
 * Tables above this many rows in one dump are not checked for duplicate keys during a scan.
 * Integer keys cost ~20-40 ms of CPU per million (parquet/int-keys.ts: Snappy, then one
 * ordered pass), so the bound is about what else the check costs: one ranged read per row
 * group of the key column (an S3 request each) and 8 bytes of memory per key. A million
 * rows covers every table of the bench's dumps (the biggest, FACT_MESSAGES, ~500,000);
 * DROP_INSPECTOR_KEY_CHECK_ROWS (the CLI's --key-check-rows) changes it, up to MAX_KEY_ROWS.
 */
export const DEFAULT_KEY_CHECK_ROWS = 1_000_000;

function keyCheckRows(): number {
  const n = Number(process.env.DROP_INSPECTOR_KEY_CHECK_ROWS);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_KEY_CHECK_ROWS;
}

async function inspectParquet(store: DropStore, t: TableInspection, problem: Report, unchecked: string[], unverified: string[] | null, signal?: AbortSignal): Promise<void> {
  let rows = 0;
  let bytes = 0;
  let rowGroups = 0;
  const readable: Array<{ rel: string; size: number; metadata: FileMetaData; file: AsyncBuffer }> = [];
  const footers = await Promise.all(
    t.parts.map(async (p) => {
      const src = p.source as Extract<TablePart['source'], { kind: 'file' }>;
      try {
        return await readParquetFooter(store, src.path, src.size, signal, src.version);
      } catch (e) {
        if (!(e instanceof ParquetUnreadable)) throw e;
        return e;
      }
    }),
  );
  for (const [i, p] of t.parts.entries()) {
    const src = p.source as Extract<TablePart['source'], { kind: 'file' }>;
    try {
      const footer = footers[i];
      if (footer instanceof ParquetUnreadable) throw footer;
      p.rows = footer.rows;
      p.bytes = footer.metadata.row_groups.reduce((s, g) => s + Number(g.total_byte_size), 0);
      rows += footer.rows;
      bytes += p.bytes;
      rowGroups += footer.rowGroups;
      if (!t.columns.length) {
        t.columns = footer.columns;
        t.columnTypes = footer.columnTypes;
      } else if (footer.columns.join('\u0000') !== t.columns.join('\u0000') || footer.columnTypes.join('\u0000') !== t.columnTypes!.join('\u0000')) {
        p.error = `its schema differs from ${t.parts[0].source.kind === 'file' ? t.parts[0].source.path : 'the first part'}`;
      }
      readable.push({ rel: src.path, size: src.size, metadata: footer.metadata, file: footer.file });
    } catch (e) {
      if (!(e instanceof ParquetUnreadable)) throw e;
      p.error = e.message;
    }
  }
  const bad = t.parts.filter((p) => p.error);
  if (bad.length) {
    t.error = bad[0].error;
    for (const p of bad) problem('table-unreadable', t.name, (p.source as { path: string }).path, p.error!);
    t.rows = null;
    return;
  }
  // --verify: every page decoded, not only the footer (`unverified`: files it cannot decode).
  if (unverified) {
    let damaged = false;
    for (const [i, part] of readable.entries()) {
      const v = await verifyPages(part, signal);
      if (v.ok) continue;
      if (!v.damaged) {
        unverified.push(`${part.rel} (${v.message})`);
        continue;
      }
      damaged = true;
      // No part was bad (that returned above): readable holds every part, in order.
      const p = t.parts[i];
      p.error = `its pages cannot be decoded: the file is damaged inside (${v.message})`;
      t.error ??= p.error;
      problem('archive-corrupt', t.name, part.rel, p.error, { reason: 'corrupt', file: part.rel });
    }
    if (damaged) {
      t.rows = null;
      return;
    }
  }
  t.rows = rows;
  t.bytes = bytes;
  t.member = t.parts.length > 1 ? `${t.member.slice(0, t.member.lastIndexOf('/') + 1)} (${t.parts.length} parts)` : t.member;
  void rowGroups;
  const key = dailyKey(t.name, t.columns);
  if (key && rows > keyCheckRows()) {
    unchecked.push(`${t.name} (${groupDigits(rows)} rows)`);
  } else if (key && rows > 0) {
    const d = await duplicateKeys(store, readable, key, signal);
    if (!d) unchecked.push(`${t.name} (its key column ${key} could not be decoded)`);
    else if (d.duplicates > 0) {
      problem('duplicate-key', t.name, null, `${t.name} repeats its key ${key} in ${d.duplicates} row${d.duplicates === 1 ? '' : 's'} of this dump (e.g. ${d.examples.join(', ')})`, {
        column: key,
        duplicates: d.duplicates,
        examples: d.examples,
      });
    }
  }
}

async function inspectCsv(store: DropStore, t: TableInspection, problem: Report, signal?: AbortSignal): Promise<void> {
  let rows = 0;
  let bytes = 0;
  let malformed = 0;
  const failure = new Map<TablePart, string>();
  for (const p of t.parts) {
    // The part reader: the store's bytes through the codecs (gzip), counted by the record rules.
    const c = await countPart(store.location, p, { signal });
    if (c.error?.reason === 'changed') throw new ObjectChanged((p.source as { path: string }).path);
    p.rows = c.rows;
    p.bytes = c.bytes;
    malformed += c.malformedRows;
    if (!t.columns.length && c.columns.length) t.columns = c.columns;
    if (c.error) p.error = c.error.message;
    else {
      rows += c.rows ?? 0;
      bytes += c.bytes;
    }
    if (c.error) failure.set(p, c.error.reason);
  }
  const bad = t.parts.filter((x) => x.error);
  t.malformedRows = malformed;
  if (bad.length) {
    t.error = bad[0].error;
    for (const x of bad) {
      const reason = failure.get(x);
      problem(reason === 'truncated' || reason === 'corrupt' ? 'archive-corrupt' : 'table-unreadable', t.name, (x.source as { path: string }).path, x.error!);
    }
    t.rows = null;
    return;
  }
  t.rows = rows;
  t.bytes = bytes;
  if (malformed > 0) problem('malformed-row', t.name, t.member, `${malformed} record${malformed === 1 ? ' has' : 's have'} the wrong number of fields`);
}

export type { Problem };
