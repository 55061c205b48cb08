// Inspects one bulk-export request ZIP: its statistics files (requested and exported windows,
// counts per record type, termination), exportinfo, and every data member's records
// (.csv.gz inside the zip: inflated, gunzipped and counted as one stream, never extracted).
// Runs in a worker thread; reads the drop, never writes to it.
import path from 'node:path';
import { countPart, type PartCount } from '../../parts/count';
import { isHostileName, ZipArchive, ZipError, type ZipMember } from '../../zip/zip-archive';
import { SEVERITY_OF } from '../../../shared/report';
import { RFC4180, type ByteSource } from '../../../shared/family';
import {
  emptyInspection,
  emptyTable,
  versionOf,
  type ChunkInspection,
  type ChunkInspector,
  type InspectContext,
  type TableInspection,
  type TableErrorKind,
  type TablePart,
} from '../types';
import { checkStable, type Observed } from '../stable';
import { readWhole } from '../../fs/read-whole';
import { pathOfRel } from '../../fs/names';
import { declaredCounts, describeSections, judgeStats, type Add } from './judge';
import { judgeNameWindow } from './name-window';
import { classifyMember, RECORD_TYPES, type RecordType } from './members';
import { parseStats, type BulkStats } from './stats';
import { MAX_EXPORTINFO_BYTES, parseExportInfo, type ExportInfo } from './exportinfo';

/** Request ZIPs up to this size are read into memory whole (see inspectArchive). */
const WHOLE_ZIP_MAX = 32 << 20;

/** Statistics files are a few lines per record type and bucket. */
const MAX_STATS_BYTES = 4 << 20;

export const inspectBulkChunk: ChunkInspector = async (chunk, ctx) => {
  const out = emptyInspection();
  const add: Add = (kind, message, table = null, detail) => {
    out.problems.push({
      kind,
      severity: SEVERITY_OF[kind],
      chunk: chunk.name,
      table,
      message,
      ...(detail ? { detail } : {}),
    });
  };
  const zip = chunk.files.zip;
  if (!zip) {
    add('archive-missing', 'no request ZIP in the chunk');
    return out;
  }
  out.archiveBytes = zip.size;
  out.createdTs = Math.floor(zip.mtimeMs / 1000);
  const observed: Observed = new Map();
  await inspectArchive(
    zip.rel,
    { kind: 'file', path: zip.rel, size: zip.size, version: versionOf(zip) },
    out,
    add,
    ctx,
    observed,
  );
  judgeNameWindow(chunk.nameExtent, out, add);
  // Without readable stats the name's window (if any) stands in, so no gap is invented around it.
  if (!out.coverage && chunk.nameExtent) out.coverage = chunk.nameExtent;
  await checkStable(chunk, ctx, out, observed);
  return out;
};

async function inspectArchive(
  rel: string,
  source: ByteSource,
  out: ChunkInspection,
  add: Add,
  ctx: InspectContext,
  observed: Observed,
): Promise<void> {
  const zipName = path.posix.basename(rel);
  let archive: ZipArchive;
  try {
    // A request ZIP up to WHOLE_ZIP_MAX is read once into memory: its directory, stats and
    // members then cost no further file-system call (each is a thread-pool trip); the
    // fstat of that read stands in for the stability check of the file.
    const whole = readWhole(pathOfRel(ctx.root, rel), WHOLE_ZIP_MAX);
    if (whole.buf) observed.set(rel, { size: whole.size, mtimeMs: whole.mtimeMs });
    archive = whole.buf ? await ZipArchive.fromBuffer(whole.buf) : await ZipArchive.open(pathOfRel(ctx.root, rel));
  } catch (e) {
    out.archive = 'corrupt';
    add(
      'archive-corrupt',
      `${zipName} cannot be opened as a zip: ${(e as Error).message} (truncated in transfer?)`,
    );
    ctx.onBytes(out.archiveBytes ?? 0);
    return;
  }
  try {
    out.archive = 'ok';
    let info: ZipMember | null = null;
    let global: ZipMember | null = null;
    const sections: ZipMember[] = [];
    const data = new Map<RecordType, ZipMember[]>();
    for (const m of archive.members) {
      if (m.isDirectory) continue;
      if (isHostileName(m.name)) {
        add(
          'suspicious-entry',
          `member name ${JSON.stringify(m.name)} would escape the folder if extracted; not read`,
          null,
          { member: m.name },
        );
        continue;
      }
      const c = classifyMember(m.name);
      if (!c) continue;
      if (c.role === 'exportinfo') info ??= m;
      else if (c.role === 'global-stats') global ??= m;
      else if (c.role === 'section-stats') sections.push(m);
      else (data.get(c.type) ?? data.set(c.type, []).get(c.type)!).push(m);
    }
    sections.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));

    const readText = async (m: ZipMember, max: number): Promise<string | null> => {
      try {
        if (m.uncompressedSize > max)
          throw new Error(`is ${m.uncompressedSize} bytes, larger than the ${max} a metadata file can be`);
        return (await archive.readSmallMember(m, max)).toString('utf8');
      } catch (e) {
        add('metadata-invalid', `${m.name} cannot be read: ${(e as Error).message}`, null, { file: m.name });
        if (e instanceof ZipError && e.reason !== 'too-large') out.archive = 'corrupt';
        return null;
      }
    };
    const readStats = async (m: ZipMember): Promise<BulkStats | null> => {
      const text = await readText(m, MAX_STATS_BYTES);
      if (text === null) return null;
      const s = parseStats(text);
      if (s.issues.length) {
        add(
          'metadata-invalid',
          `${m.name} is not a well-formed statistics file: ${s.issues.slice(0, 5).join('; ')}`,
          null,
          { file: m.name, issues: s.issues.slice(0, 20) },
        );
      }
      return s;
    };

    const globalStats = global ? await readStats(global) : null;
    const sectionStats: Array<{ m: ZipMember; s: BulkStats }> = [];
    for (const m of sections) {
      const s = await readStats(m);
      if (s) sectionStats.push({ m, s });
    }
    if (!global && !sections.length) {
      add(
        'metadata-missing',
        `${zipName} holds no statistics file (globalexportstats-….csv / exportstats-….csv): the request's window and counts are unknown`,
      );
    }
    let exportInfo: ExportInfo | null = null;
    if (!info) {
      add(
        'metadata-missing',
        `${zipName} holds no exportinfo-….xml: the data provider and exported fields are unknown`,
      );
    } else {
      const xml = await readText(info, MAX_EXPORTINFO_BYTES);
      if (xml !== null) {
        const parsed = parseExportInfo(xml);
        if (parsed.ok) exportInfo = parsed.info;
        else add('metadata-invalid', `${info.name} ${parsed.error}`, null, { file: info.name });
      }
    }
    out.metadata = out.problems.some((p) => p.kind === 'metadata-invalid')
      ? 'invalid'
      : globalStats || sectionStats.length
        ? 'ok'
        : 'missing';

    judgeStats(globalStats, global?.name ?? null, sectionStats, out, add);
    describeSections(sectionStats, exportInfo, out, add);
    if (exportInfo) {
      out.attributes.dataProvider = exportInfo.dataProvider;
      out.attributes.request = exportInfo.request;
    }

    // --- data members, one table per record type (several members: one part each)
    const declared = declaredCounts(
      globalStats,
      sectionStats.map((x) => x.s),
    );
    const declaredIn = global?.name ?? sections.map((m) => m.name).join(', ');
    for (const type of RECORD_TYPES) {
      const members = data.get(type) ?? [];
      const dec = declared[type];
      if (!members.length) {
        // Only selected types have a file; a type the stats say was exported with records has lost its file.
        if (dec && dec > 0) {
          const t = emptyTable(type, '');
          t.rows = 0;
          t.declaredRows = dec;
          t.declaredIn = declaredIn || null;
          t.error = 'no data file';
          t.errorKind = 'damaged';
          out.tables.push(t);
        }
        continue;
      }
      const table = await readTable(type, members, source, ctx, add, archive);
      table.declaredRows = dec ?? null;
      table.declaredIn = dec !== undefined ? declaredIn || null : null;
      out.tables.push(table);
    }
    if (out.problems.some((p) => p.kind === 'archive-corrupt')) out.archive = 'corrupt';
    out.maxDataTs = out.coverage?.to ?? null;
  } finally {
    await archive.close();
  }
}

async function readTable(
  type: RecordType,
  members: ZipMember[],
  zip: ByteSource,
  ctx: InspectContext,
  add: Add,
  archive: ZipArchive,
): Promise<TableInspection> {
  const parts: TablePart[] = members.map((m) => ({
    source: { kind: 'member', of: zip, member: m.name },
    codecs: /\.gz$/i.test(m.name) ? ['gzip'] : [],
    layout: { kind: 'dsv', dialect: RFC4180 },
    rows: null,
    bytes: null,
    error: null,
  }));
  const table = emptyTable(type, members[0].name, parts);
  table.compressedBytes = members.reduce((s, m) => s + m.compressedSize, 0);
  let rows: number | null = 0;
  let bytes = 0;
  for (let i = 0; i < members.length; i++) {
    ctx.signal?.throwIfAborted();
    const m = members[i];
    let raw = 0;
    const r = await countPart(ctx.root, parts[i], {
      archive,
      signal: ctx.signal,
      maxBytes: ctx.maxMemberBytes,
      onRawBytes: (n) => {
        raw += n;
        ctx.onBytes(n);
      },
    });
    ctx.onBytes(Math.max(0, m.compressedSize - raw));
    parts[i].bytes = r.bytes;
    if (r.error) {
      parts[i].error = r.error.message;
      table.error ??= r.error.message;
      table.errorKind ??= KIND_OF[r.error.reason];
      reportPartError(m.name, type, r.error, add);
    }
    // A part that could not be read to its end has no trustworthy count.
    const partRows = r.error ? null : r.rows;
    parts[i].rows = partRows;
    rows = partRows === null || rows === null ? null : rows + partRows;
    bytes += r.bytes;
    // Sections with another field selection write their own data file: the union is the table.
    for (const c of r.columns) if (!table.columns.includes(c)) table.columns.push(c);
    table.malformedRows += r.malformedRows;
    if (r.malformedRows > 0 || r.unterminatedQuote) {
      add(
        'malformed-row',
        `${m.name}: ${r.malformedRows} record${r.malformedRows === 1 ? '' : 's'} with a field count other than the header's ${r.columns.length}${r.unterminatedQuote ? '; the file ends inside a quoted field' : ''}`,
        type,
        {
          malformedRows: r.malformedRows,
          firstMalformed: r.firstMalformed.slice(0, 20),
          unterminatedQuote: r.unterminatedQuote,
        },
      );
    }
  }
  table.rows = rows;
  table.bytes = bytes;
  return table;
}

/** A part's read failure as the table's typed reason (the table browser acts on it). */
const KIND_OF: Record<NonNullable<PartCount['error']>['reason'], TableErrorKind> = {
  missing: 'damaged',
  corrupt: 'damaged',
  truncated: 'damaged',
  changed: 'damaged',
  encrypted: 'encrypted',
  unsupported: 'unsupported',
  'too-large': 'limit',
  'no-header': 'content',
  'not-text': 'content',
};

/** A part's read failure as the problem a support engineer acts on. */
function reportPartError(member: string, type: string, e: NonNullable<PartCount['error']>, add: Add): void {
  switch (e.reason) {
    case 'too-large':
      add('table-unreadable', `${e.message} (raise --max-member-bytes)`, type, { member });
      return;
    case 'encrypted':
      add('encrypted', e.message, type, { member });
      return;
    case 'unsupported':
      add('table-unreadable', e.message, type, { member });
      return;
    case 'not-text':
      add('table-unreadable', `${member}: ${e.message}`, type, { member });
      return;
    case 'no-header':
      add('table-unreadable', `${member} has no readable header line`, type, { member });
      return;
    case 'changed':
      return; // checkStable reports it
    default:
      add('archive-corrupt', e.message, type, { member });
  }
}
