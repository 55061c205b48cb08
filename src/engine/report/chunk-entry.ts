// One chunk's entry in the report (ReportChunk): a pure function of its record and its
// family's axis. The catalog keeps each chunk's entry as JSON text, written with the record
// (catalog/summary.ts), so `scan --json` of an unchanged drop writes stored text instead of
// decoding and re-serialising every record; buildReport maps records through this same
// function. Change what it makes, and raise SUMMARY_FORMAT (catalog/summary.ts).
import type { AxisKind } from '../../shared/family';
import { describeSource } from '../../shared/family';
import type { ReportChunk, ReportPart, ReportTable } from '../../shared/report';
import { keysOf } from '../checks/order';
import type { ChunkRecord } from '../model';

/** A chunk's files' bytes. */
export const filesBytes = (c: { files: Array<{ size: number }> }): number => c.files.reduce((t, f) => t + f.size, 0);

export function reportChunk(c: ChunkRecord, axis: AxisKind): ReportChunk {
  const k = keysOf(c, axis);
  const audit = axis === 'audit-key';
  return {
    name: c.name,
    hwmFrom: audit ? k.from : null,
    hwmTo: audit ? k.to : null,
    createdTs: c.createdTs,
    // Unread, an Info Mart export's data ends by the time its name gives (when it was made);
    // another family's name gives where its window or day starts, which its data does not end at.
    maxDataTs: c.maxDataTs ?? (audit && k.source === 'name' ? c.nameTs : null),
    checksum: c.checksum,
    coverage: {
      axis,
      from: c.coverage.from,
      to: c.coverage.to,
      requestedFrom: c.requested?.from ?? null,
      requestedTo: c.requested?.to ?? null,
      source: c.coverage.source,
    },
    series: c.series,
    attributes: c.attributes,
    tables: c.tables.map(reportTable),
    path: c.dir || c.files[0]?.rel || c.name,
    hwmFromTs: c.hwmFromTs,
    hwmToTs: c.hwmToTs,
    metadata: c.metadata,
    archive: c.archive,
    // A chunk's size: its archive's; for a family without one archive per chunk (daily dumps,
    // extracts), its files'. An archive family's chunk whose archive is missing has none (null).
    bytes: c.archiveBytes ?? (axis === 'run-date' || axis === 'run-time' ? filesBytes(c) : null),
    gimVersion: c.versions.gimVersion ?? null,
    gimSchemaVersion: c.versions.gimSchemaVersion ?? null,
    keySource: k.source,
    files: c.files.map((f) => f.rel),
  };
}

/**
 * A table as the report shows it. Optional fields are assigned in the document's key order,
 * not spread in: a 3000-chunk report maps 18,000 tables and their parts, once per process,
 * before the JIT has warmed up, where each spread was an object made and copied.
 */
function reportTable(t: ChunkRecord['tables'][number]): ReportTable {
  const out: ReportTable = {
    name: t.name,
    rows: t.rows,
    declaredRows: t.declaredRows ?? null,
    columns: t.columns,
    bytes: t.bytes,
    malformedRows: t.malformedRows,
    checksum: t.checksum,
  };
  if (t.declaredIn) out.declaredIn = t.declaredIn;
  if (t.columnTypes) out.columnTypes = t.columnTypes;
  out.parts = (t.parts ?? []).map((p) => {
    const part: ReportPart = { source: describeSource(p.source), codecs: p.codecs, layout: p.layout, rows: p.rows };
    if (p.error) part.error = p.error;
    return part;
  });
  return out;
}
