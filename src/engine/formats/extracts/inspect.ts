// Inspects one run of an extract job (in a scan worker): each data file (main and
// flattened; a zip's members) is decoded through its codecs (zip, gzip, LZO, PGP), its
// dialect detected (DSV) or its JSON layout told, its records counted and its columns (or
// JSON keys) collected; confirmation files give the declared counts (the generic
// row-count-mismatch check compares); flattened rows are held against the main file's
// account ids (orphans). Read-only: files are only opened for reading. Each stream is read
// once, by read-once.ts; this file turns what the reads found into tables and problems.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileEntry } from '../../fs/walk';
import { describeDialect, type PartSpec } from '../../../shared/family';
import { SEVERITY_OF, type Problem, type ProblemKind } from '../../../shared/report';
import { syntheticColumns } from '../../csv/header';
import type { PartReadOptions } from '../../parts/read';
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
import { readOnce } from './read-once';
import { missingData, type DeclaredFile } from './missing-data';
import { UidSet } from './uid-set';

const COUNT_FILE_MAX = 64 * 1024;

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
  const declared = new Map<string, DeclaredFile>();
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
  const hasFlattened = streams.some((x) => x.cls.field !== '');
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

    // One read of the file: its first bytes decide the layout (and dialect), then the same
    // decoded chunks go to the record counter and, where needed, to the account-id reader.
    const needUids = s.cls.field === '' && hasFlattened;
    const checkOrphans = s.cls.field !== '' && mainRead && mainUids.size > 0;
    const pass = await readOnce(ctx.root, part, readOpts, {
      given: ctx.read?.dialect ?? {},
      format: s.cls.format,
      sniffPgp: s.cls.codecs.length === 0,
      uids: needUids ? mainUids : null,
      orphansOf: checkOrphans ? mainUids : null,
    });

    // Encrypted without a key: named as such, never as corrupt.
    const e = pass.failure;
    if (pass.pgpSniffed) {
      // A PGP file without a .pgp/.gpg/.asc name.
      out.archive = 'encrypted';
      t.error = tp.error = 'encrypted (PGP)';
      out.problems.push(problem('encrypted', chunk.name, s.table, `${label} is PGP-encrypted although its name does not say so`, { file: s.file.rel }));
      attachDeclared(t, s, declared, usedDeclared);
      continue;
    }
    if (e && (e.reason === 'encrypted' || (s.cls.codecs.includes('pgp') && !ctx.read?.pgpKey))) {
      out.archive = out.archive === 'ok' ? 'encrypted' : out.archive;
      t.error = tp.error = `encrypted (PGP): ${e.message}`;
      out.problems.push(problem('encrypted', chunk.name, s.table, `${label} is PGP-encrypted; give --pgp-key (and DROP_INSPECTOR_PGP_PASSPHRASE) to read it`, { file: s.file.rel }));
      attachDeclared(t, s, declared, usedDeclared);
      continue;
    }
    if (e && pass.count === null) {
      failRead(out, chunk.name, t, tp, label, s.file.rel, e, 0, 0);
      attachDeclared(t, s, declared, usedDeclared);
      continue;
    }
    const layout = pass.layout!;
    if (layout.kind === 'dsv') dialects[s.table] = describeDialect(layout.dialect);
    part.layout = layout;
    tp.layout = layout;

    const r = pass.count!;
    tp.rows = r.rows;
    tp.bytes = r.bytes;
    t.bytes = (t.bytes ?? 0) + r.bytes;
    t.rows = r.rows === null ? t.rows : (t.rows ?? 0) + r.rows;
    t.malformedRows += r.malformedRows;
    if (t.columns.length === 0) t.columns = layout.kind === 'dsv' && !layout.dialect.header ? syntheticColumns(r.columns.length || 0) : r.columns;
    else if (layout.kind !== 'dsv') t.columns = [...new Set([...t.columns, ...r.columns])];
    if (r.error) {
      failRead(out, chunk.name, t, tp, label, s.file.rel, r.error, r.bytes, r.rows ?? 0);
    } else if (r.malformedRows > 0) {
      out.problems.push(
        problem('malformed-row', chunk.name, s.table, `${label}: ${r.malformedRows} record${r.malformedRows === 1 ? '' : 's'} ${layout.kind === 'dsv' ? "with a field count other than the first record's" : 'that are not JSON objects'}${r.unterminatedQuote ? '; the file ends inside a quoted field' : ''}`, { malformedRows: r.malformedRows }),
      );
    }
    if (r.rows === 0 && !r.error && s.cls.field === '') {
      out.problems.push(problem('empty-extract', chunk.name, s.table, `${label} holds no records (an empty extract: no account was new or changed, or the export found nothing)`));
    }
    attachDeclared(t, s, declared, usedDeclared);
    // Account ids of a main file read to its end are what flattened rows are held against;
    // one not read to its end would make orphans of rows that are not.
    if (needUids && !r.error && pass.uidColumn !== null) mainRead = true;
    const o = pass.orphans;
    if (o && !r.error && o.count > 0) {
      out.problems.push(
        problem('orphan-rows', chunk.name, s.table, `${o.count} row${o.count === 1 ? '' : 's'} of ${t.name} point at accounts absent from the run's main file, e.g. ${o.examples.map((x) => JSON.stringify(x)).join(', ')}`, { orphans: o.count, examples: o.examples, column: o.column }),
      );
    }
  }

  mainUids.dispose();

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
  // What is missing is told only where every stream is named as a run's file: a zip member
  // named otherwise ("likes.csv") is a table of its own, and may be what a count confirms.
  const named = streams.every((x) => !x.member || classifyExtractFile(path.posix.basename(x.member))?.kind === 'data');
  const flattened = streams.filter((x) => x.cls.field !== '').map((x) => (x.member ? `${x.file.rel}!${x.member}` : x.file.rel));
  const missing = !named ? [] : missingData(chunk.name, chunk.series ?? streams[0]?.cls.run.job ?? null, declared, usedDeclared, new Set(byTable.keys()), [...new Set(flattened)]);
  if (missing.length && out.archive === 'ok') out.archive = 'missing';
  out.problems.push(...missing);
  out.tables = [...byTable.values()];
  out.attributes = { job: chunk.series ?? null, ...Object.fromEntries(Object.entries(dialects).map(([k, v]) => [`dialect:${k}`, v])) };
  return out;
}

/**
 * Names a confirmation file may use for a data file: its name, its name with its codec and
 * container extensions stripped from the end one at a time (x.psv.gz.pgp, x.psv.gz, x.psv:
 * a vendor may confirm the file as it was before encrypting it), and its stem.
 */
function namesOf(base: string, cls: DataFile): string[] {
  const names = [base];
  for (let n = base; n.length > cls.plainName.length && n.includes('.'); ) {
    n = n.slice(0, n.lastIndexOf('.'));
    if (n.length >= cls.plainName.length) names.push(n);
  }
  names.push(cls.plainName, cls.plainName.replace(/\.[^.]+$/, ''));
  return [...new Set(names.map((x) => x.toLowerCase()))];
}

function attachDeclared(
  t: TableInspection,
  s: Stream,
  declared: Map<string, DeclaredFile>,
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
  /** The file to transfer again (the zip, for a member). */
  file: string,
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
      problem('archive-corrupt', chunk, t.name, `${label} cannot be read to its end (${e.reason}): ${e.message}; ${rows} record${rows === 1 ? '' : 's'} (${bytes} bytes) were readable`, { readableRecords: rows, readableBytes: bytes, reason: e.reason, file }),
    );
  } else {
    out.problems.push(problem('table-unreadable', chunk, t.name, `${label}: ${e.message}`, { reason: e.reason, file }));
  }
}
