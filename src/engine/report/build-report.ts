// Builds the contract's report document from the catalog: chunks in continuity order,
// chunk problems and cross-chunk problems together, counted in the summary.
import type { Problem, ReportChunk, ReportPart, ReportTable, ScanReport } from '../../shared/report';
import type { Catalog } from '../catalog/catalog';
import type { ScanChecked } from '../scan';
import { dropProblems, resolveJudgement } from '../checks/index';
import { continuityOrder } from '../checks/order';
import type { Judgement } from '../checks/time';
import { adapterFor } from '../formats/registry';
import { EngineError, type ChunkRecord } from '../model';
import { describeSource } from '../../shared/family';
import { VERSION } from '../version';
import { actionFor } from './actions';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/**
 * `checked`: what a scan just checked (ScanOutcome.checked); used when it was judged the same
 * way, so a scan and its report load and check the drop once.
 */
export function buildReport(catalog: Catalog, drop: string, judgement: Judgement, checked?: ScanChecked): ScanReport {
  const row = catalog.drop(drop);
  if (!row) throw new EngineError('not-found', `${drop} has not been scanned yet`);
  const family = adapterFor(row.format);
  if (!family) throw new EngineError('catalog-too-new', `${drop} was scanned as ${row.format}, a family this version does not know`);
  const axis = family.axis;
  // A chunk's size: its archive's; for a family without one archive per chunk (daily dumps,
  // extracts), its files'. An archive family's chunk whose archive is missing has none (null).
  const filesBytes = (c: ChunkRecord): number => c.files.reduce((t, f) => t + f.size, 0);
  const chunkBytes = (c: ChunkRecord): number | null => c.archiveBytes ?? (axis === 'run-date' || axis === 'run-time' ? filesBytes(c) : null);
  const reuse = checked && checked.judgement === judgement ? checked : undefined;
  const records = reuse?.records ?? catalog.loadChunks(row.id);
  const ordered = reuse?.ordered ?? continuityOrder(records, axis);
  const cadence = resolveJudgement(family, ordered, judgement);
  const audit = axis === 'audit-key';
  const position = new Map(ordered.map((k, i) => [k.chunk.name, i]));

  const chunks: ReportChunk[] = ordered.map((k) => {
    const c = k.chunk;
    return {
      name: c.name,
      hwmFrom: audit ? k.from : null,
      hwmTo: audit ? k.to : null,
      createdTs: c.createdTs,
      maxDataTs: c.maxDataTs ?? (k.source === 'name' ? c.nameTs : null),
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
      bytes: chunkBytes(c),
      gimVersion: c.versions.gimVersion ?? null,
      gimSchemaVersion: c.versions.gimSchemaVersion ?? null,
      keySource: k.source,
      files: c.files.map((f) => f.rel),
    };
  });

  // Every problem carries what to do about it, in the JSON as in the rendered reports.
  const problems: Problem[] = [...records.flatMap((c) => c.problems), ...(reuse?.problems ?? dropProblems(records, family, judgement, catalog.entryProblems(row.id)))].map((p) => ({
    ...p,
    action: p.action ?? actionFor(p, family.format),
  }));
  problems.sort(
    (a, b) =>
      (position.get(a.chunk ?? '') ?? Infinity) - (position.get(b.chunk ?? '') ?? Infinity) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );

  const tableNames = new Set(records.flatMap((c) => c.tables.map((t) => t.name.toLowerCase())));
  const keys = ordered.filter((k) => k.to !== null);
  const times = records.map((c) => c.createdTs).filter((t): t is number => t !== null);
  return {
    format: row.format ?? 'unknown',
    drop,
    scannedAt: row.last_scanned_at ?? new Date().toISOString(),
    summary: {
      chunks: records.length,
      tables: tableNames.size,
      rows: records.reduce((s, c) => s + c.tables.reduce((t, x) => t + (x.rows ?? 0), 0), 0),
      problems: problems.length,
      errors: problems.filter((p) => p.severity === 'error').length,
      warnings: problems.filter((p) => p.severity === 'warning').length,
      infos: problems.filter((p) => p.severity === 'info').length,
      bytes: records.reduce((s, c) => s + (c.archiveBytes ?? filesBytes(c)), 0),
      hwmFrom: audit ? extreme(keys.map((k) => k.from ?? k.to!), Math.min) : null,
      hwmTo: audit ? extreme(keys.map((k) => k.to!), Math.max) : null,
      firstCreatedTs: extreme(times, Math.min),
      lastCreatedTs: extreme(times, Math.max),
    },
    chunks,
    problems,
    tool: { name: 'drop-inspector', version: VERSION },
    options: {
      cadenceSeconds: cadence.cadenceSeconds,
      graceSeconds: cadence.graceSeconds,
      asOf: new Date(cadence.asOf * 1000).toISOString(),
      cadenceSource: cadence.cadenceSource,
    },
    axis,
    label: family.label,
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

/** Math.min/max over any number of values (spreading 100k arguments overflows the stack). */
function extreme(values: number[], pick: (a: number, b: number) => number): number | null {
  return values.length ? values.reduce((a, b) => pick(a, b)) : null;
}
