// Inspects one Info Mart chunk: metadata, archive SHA-1, every table's records and header,
// per-table checksums. Runs in a worker thread; reads the drop, never writes to it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CsvRecordCounter } from '../../csv/record-counter';
import { parseSha1File, sha1File } from '../../hash/sha1';
import { readWhole, readWholeText } from '../../fs/read-whole';
import { isHostileName, ZipArchive, ZipError, type ZipMember } from '../../zip/zip-archive';
import { looksLikeBomb, ratioOf } from '../../parts/limits';
import { SEVERITY_OF, type ChecksumState, type Problem, type ProblemKind } from '../../../shared/report';
import type { FileEntry } from '../../fs/walk';
import { pathOfRel } from '../../fs/names';
import type { DropPath } from '../../fs/open-regular';
import { emptyInspection, emptyTable, versionOf, type TableErrorKind, type ChunkCandidate, type ChunkInspection, type ChunkInspector, type InspectContext, type TableInspection } from '../types';
import { RFC4180, type ByteSource } from '../../../shared/family';
import { MAX_METADATA_BYTES, parseGimMetadata } from './metadata';
import { looksEncrypted } from './encryption';
import { checkStable, type Observed } from '../stable';


/** Archives up to this size are read into memory once: SHA-1, central directory and members from one read. */
export const WHOLE_ARCHIVE_MAX = 8 << 20;

export const inspectGimChunk: ChunkInspector = async (chunk, ctx) => {
  const observed: Observed = new Map();
  const out = await inspectFiles(chunk, ctx, observed);
  await checkStable(chunk, ctx, out, observed);
  return out;
};

async function inspectFiles(chunk: ChunkCandidate, ctx: InspectContext, observed: Observed): Promise<ChunkInspection> {
  const problems: Problem[] = [];
  const add = (kind: ProblemKind, message: string, table: string | null = null, detail?: Record<string, unknown>): void => {
    problems.push({ kind, severity: SEVERITY_OF[kind], chunk: chunk.name, table, message, ...(detail ? { detail } : {}) });
  };
  const abs = (f: FileEntry): DropPath => pathOfRel(ctx.root, f.rel);
  /** A small file's text, read whole; what fstat saw is kept for the change check. */
  const smallText = (f: FileEntry, max: number): string => {
    observed.set(f.rel, null);
    const r = readWholeText(abs(f), max);
    observed.set(f.rel, r);
    return r.text;
  };

  const out: ChunkInspection = { ...emptyInspection(), problems, versions: { gimVersion: null, gimSchemaVersion: null } };

  // --- metadata
  const xml = chunk.files.metadata;
  if (!xml) {
    add('metadata-missing', `no metadata file (export_….extracted.xml); audit keys taken from the name`);
  } else {
    try {
      const parsed = parseGimMetadata(smallText(xml, MAX_METADATA_BYTES));
      const m = parsed.ok ? parsed.metadata : parsed.partial;
      if (m) {
        Object.assign(out, {
          hwmFrom: m.hwmFrom ?? null,
          hwmFromTs: m.hwmFromTs ?? null,
          hwmTo: m.hwmTo ?? null,
          hwmToTs: m.hwmToTs ?? null,
          createdTs: m.createdTs ?? null,
          maxDataTs: m.maxDataTs ?? null,
        });
        out.versions = { gimVersion: m.gimVersion ?? null, gimSchemaVersion: m.gimSchemaVersion ?? null };
      }
      if (parsed.ok) {
        out.metadata = 'ok';
      } else {
        out.metadata = 'invalid';
        out.metadataError = parsed.error;
        add('metadata-invalid', `${path.posix.basename(xml.rel)} ${parsed.error}`);
      }
    } catch (e) {
      out.metadata = 'invalid';
      out.metadataError = (e as Error).message;
      add('metadata-invalid', `${path.posix.basename(xml.rel)} cannot be read: ${(e as Error).message}`);
    }
  }
  if (out.metadata === 'ok' && chunk.nameKey !== null && out.hwmTo !== null && chunk.nameKey !== out.hwmTo) {
    add('name-mismatch', `the name says audit key ${chunk.nameKey} but the metadata's hwm-to is ${out.hwmTo}`, null, {
      nameKey: chunk.nameKey,
      hwmTo: out.hwmTo,
    });
  }

  // --- archive and its checksum
  const zip = chunk.files.zip;
  const enc = chunk.files.encrypted;
  const archiveFile = zip ?? enc;
  const sumFile = zip ? chunk.files['zip-sha1'] : chunk.files['encrypted-sha1'];
  if (!archiveFile) {
    add('archive-missing', `no archive (export_….zip) in the chunk${xml ? ' although its metadata is there' : ''}`);
    return out;
  }
  out.archiveBytes = archiveFile.size;
  const archiveName = path.posix.basename(archiveFile.rel);

  let expected: string | null = null;
  if (!sumFile) {
    out.checksum = enc ? 'encrypted' : 'missing';
    add('checksum-missing', `no ${archiveName}.sha1: the archive's completeness cannot be verified`);
  } else {
    try {
      expected = parseSha1File(smallText(sumFile, 4096));
      if (!expected) {
        out.checksum = 'error';
        add('checksum-missing', `${path.posix.basename(sumFile.rel)} holds no SHA-1 digest`);
      }
    } catch (e) {
      out.checksum = 'error';
      add('checksum-missing', `${path.posix.basename(sumFile.rel)} cannot be read: ${(e as Error).message}`);
    }
  }
  out.expectedSha1 = expected;
  // A small archive is read once, whole: its SHA-1, central directory and members come from
  // memory. A large one is hashed, then read member by member, streamed.
  let whole: Buffer | null = null;
  try {
    let hex: string;
    if (archiveFile.size <= WHOLE_ARCHIVE_MAX) {
      observed.set(archiveFile.rel, null);
      const w = readWhole(abs(archiveFile), WHOLE_ARCHIVE_MAX);
      if (w.buf) observed.set(archiveFile.rel, w);
      else observed.delete(archiveFile.rel); // grew past the limit since the walk: streamed below
      whole = w.buf;
    }
    if (whole) {
      hex = createHash('sha1').update(whole).digest('hex');
      ctx.onBytes(whole.length);
    } else hex = (await sha1File(abs(archiveFile), ctx.onBytes, ctx.signal)).hex;
    out.actualSha1 = hex;
    if (expected) {
      out.checksum = hex === expected ? 'ok' : 'mismatch';
      if (hex !== expected) {
        add('checksum-mismatch', `${archiveName} has SHA-1 ${hex}, its .sha1 file says ${expected}: the archive is incomplete or damaged`, null, {
          expected,
          actual: hex,
        });
      }
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    out.checksum = 'error';
    out.archive = 'corrupt';
    add('archive-corrupt', `${archiveName} cannot be read: ${(e as Error).message}`);
    return out;
  }

  if (!zip) {
    out.archive = 'encrypted';
    add('encrypted', `${archiveName} is encrypted: its tables cannot be inspected without the key`);
    return out;
  }

  let archive: ZipArchive;
  try {
    archive = whole ? await ZipArchive.fromBuffer(whole) : await ZipArchive.open(abs(zip));
  } catch (e) {
    if (await looksEncrypted(abs(zip))) {
      out.archive = 'encrypted';
      add('encrypted', `${archiveName} is not a zip but looks encrypted (CMS/PGP): its tables cannot be inspected without the key`);
    } else {
      out.archive = 'corrupt';
      add('archive-corrupt', `${archiveName} cannot be opened as a zip: ${(e as Error).message}${out.checksum === 'mismatch' ? ' (probably truncated in transfer)' : ''}`);
    }
    return out;
  }

  try {
    out.archive = 'ok';
    const members = archive.members.filter((m) => !m.isDirectory);
    const besideSums = new Map(chunk.extraFiles.map((f) => [path.posix.basename(f.rel).toLowerCase(), f]));
    const insideSums = new Map<string, ZipMember>();
    for (const m of members) if (/\.csv\.sha1$/i.test(m.name)) insideSums.set(path.posix.basename(m.name).toLowerCase(), m);

    const seen = new Set<string>();
    for (const m of members) {
      ctx.signal?.throwIfAborted();
      if (seen.has(m.name)) {
        add('suspicious-entry', `member ${JSON.stringify(m.name)} appears twice in the archive (an extractor would keep one or the other); the second copy is not read`, null, { member: m.name });
        continue;
      }
      seen.add(m.name);
      if (m.overlaps) {
        add('suspicious-entry', `member ${JSON.stringify(m.name)} shares its data with ${JSON.stringify(m.overlaps)} (an overlapping-entry zip bomb?); not inflated`, null, { member: m.name, overlaps: m.overlaps });
        continue;
      }
      if (isHostileName(m.name)) {
        add('suspicious-entry', `member name ${JSON.stringify(m.name)} would escape the folder if extracted; not read`, null, { member: m.name });
        continue;
      }
      if (!/\.csv$/i.test(m.name)) continue; // checksums, SQL scripts, readme files
      const tableName = path.posix.basename(m.name).replace(/\.csv$/i, '');
      if (m.encrypted) {
        out.archive = 'encrypted';
        add('encrypted', `${m.name} is encrypted inside the zip: it cannot be inspected without the key`, tableName);
        out.tables.push({ ...memberTable(tableName, m, zipSource(zip), 'encrypted'), errorKind: 'encrypted' });
        continue;
      }
      const sumKey = `${path.posix.basename(m.name).toLowerCase()}.sha1`;
      const table = await inspectMember(archive, m, tableName, zipSource(zip), ctx, add, insideSums.get(sumKey), besideSums.get(sumKey), observed);
      Object.assign(table.parts[0], { rows: table.rows, bytes: table.bytes, error: table.error });
      out.tables.push(table);
      if (table.errorKind === 'damaged' && out.archive === 'ok') out.archive = 'corrupt';
    }
  } finally {
    await archive.close();
  }

  return out;
}

/** Why a member could not be read, as a kind (not matched from message text later). */
function reasonKind(e: unknown): TableErrorKind {
  if (!(e instanceof ZipError)) return 'damaged';
  if (e.reason === 'unsupported') return 'unsupported';
  if (e.reason === 'too-large') return 'limit';
  if (e.reason === 'encrypted') return 'encrypted';
  return 'damaged';
}

function zipSource(zip: FileEntry): ByteSource {
  return { kind: 'file', path: zip.rel, size: zip.size, version: versionOf(zip) };
}

/** A table of one zip member: RFC 4180 CSV, no codec. */
function memberTable(name: string, m: ZipMember, of: ByteSource, error: string | null): TableInspection {
  const part = { source: { kind: 'member' as const, of, member: m.name }, codecs: [], layout: { kind: 'dsv' as const, dialect: RFC4180 }, rows: null, bytes: m.uncompressedSize, error };
  return { ...emptyTable(name, m.name, [part]), bytes: m.uncompressedSize, compressedBytes: m.compressedSize, error };
}

async function inspectMember(
  archive: ZipArchive,
  m: ZipMember,
  tableName: string,
  of: ByteSource,
  ctx: InspectContext,
  add: (kind: ProblemKind, message: string, table?: string | null, detail?: Record<string, unknown>) => void,
  insideSum: ZipMember | undefined,
  besideSum: FileEntry | undefined,
  observed: Observed,
): Promise<TableInspection> {
  const table = memberTable(tableName, m, of, null);
  // Reported; still counted up to maxMemberBytes (the table browser refuses it: parts/limits.ts).
  if (looksLikeBomb(m)) {
    add('suspicious-entry', `${m.name} inflates ${Math.round(ratioOf(m))}:1 to ${m.uncompressedSize} bytes (a zip bomb?)`, tableName, {
      member: m.name,
      compressedSize: m.compressedSize,
      uncompressedSize: m.uncompressedSize,
    });
  }
  if (m.uncompressedSize > ctx.maxMemberBytes) {
    table.error = `larger than the ${ctx.maxMemberBytes}-byte limit; not read`;
    table.errorKind = 'limit';
    add('table-unreadable', `${m.name} declares ${m.uncompressedSize} bytes, over the limit of ${ctx.maxMemberBytes}; not read (raise --max-member-bytes)`, tableName);
    return table;
  }

  let expected: string | null = null;
  try {
    if (insideSum) expected = parseSha1File((await archive.readSmallMember(insideSum)).toString('utf8'));
    else if (besideSum) {
      observed.set(besideSum.rel, null);
      const r = readWholeText(pathOfRel(ctx.root, besideSum.rel), 4096);
      observed.set(besideSum.rel, r);
      expected = parseSha1File(r.text);
    }
  } catch {
    expected = null;
  }
  const hash = insideSum || besideSum ? createHash('sha1') : null;
  const counter = new CsvRecordCounter();
  let rawDone = 0;
  try {
    await archive.readMember(
      m,
      (c) => {
        counter.push(c);
        hash?.update(c);
      },
      {
        signal: ctx.signal,
        onRawBytes: (n) => {
          rawDone += n;
          ctx.onBytes(n);
        },
      },
    );
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    ctx.onBytes(Math.max(0, m.compressedSize - rawDone));
    const err = e as Error;
    table.error = err.message;
    table.errorKind = reasonKind(e);
    const reason = e instanceof ZipError ? e.reason : 'corrupt';
    if (reason === 'unsupported' || reason === 'too-large') add('table-unreadable', `${m.name}: ${err.message}`, tableName);
    else add('archive-corrupt', `${m.name} cannot be read to its end: ${err.message}`, tableName);
    return table;
  }
  const r = counter.finish();
  table.bytes = r.bytes;
  if (r.header === null) {
    if (r.bytes > 0) {
      table.error = r.headerTooLong ? 'header line too long' : 'no header';
      table.errorKind = 'content';
      add('table-unreadable', `${m.name} has no readable header line${r.headerTooLong ? ' (first line over 1 MiB: not CSV text?)' : ''}`, tableName);
      return table;
    }
    table.rows = 0;
    add('table-unreadable', `${m.name} is empty (not even a header line)`, tableName);
    return table;
  }
  if (r.header.some((h) => h.includes('\u0000'))) {
    table.error = 'header holds NUL bytes (UTF-16 or binary?)';
    table.errorKind = 'content';
    add('table-unreadable', `${m.name}: header holds NUL bytes; the file is not UTF-8 text (UTF-16 or binary?)`, tableName);
    return table;
  }
  table.rows = r.records;
  table.columns = r.header;
  table.malformedRows = r.malformedRows;
  if (r.malformedRows > 0 || r.unterminatedQuote) {
    const first = r.firstMalformed
      .slice(0, 5)
      .map((x) => `record ${x.record} (line ${x.line}) has ${x.fields} fields`)
      .join('; ');
    add(
      'malformed-row',
      `${m.name}: ${r.malformedRows} record${r.malformedRows === 1 ? '' : 's'} with a field count other than the header's ${r.header.length}${first ? `: ${first}` : ''}${r.unterminatedQuote ? '; the file ends inside a quoted field' : ''}`,
      tableName,
      { malformedRows: r.malformedRows, firstMalformed: r.firstMalformed.slice(0, 20), unterminatedQuote: r.unterminatedQuote },
    );
  }
  if (hash) {
    const actual = hash.digest('hex');
    let state: ChecksumState;
    if (!expected) state = 'error';
    else state = actual === expected ? 'ok' : 'mismatch';
    table.checksum = state;
    if (state === 'mismatch') {
      add('checksum-mismatch', `${m.name} has SHA-1 ${actual}, its checksum file says ${expected}`, tableName, { expected, actual });
    } else if (state === 'error') {
      add('checksum-missing', `${m.name}'s checksum file holds no SHA-1 digest`, tableName);
    }
  }
  return table;
}
