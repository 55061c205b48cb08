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
  const made = new Map<string, Buffer>();
  for (const k of ordered) {
    const e = kept.get(k.chunk.name);
    if (!e || e.fingerprint !== k.chunk.fingerprint || e.scannedAt !== k.chunk.scannedAt) made.set(k.chunk.name, Buffer.from(JSON.stringify(reportChunkOf(k, axis))));
  }
  let joined: Buffer | null = null;
  try {
    // Kept for the next report, then all of them read back joined.
    catalog.saveReportEntries(dropId, key, ordered.filter((k) => made.has(k.chunk.name)).map((k) => ({ ...origin(k), entry: made.get(k.chunk.name)! })));
    joined = catalog.joinedReportEntries(dropId, key, ordered.map(origin));
  } catch {
    /* a read-only or busy catalog: this report's entries are made here */
  }
  // Another connection recorded a chunk again meanwhile (or nothing could be kept): made here.
  joined ??= Buffer.from(ordered.map((k) => JSON.stringify(reportChunkOf(k, axis))).join(','));
  return { summary: report.summary, pieces: jsonBuffers(report, { chunks: joined }) };
}
