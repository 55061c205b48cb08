// Builds the contract's report document from the catalog: chunks in continuity order,
// chunk problems and cross-chunk problems together, counted in the summary. reportJson writes
// the same document as JSON text from the chunks' summaries and stored entries (the CLI's
// `scan --json`), without decoding a whole record of a chunk that has not changed.
import type { ReportSummary, ScanReport } from '../../shared/report';
import type { Catalog, DropRow, LoadedChunk } from '../catalog/catalog';
import type { ChunksSince } from '../catalog/lineage';
import type { ScanChecked } from '../scan-types';
import { interimProblems } from '../checks/index';
import { continuityOrder } from '../checks/order';
import type { Judgement } from '../checks/time';
import { adapterFor } from '../formats/registry';
import type { DropAdapter } from '../formats/types';
import { EngineError } from '../model';
import { reportChunk } from './chunk-entry';
import {
  ENTRIES_FILE_MIN_CHUNKS,
  entriesFileOf,
  entriesKey,
  readEntries,
  spliceEntries,
  writeEntries,
} from './entries-file';
import { jsonBytes, jsonPieces, PRETTY_MAX_CHUNKS } from './render-json';
import { isInsideDrop } from '../fs/write-guard';
import { checkedFrame, reportFrame, verdictFrame } from './report-frame';
import type { Verdict } from './verdict';

// The frame's names, where they were before report-frame.ts held them.
export { frameTotals, verdictFrame, type FrameTotals } from './report-frame';

/** A scan of the drop still under way: chunks recorded (reused ones included) of those found. */
export interface Recording {
  recorded: number;
  total: number;
}

/**
 * `checked`: what a scan just checked (ScanOutcome.checked); its drop-level problems are used
 * when it was judged the same way, so a scan and its report run the checks once.
 * `recording`: a scan is still recording chunks; while some are missing, only the problems
 * that hold chunk by chunk are given (interimProblems), and the report says what waits for
 * the scan's end (`incomplete`).
 */
export function buildReport(
  catalog: Catalog,
  drop: string,
  judgement: Judgement,
  checked?: ScanChecked,
  recording?: Recording,
): ScanReport {
  const { row, family } = scannedDrop(catalog, drop);
  const records = catalog.loadChunks(row.id);
  const ordered = continuityOrder(records, family.axis);
  const reuse = checked && checked.judgement === judgement ? checked : undefined;
  const partial = !reuse && recording !== undefined && recording.recorded < recording.total;
  const dropLevel = partial
    ? interimProblems(records, family, judgement, catalog.entryProblems(row.id), ordered)
    : reuse?.problems;
  const report = reportFrame(catalog, row, family, records, ordered, judgement, dropLevel);
  report.chunks = ordered.map((k) => reportChunk(k.chunk, family.axis));
  if (partial) {
    report.incomplete =
      `a scan is still reading the drop: ${recording.recorded} of ${recording.total} chunks recorded; ` +
      'the checks that compare chunks (gaps, order, lateness, schema and volume changes) run when it ends';
  }
  return report;
}

/**
 * The report as JSON text in pieces, exactly jsonPieces(buildReport(…)), and its summary.
 * A report of many chunks (written compact) is made from the chunks' summaries and their
 * stored entries' text (catalog.loadSummaries: what the scan just checked, with `checked`);
 * a small one (pretty-printed) is built whole. `compact`: made from the stored entries
 * whatever the size (then exactly JSON.stringify(buildReport(…)) and a newline). Of 500
 * chunks or more, it is read from the drop's entries file when that holds these chunks'
 * entries (entries-file.ts), and written there when not: a piece is then valid only until the
 * next is asked for (write or copy each first).
 */
export function reportJson(
  catalog: Catalog,
  drop: string,
  judgement: Judgement,
  checked?: ScanChecked,
  opts: { compact?: boolean } = {},
): { summary: ReportSummary; pieces: Iterable<string | Uint8Array> } {
  const { row, family } = scannedDrop(catalog, drop);
  const reuse = checked && checked.judgement === judgement ? checked : undefined;
  // A scan that judged its verdict again: the frame from it, the entries from their file.
  if (reuse?.verdict) {
    const stored = verdictEntries(catalog, row, reuse.verdict, opts);
    if (stored) {
      const report = verdictFrame(row, family, reuse.verdict, judgement, reuse.problems);
      return { summary: report.summary, pieces: jsonBytes(report, stored) };
    }
  }
  const loaded = reuse?.summaries ? null : catalog.loadSummaries(row.id, family.axis);
  const summaries = reuse?.summaries ?? loaded!.map((l) => l.summary);
  const pretty = !opts.compact && summaries.length <= PRETTY_MAX_CHUNKS;
  const byChunk = reuse?.loaded ?? new Map(loaded!.map((l) => [l.summary, l]));
  const ordered = reuse?.ordered ?? continuityOrder(summaries, family.axis);
  const list = ordered.map((k) => byChunk.get(k.chunk)!);
  // A report of many chunks, from the entries file when it holds these chunks' entries.
  const kept =
    pretty || summaries.length < ENTRIES_FILE_MIN_CHUNKS
      ? null
      : keptEntries(
          catalog,
          row,
          family,
          list,
          reuse?.summaries ? reuse.rev : catalog.loadedRev(row.id, family.axis),
        );
  const frame = (): ScanReport => checkedFrame(catalog, row, family, summaries, ordered, judgement, reuse);
  // Else, after a scan that wrote a few chunks, the file spliced: its other entries with the new ones.
  const stored = kept?.read() ?? (reuse?.since && kept?.splice(reuse.since) ? kept.read() : null);
  if (stored) {
    const report = frame();
    return { summary: report.summary, pieces: jsonBytes(report, stored) };
  }
  const lengths: number[] = [];
  const text = chunkText(catalog, list, lengths);
  if (!text) {
    // A stored entry went missing since the summaries were loaded: the document from the records.
    const report = buildReport(catalog, drop, judgement);
    return { summary: report.summary, pieces: pretty ? jsonPieces(report) : [`${JSON.stringify(report)}\n`] };
  }
  // Kept for the next report of these chunks (`kept` is null for a small or pretty one).
  kept?.write(text, lengths);
  const report = frame();
  if (!pretty) return { summary: report.summary, pieces: jsonBytes(report, text) };
  // A small report is pretty-printed, so its entries are objects again: parsed from their
  // stored text (each is JSON.stringify of reportChunk: the same document as buildReport's),
  // not made from records decoded whole (most of a 100-request drop's unchanged re-scan).
  report.chunks = JSON.parse(`[${Buffer.concat(text).toString('utf8')}]`) as ScanReport['chunks'];
  return { summary: report.summary, pieces: jsonPieces(report) };
}

const COMMA = Buffer.from(',');

/** A verdict's chunk entries from the drop's entries file, where it holds them (compact reports only). */
function verdictEntries(
  catalog: Catalog,
  row: DropRow,
  v: Verdict,
  opts: { compact?: boolean },
): Iterable<Uint8Array> | null {
  const file = entriesFileOf(catalog.file, row.id);
  if (!file || !v.entries || isInsideDrop(file, row.path)) return null;
  if (!opts.compact && v.order.length <= PRETTY_MAX_CHUNKS) return null;
  return readEntries(file, v.entries);
}

/**
 * The drop's entries file (entries-file.ts) for these chunks in this order, loaded at `rev`:
 * null where there is none to keep (a catalog in memory, summaries not loaded from it, a file
 * that would be inside the drop). A catalog opened read-only reads it, and never writes it.
 */
function keptEntries(
  catalog: Catalog,
  row: DropRow,
  family: DropAdapter,
  list: readonly LoadedChunk[],
  rev: number | undefined,
): {
  read: () => Iterable<Uint8Array> | null;
  /** Makes the file hold these chunks' entries from the one of `since.from` (spliceEntries); whether it does. */
  splice: (since: ChunksSince) => boolean;
  write: (text: readonly Uint8Array[], lengths: number[]) => void;
} | null {
  const file = entriesFileOf(catalog.file, row.id);
  if (!file || rev === undefined || isInsideDrop(file, row.path)) return null;
  const ids = list.map((l) => l.id);
  const key = entriesKey(row.id, family.axis, rev, ids);
  const byId = new Map(list.map((l) => [l.id, l]));
  const writable = !catalog.db.readonly;
  return {
    read: () => readEntries(file, key),
    // `since` leads to `rev` (ScanChecked.since).
    splice: (since) =>
      writable &&
      spliceEntries(file, {
        dropId: row.id,
        axis: family.axis,
        from: since.from,
        rev,
        ids,
        written: since.written,
        fresh: (fresh, lengths) =>
          chunkText(
            catalog,
            fresh.map((id) => byId.get(id)!),
            lengths,
          ),
      }),
    write: (text, lengths) => {
      if (writable) writeEntries(file, key, text, { ids, lengths });
    },
  };
}

/**
 * The chunks' entries as JSON text, commas between them: the stored ones in one query, or
 * (where some were made from records) each on its own. Null when a stored one is gone.
 * `lengths` gets each entry's length in bytes, in order.
 */
function chunkText(catalog: Catalog, list: LoadedChunk[], lengths: number[]): Uint8Array[] | null {
  if (list.every((l) => l.entry === null))
    return catalog.storedEntries(
      list.map((l) => l.id),
      lengths,
    );
  const out: Uint8Array[] = [];
  for (let i = 0; i < list.length; i++) {
    const made = list[i].entry;
    const entry = made ? [made] : catalog.storedEntries([list[i].id], lengths);
    if (!entry) return null;
    if (made) lengths.push(made.length);
    if (i) out.push(COMMA);
    out.push(...entry);
  }
  return out;
}

/**
 * The report without its chunk entries (`chunks` empty) and each chunk's extent on the axis
 * (requested where there is one, else delivered), in report order: what `scan`'s human
 * summary prints, made from the summaries the scan checked, not 3000 records.
 */
export function reportOverview(
  catalog: Catalog,
  drop: string,
  judgement: Judgement,
  checked?: ScanChecked,
): { report: ScanReport; extents: Array<{ from: number | null; to: number | null }> } {
  const { row, family } = scannedDrop(catalog, drop);
  const reuse = checked && checked.judgement === judgement ? checked : undefined;
  if (reuse?.verdict)
    return {
      report: verdictFrame(row, family, reuse.verdict, judgement, reuse.problems),
      extents: [reuse.verdict.extent],
    };
  const summaries = reuse?.summaries ?? catalog.loadSummaries(row.id, family.axis).map((l) => l.summary);
  const ordered = reuse?.ordered ?? continuityOrder(summaries, family.axis);
  const report = checkedFrame(catalog, row, family, summaries, ordered, judgement, reuse);
  const extents = ordered.map(({ chunk: c }) => ({
    from: c.requested?.from ?? c.coverage.from,
    to: c.requested?.to ?? c.coverage.to,
  }));
  return { report, extents };
}

function scannedDrop(catalog: Catalog, drop: string): { row: DropRow; family: DropAdapter } {
  const row = catalog.drop(drop);
  if (!row) throw new EngineError('not-found', `${drop} has not been scanned yet`);
  const family = adapterFor(row.format);
  if (!family)
    throw new EngineError(
      'catalog-too-new',
      `${drop} was scanned as ${row.format}, a family this version does not know`,
    );
  return { row, family };
}
