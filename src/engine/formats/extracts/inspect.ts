// Inspects one run of an extract job (in a scan worker): each data file (main and
// flattened; a zip's members) is decoded through its codecs (zip, gzip, LZO, PGP), its
// dialect detected (DSV) or its JSON layout told, its records counted and its columns (or
// JSON keys) collected; confirmation files give the declared counts (the generic
// row-count-mismatch check compares); flattened rows are held against the main file's
// account ids (orphans). Read-only: files are only opened for reading.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileEntry } from '../../fs/walk';
import { describeDialect, type Dialect, type Layout, type PartSpec } from '../../../shared/family';
import { SEVERITY_OF, type Problem, type ProblemKind } from '../../../shared/report';
import { detectDialect, DIALECT_SAMPLE_BYTES } from '../../csv/dialect';
import { syntheticColumns } from '../../csv/header';
import { JsonRecordSplitter } from '../../json/records';
import { countPart } from '../../parts/count';
import { looksLikePgp } from '../../parts/pgp';
import { PartReadError, readPart, type PartReadOptions } from '../../parts/read';
import { RecordParser } from '../../tables/csv-cells';
import { ZipArchive } from '../../zip/zip-archive';
import {
  emptyInspection,
  emptyTable,
  versionOf,
  type ChunkCandidate,
  type ChunkInspection,
  type InspectContext,
  type TableInspection,
  type TablePart,
} from '../types';
import { parseCountFile } from './count-file';
import { ROLE } from './discover';
import { classifyExtractFile, tableName, type ExtractFile } from './name';
import { uidColumn, UidSet } from './uids';

const COUNT_FILE_MAX = 64 * 1024;
const ORPHAN_EXAMPLES = 5;

type DataFile = Extract<ExtractFile, { kind: 'data' }>;

/** One data stream of the run: a file, or a member of a zip. */
interface Stream {
  file: FileEntry;
  cls: DataFile;
  /** The member of the zip, where the file is one. */
  member: string | null;
  table: string;
  /** The name a confirmation file may use for it. */
  names: string[];
}

function problem(kind: ProblemKind, chunk: string, table: string | null, message: string, detail?: Record<string, unknown>): Problem {
  return { kind, severity: SEVERITY_OF[kind], chunk, table, message, ...(detail ? { detail } : {}) };
}

export async function inspectExtractRun(chunk: ChunkCandidate, ctx: InspectContext): Promise<ChunkInspection> {
  const out = emptyInspection();
  out.createdTs = chunk.nameTs;
  out.coverage = chunk.nameExtent ?? null;
  out.archive = 'ok';
  const entries = Object.entries(chunk.files).filter((e): e is [string, FileEntry] => e[1] !== undefined);
  const data = entries.filter(([r]) => r.startsWith(`${ROLE.data}:`)).map(([, f]) => f);
  const counts = entries.filter(([r]) => r.startsWith(`${ROLE.count}:`)).map(([, f]) => f);
  const partials = entries.filter(([r]) => r.startsWith(`${ROLE.partial}:`)).map(([, f]) => f);

  for (const p of partials) {
    out.problems.push(
      problem('in-transfer', chunk.name, null, `${path.posix.basename(p.rel)} is still being uploaded (a partial file, ${p.size} bytes): not read as a run`, { file: p.rel, bytes: p.size }),
    );
  }
  if (data.length === 0) {
    out.archive = 'missing';
    out.problems.push(
      problem('archive-missing', chunk.name, null, `the run has confirmation files (${counts.map((f) => path.posix.basename(f.rel)).join(', ')}) but no data file`),
    );
    return out;
  }

  // The run's data streams: files, and the members of zips.
  const streams: Stream[] = [];
  for (const f of data) {
    const cls = classifyExtractFile(path.posix.basename(f.rel)) as DataFile;
    if (!cls.zip) {
      streams.push({ file: f, cls, member: null, table: tableName(cls.run.job, cls.field), names: namesOf(path.posix.basename(f.rel), cls) });
      continue;
    }
    let zip: ZipArchive;
    try {
      zip = await ZipArchive.open(path.join(ctx.root, f.rel));
    } catch (e) {
      out.archive = 'corrupt';
      out.problems.push(problem('archive-corrupt', chunk.name, null, `${path.posix.basename(f.rel)} cannot be opened as a zip: ${(e as Error).message}`));
      continue;
    }
    try {
      const members = zip.members.filter((m) => !m.name.endsWith('/'));
      for (const m of members) {
        const base = path.posix.basename(m.name);
        const inner = classifyExtractFile(base);
        let mc: DataFile;
        if (inner && inner.kind === 'data') mc = inner;
        else if (members.length === 1) mc = { ...cls, zip: false };
        else {
          const stem = base.replace(/\.[^.]+$/, '');
          mc = { ...cls, zip: false, field: stem, format: /\.json$/i.test(base) ? 'json' : /\.(jsonl|ndjson)$/i.test(base) ? 'jsonl' : 'dsv', codecs: [] };
        }
        streams.push({
          file: f,
          cls: mc,
          member: m.name,
          table: tableName(cls.run.job, mc.field),
          // The zip's own name confirms its main member (or its only one).
          names: [...namesOf(base, mc), ...(mc.field === '' || members.length === 1 ? namesOf(path.posix.basename(f.rel), cls) : [])],
        });
      }
    } finally {
      await zip.close();
    }
  }

  // Declared counts, by the names they confirm.
  const declared = new Map<string, { count: number | null; error: string | null; file: string }>();
  for (const f of counts) {
    const c = classifyExtractFile(path.posix.basename(f.rel));
    if (!c || c.kind !== 'count') continue;
    let text: string;
    try {
      text = readFileSync(path.join(ctx.root, f.rel)).subarray(0, COUNT_FILE_MAX).toString('utf8');
    } catch (e) {
      out.problems.push(problem('table-unreadable', chunk.name, null, `${path.posix.basename(f.rel)} cannot be read: ${(e as Error).message}`));
      continue;
    }
    const d = parseCountFile(text);
    declared.set(c.target.toLowerCase(), { ...d, file: path.posix.basename(f.rel) });
  }
  const usedDeclared = new Set<string>();

  const readOpts: PartReadOptions = {
    signal: ctx.signal,
    maxBytes: ctx.maxMemberBytes,
    onRawBytes: ctx.onBytes,
    codecOptions: ctx.read?.pgpKey ? { pgpKey: ctx.read.pgpKey } : undefined,
  };
  const mainUids = new UidSet();
  let mainRead = false;
  const flattened: Array<{ s: Stream; part: PartSpec; t: TableInspection }> = [];
  const byTable = new Map<string, TableInspection>();
  const dialects: Record<string, string> = {};

  // Main files first: their account ids are what flattened rows are checked against.
  streams.sort((a, b) => (a.cls.field === '' ? 0 : 1) - (b.cls.field === '' ? 0 : 1));
  for (const s of streams) {
    const source: PartSpec['source'] = s.member
      ? { kind: 'member', of: { kind: 'file', path: s.file.rel, size: s.file.size, version: versionOf(s.file) }, member: s.member }
      : { kind: 'file', path: s.file.rel, size: s.file.size, version: versionOf(s.file) };
    const label = s.member ? `${path.posix.basename(s.file.rel)}!${s.member}` : path.posix.basename(s.file.rel);
    const part: PartSpec = { source, codecs: s.cls.codecs, layout: { kind: 'jsonl' } };
    const tp: TablePart = { ...part, rows: null, bytes: null, error: null };
    const t = byTable.get(s.table) ?? emptyTable(s.table, s.member ?? path.posix.basename(s.file.rel), []);
    byTable.set(s.table, t);
    t.parts.push(tp);
    t.compressedBytes = (t.compressedBytes ?? 0) + (s.member ? 0 : s.file.size);

    // Encrypted without a key: named as such, never as corrupt.
    const head = await readHead(ctx.root, part, readOpts);
    if (head.error) {
      const e = head.error;
      if (e.reason === 'encrypted' || (s.cls.codecs.includes('pgp') && !ctx.read?.pgpKey)) {
        out.archive = out.archive === 'ok' ? 'encrypted' : out.archive;
        t.error = tp.error = `encrypted (PGP): ${e.message}`;
        out.problems.push(problem('encrypted', chunk.name, s.table, `${label} is PGP-encrypted; give --pgp-key (and DROP_INSPECTOR_PGP_PASSPHRASE) to read it`));
        attachDeclared(t, s, declared, usedDeclared);
        continue;
      }
      if (head.bytes.length === 0) {
        failRead(out, chunk.name, t, tp, label, e, 0, 0);
        attachDeclared(t, s, declared, usedDeclared);
        continue;
      }
    } else if (s.cls.codecs.length === 0 && looksLikePgp(head.bytes) && !/^[\s{[]/.test(String.fromCharCode(head.bytes[0] ?? 32))) {
      // A PGP file without a .pgp/.gpg/.asc name.
      out.archive = 'encrypted';
      t.error = tp.error = 'encrypted (PGP)';
      out.problems.push(problem('encrypted', chunk.name, s.table, `${label} is PGP-encrypted although its name does not say so`));
      attachDeclared(t, s, declared, usedDeclared);
      continue;
    }

    // The layout: JSON by its first byte, DSV with the detected (or given) dialect.
    const first = firstNonSpace(head.bytes);
    let layout: Layout;
    if (s.cls.format !== 'dsv' || first === 0x7b || (first === 0x5b && s.cls.format !== 'dsv')) {
      layout = first === 0x5b ? { kind: 'json-array' } : { kind: 'jsonl' };
    } else {
      const given = ctx.read?.dialect ?? {};
      const det = detectDialect(head.bytes, given, head.complete);
      // Flattened files with the seed's shape (row id, UID, …) carry no header.
      layout = { kind: 'dsv', dialect: det.dialect };
      dialects[s.table] = describeDialect(det.dialect);
    }
    part.layout = layout;
    tp.layout = layout;

    const needUids = s.cls.field === '' && streams.some((x) => x.cls.field !== '');
    const r = await countPart(ctx.root, part, readOpts);
    tp.rows = r.rows;
    tp.bytes = r.bytes;
    t.bytes = (t.bytes ?? 0) + r.bytes;
    t.rows = r.rows === null ? t.rows : (t.rows ?? 0) + r.rows;
    t.malformedRows += r.malformedRows;
    if (t.columns.length === 0) t.columns = layout.kind === 'dsv' && !layout.dialect.header ? syntheticColumns(r.columns.length || 0) : r.columns;
    else if (layout.kind !== 'dsv') t.columns = [...new Set([...t.columns, ...r.columns])];
    if (r.error) {
      failRead(out, chunk.name, t, tp, label, r.error, r.bytes, r.rows ?? 0);
    } else if (r.malformedRows > 0) {
      out.problems.push(
        problem('malformed-row', chunk.name, s.table, `${label}: ${r.malformedRows} record${r.malformedRows === 1 ? '' : 's'} ${layout.kind === 'dsv' ? "with a field count other than the first record's" : 'that are not JSON objects'}${r.unterminatedQuote ? '; the file ends inside a quoted field' : ''}`, { malformedRows: r.malformedRows }),
      );
    }
    if (r.rows === 0 && !r.error && s.cls.field === '') {
      out.problems.push(problem('empty-extract', chunk.name, s.table, `${label} holds no records (an empty extract: no account was new or changed, or the export found nothing)`));
    }
    attachDeclared(t, s, declared, usedDeclared);
    if (needUids && !r.error) {
      await collectUids(ctx.root, part, readOpts, mainUids, t.columns);
      mainRead = true;
    }
    if (s.cls.field !== '') flattened.push({ s, part, t });
  }

  // Orphans: flattened rows whose account is not in this run's main file.
  if (mainRead) {
    for (const { s, part, t } of flattened) {
      if (t.error || part.layout.kind !== 'dsv') continue;
      const o = await orphans(ctx.root, part, readOpts, mainUids, t.columns);
      if (o && o.count > 0) {
        out.problems.push(
          problem('orphan-rows', chunk.name, s.table, `${o.count} row${o.count === 1 ? '' : 's'} of ${t.name} point at accounts absent from the run's main file, e.g. ${o.examples.map((x) => JSON.stringify(x)).join(', ')}`, { orphans: o.count, examples: o.examples, column: o.column }),
        );
      }
    }
  }

  // Data files without a confirmation file.
  for (const t of byTable.values()) {
    if (t.declaredIn === null) {
      out.problems.push(problem('count-missing', chunk.name, t.name, `${t.member} has no confirmation file: its record count cannot be checked`));
    }
  }
  for (const [target, d] of declared) {
    if (d.error && usedDeclared.has(target)) {
      out.problems.push(problem('count-missing', chunk.name, null, `${d.file}: ${d.error}`));
    }
  }
  out.tables = [...byTable.values()];
  out.attributes = { job: chunk.series ?? null, ...Object.fromEntries(Object.entries(dialects).map(([k, v]) => [`dialect:${k}`, v])) };
  return out;
}

/** Names a confirmation file may use for a data file: its name, its name without codecs, its stem. */
function namesOf(base: string, cls: DataFile): string[] {
  const stem = cls.plainName.replace(/\.[^.]+$/, '');
  return [base, cls.plainName, stem].map((x) => x.toLowerCase());
}

function attachDeclared(
  t: TableInspection,
  s: Stream,
  declared: Map<string, { count: number | null; error: string | null; file: string }>,
  used: Set<string>,
): void {
  if (t.declaredIn !== null) return;
  const key = s.names.find((n) => declared.has(n));
  if (!key) return;
  const d = declared.get(key)!;
  used.add(key);
  t.declaredIn = d.file;
  t.declaredRows = d.count;
}

function failRead(
  out: ChunkInspection,
  chunk: string,
  t: TableInspection,
  tp: TablePart,
  label: string,
  e: { reason: string; message: string },
  bytes: number,
  rows: number,
): void {
  const truncated = e.reason === 'truncated' || e.reason === 'corrupt';
  tp.error = e.message;
  t.error = e.message;
  // Counts of a file not read to its end are not compared with its confirmation.
  t.rows = null;
  tp.rows = null;
  if (truncated) {
    out.archive = 'corrupt';
    out.problems.push(
      problem('archive-corrupt', chunk, t.name, `${label} cannot be read to its end (${e.reason}): ${e.message}; ${rows} record${rows === 1 ? '' : 's'} (${bytes} bytes) were readable`, { readableRecords: rows, readableBytes: bytes, reason: e.reason }),
    );
  } else {
    out.problems.push(problem('table-unreadable', chunk, t.name, `${label}: ${e.message}`, { reason: e.reason }));
  }
}

function firstNonSpace(b: Uint8Array): number {
  let i = 0;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i < b.length ? b[i] : -1;
}

/** The first decoded bytes of a part (for the layout and dialect). */
async function readHead(
  root: string,
  part: PartSpec,
  opts: PartReadOptions,
): Promise<{ bytes: Uint8Array; complete: boolean; error: { reason: string; message: string } | null }> {
  const pieces: Uint8Array[] = [];
  let n = 0;
  const ctl = new AbortController();
  const outer = opts.signal;
  const onAbort = (): void => ctl.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    await readPart(
      root,
      part,
      (c) => {
        if (n >= DIALECT_SAMPLE_BYTES) return;
        pieces.push(c.slice(0, DIALECT_SAMPLE_BYTES - n));
        n += Math.min(c.length, DIALECT_SAMPLE_BYTES - n);
        if (n >= DIALECT_SAMPLE_BYTES) ctl.abort();
      },
      { ...opts, signal: ctl.signal, onRawBytes: undefined },
    );
    return { bytes: Buffer.concat(pieces), complete: true, error: null };
  } catch (e) {
    outer?.throwIfAborted();
    const bytes = Buffer.concat(pieces);
    if (ctl.signal.aborted) return { bytes, complete: false, error: null };
    if (e instanceof PartReadError) return { bytes, complete: false, error: { reason: e.reason, message: e.message } };
    return { bytes, complete: false, error: { reason: 'corrupt', message: (e as Error).message } };
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
}

/** Reads a part's records as cells (DSV) or objects (JSON), for ids. */
async function eachRecord(
  root: string,
  part: PartSpec,
  opts: PartReadOptions,
  onCells: (cells: string[]) => void,
  jsonKey: string | null,
): Promise<void> {
  const o = { ...opts, onRawBytes: undefined };
  if (part.layout.kind === 'dsv') {
    const p = new RecordParser((cells) => void onCells(cells), { dialect: part.layout.dialect });
    await readPart(root, part, (c) => p.push(c), o);
    p.finish();
    return;
  }
  if (part.layout.kind === 'parquet' || !jsonKey) return;
  const dec = new TextDecoder();
  const sp = new JsonRecordSplitter(part.layout.kind, (bytes) => {
    try {
      const v = JSON.parse(dec.decode(bytes)) as Record<string, unknown>;
      const id = v?.[jsonKey];
      if (typeof id === 'string') onCells([id]);
    } catch {
      // malformed: counted by the counter
    }
  });
  await readPart(root, part, (c) => sp.push(c), o);
  sp.finish();
}

async function collectUids(root: string, part: PartSpec, opts: PartReadOptions, into: UidSet, columns: string[]): Promise<void> {
  if (part.layout.kind !== 'dsv') {
    const key = columns.find((c) => /^uid$/i.test(c)) ?? null;
    await eachRecord(root, part, opts, (c) => into.add(c[0]), key).catch(() => undefined);
    return;
  }
  let col = part.layout.dialect.header ? columns.findIndex((c) => /^uid$/i.test(c)) : -1;
  const sample: string[][] = [];
  const pending: string[][] = [];
  await eachRecord(
    root,
    part,
    opts,
    (cells) => {
      if (col < 0 && sample.length < 50) {
        sample.push(cells);
        pending.push(cells);
        if (sample.length === 50) {
          col = uidColumn(columns, sample);
          if (col >= 0) for (const r of pending) into.add(r[col] ?? '');
          pending.length = 0;
        }
        return;
      }
      if (col >= 0) into.add(cells[col] ?? '');
    },
    null,
  ).catch(() => undefined);
  if (col < 0 && pending.length) {
    col = uidColumn(columns, sample);
    if (col >= 0) for (const r of pending) into.add(r[col] ?? '');
  }
}

async function orphans(
  root: string,
  part: PartSpec,
  opts: PartReadOptions,
  uids: UidSet,
  columns: string[],
): Promise<{ count: number; examples: string[]; column: number } | null> {
  if (part.layout.kind !== 'dsv' || uids.size === 0) return null;
  const dialect: Dialect = part.layout.dialect;
  let col = dialect.header ? columns.findIndex((c) => /^uid$/i.test(c)) : -1;
  const sample: string[][] = [];
  let count = 0;
  const examples: string[] = [];
  const check = (v: string): void => {
    if (uids.has(v)) return;
    count++;
    if (examples.length < ORPHAN_EXAMPLES && !examples.includes(v)) examples.push(v);
  };
  await eachRecord(
    root,
    part,
    opts,
    (cells) => {
      if (col < 0) {
        sample.push(cells);
        if (sample.length === 50) {
          col = uidColumn(columns, sample);
          if (col >= 0) for (const r of sample) check(r[col] ?? '');
        }
        return;
      }
      check(cells[col] ?? '');
    },
    null,
  ).catch(() => undefined);
  if (col < 0 && sample.length) {
    col = uidColumn(columns, sample);
    if (col >= 0) for (const r of sample) check(r[col] ?? '');
  }
  return col < 0 ? null : { count, examples, column: col };
}
