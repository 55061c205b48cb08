// `scan --json` of a drop of many chunks without stringifying every chunk again: a chunk's
// report entry depends on its record and the family's axis only (build-report.ts,
// reportChunkOf), so its JSON is kept in the catalog beside the record it was made from
// (chunks.entry, under entryKey) and copied into the report as bytes. Everything that
// depends on time, the judgement or other chunks (problems, summary, options) is built
// fresh each time (reportFrame). The bytes written are jsonBuffers(buildReport(...)) exactly.
import type { Catalog } from '../catalog/catalog';
import type { Keyed } from '../checks/order';
import type { Judgement } from '../checks/time';
import type { AxisKind } from '../../shared/family';
import type { ScanReport } from '../../shared/report';
import type { ScanChecked } from '../scan';
import { VERSION } from '../version';
import { reportChunkOf, reportFrame } from './build-report';
import { jsonBuffers, PRETTY_MAX_CHUNKS } from './render-json';

/** Past this many entries to make, the drop's whole records are loaded at once to make them. */
const WHOLE_LOAD_AT = 64;

const COMMA = Buffer.from(',');

/** Raise whenever reportChunkOf's output changes: entries kept under another key are made again. */
export const ENTRY_FORMAT = 1;

/** What shaped a kept entry: its format, the release that made it and the family's axis. */
export function entryKey(axis: AxisKind): string {
  return `${ENTRY_FORMAT}/${VERSION}/${axis}`;
}

/**
 * The JSON report of the drop: its summary, and its text as UTF-8 pieces to write in turn
 * (made as they are taken).
 */
export function reportJson(catalog: Catalog, drop: string, judgement: Judgement, checked?: ScanChecked): { summary: ScanReport['summary']; pieces: Iterable<Buffer> } {
  const frame = reportFrame(catalog, drop, judgement, checked);
  const { report, ordered, axis, dropId } = frame;
  if (ordered.length <= PRETTY_MAX_CHUNKS) {
    // Pretty-printed: nothing kept helps.
    report.chunks = ordered.map((k) => reportChunkOf(k, axis));
    return { summary: report.summary, pieces: jsonBuffers(report) };
  }
  const key = entryKey(axis);
  const kept = catalog.reportEntryStates(dropId, key);
  const origin = (k: Keyed): { name: string; fingerprint: string; scannedAt: string } => ({ name: k.chunk.name, fingerprint: k.chunk.fingerprint, scannedAt: k.chunk.scannedAt });
  const stale = ordered.filter((k) => {
    const e = kept.get(k.chunk.name);
    return !e || e.fingerprint !== k.chunk.fingerprint || e.scannedAt !== k.chunk.scannedAt;
  });
  // Entries are made from whole records: many of them (a first report) read in one query
  // rather than one record at a time through each summary; the same record, or else the
  // summary's own (which reads its rest when asked).
  const whole = stale.length > WHOLE_LOAD_AT ? new Map(catalog.loadChunks(dropId).map((c) => [c.name, c])) : null;
  const made = new Map<string, Buffer>();
  for (const k of stale) {
    const w = whole?.get(k.chunk.name);
    const from = w && w.fingerprint === k.chunk.fingerprint && w.scannedAt === k.chunk.scannedAt ? { ...k, chunk: w } : k;
    made.set(k.chunk.name, Buffer.from(JSON.stringify(reportChunkOf(from, axis))));
  }
  const joinMade = (): Buffer => {
    const parts: Buffer[] = [];
    ordered.forEach((k, i) => {
      if (i) parts.push(COMMA);
      parts.push(made.get(k.chunk.name) ?? Buffer.from(JSON.stringify(reportChunkOf(k, axis))));
    });
    return Buffer.concat(parts);
  };
  let joined: Buffer | null = null;
  try {
    // Kept for the next report; unless this report made them all, all read back joined.
    catalog.saveReportEntries(dropId, key, stale.map((k) => ({ ...origin(k), entry: made.get(k.chunk.name)! })));
    if (made.size < ordered.length) joined = catalog.joinedReportEntries(dropId, key, ordered.map(origin));
  } catch {
    /* a read-only or busy catalog: this report's entries are made here */
  }
  // Made here: all of them, or another connection recorded a chunk again meanwhile.
  joined ??= joinMade();
  return { summary: report.summary, pieces: jsonBuffers(report, { chunks: joined }) };
}
