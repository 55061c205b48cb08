// The report's frame: everything but its chunk entries (buildReport, reportJson and
// reportOverview add or write those), made from the chunks' summaries or a verdict, with every
// problem given what to do about it and sorted; and the summary's totals of the chunks.
import type { Problem, ReportSummary, ScanReport } from '../../shared/report';
import type { Catalog, DropRow } from '../catalog/catalog';
import type { ScanChecked } from '../scan-types';
import { dropProblems, resolveJudgement, type ResolvedJudgement } from '../checks/index';
import type { Keyed } from '../checks/order';
import type { Judgement } from '../checks/time';
import type { DropAdapter } from '../formats/types';
import type { ChunkSummary } from '../model';
import { VERSION } from '../version';
import { actionFor } from './actions';
import { filesBytes } from './chunk-entry';
import type { Verdict } from './verdict';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/**
 * The frame of these summaries with what a scan under the same judgement found (`reuse`):
 * its drop-level problems, and its totals where it checked these very summaries.
 */
export function checkedFrame(
  catalog: Catalog,
  row: DropRow,
  family: DropAdapter,
  summaries: ChunkSummary[],
  ordered: Keyed[],
  judgement: Judgement,
  reuse: ScanChecked | undefined,
): ScanReport {
  const totals = reuse?.summaries === summaries ? reuse.totals : undefined;
  return reportFrame(catalog, row, family, summaries, ordered, judgement, reuse?.problems, totals);
}

/**
 * The report without its chunk entries (`chunks` empty, in its place among the keys):
 * everything else is made from the chunks' summaries. `dropLevel`: the cross-chunk problems,
 * when a scan just found them under the same judgement.
 */
export function reportFrame(
  catalog: Catalog,
  row: DropRow,
  family: DropAdapter,
  records: ChunkSummary[],
  ordered: Keyed[],
  judgement: Judgement,
  dropLevel: Problem[] | undefined,
  totals: FrameTotals = frameTotals(records, ordered, family.axis),
): ScanReport {
  const cadence = resolveJudgement(family, ordered, judgement);
  const problems = [
    ...records.flatMap((c) => c.problems),
    ...(dropLevel ?? dropProblems(records, family, judgement, catalog.entryProblems(row.id), ordered)),
  ];
  return assembleFrame(
    row,
    family,
    totals,
    new Map(ordered.map((k, i) => [k.chunk.name, i])),
    problems,
    cadence,
  );
}

/** The report's frame from a verdict (verdict.ts): its totals and order, and `dropLevel` judged as of now. */
export function verdictFrame(
  row: DropRow,
  family: DropAdapter,
  v: Verdict,
  judgement: Judgement,
  dropLevel: Problem[],
): ScanReport {
  const position = new Map(v.order.map((name, i) => [name, i]));
  return assembleFrame(row, family, v.totals, position, [...v.chunkProblems, ...dropLevel], {
    ...v.ctx,
    asOf: judgement.asOf,
  });
}

/** The summary's figures that come from the chunks themselves, not their problems. */
export type FrameTotals = Omit<ReportSummary, 'problems' | 'errors' | 'warnings' | 'infos'>;

export function frameTotals(
  records: ChunkSummary[],
  ordered: Keyed[],
  axis: DropAdapter['axis'],
): FrameTotals {
  // One pass over 3000 chunks' 18,000 tables, no arrays made: a table name is lower-cased
  // once per distinct text (loaded summaries share them).
  const tableNames = new Set<string>();
  const lower = new Map<string, string>();
  let rows = 0;
  let bytes = 0;
  let firstCreatedTs: number | null = null;
  let lastCreatedTs: number | null = null;
  for (const c of records) {
    for (const t of c.tables) {
      let l = lower.get(t.name);
      if (l === undefined) lower.set(t.name, (l = t.name.toLowerCase()));
      tableNames.add(l);
      rows += t.rows ?? 0;
    }
    bytes += c.archiveBytes ?? filesBytes(c);
    if (c.createdTs !== null) {
      if (firstCreatedTs === null || c.createdTs < firstCreatedTs) firstCreatedTs = c.createdTs;
      if (lastCreatedTs === null || c.createdTs > lastCreatedTs) lastCreatedTs = c.createdTs;
    }
  }
  let hwmFrom: number | null = null;
  let hwmTo: number | null = null;
  if (axis === 'audit-key') {
    for (const k of ordered) {
      if (k.to === null) continue;
      const from = k.from ?? k.to;
      if (hwmFrom === null || from < hwmFrom) hwmFrom = from;
      if (hwmTo === null || k.to > hwmTo) hwmTo = k.to;
    }
  }
  return {
    chunks: records.length,
    tables: tableNames.size,
    rows,
    bytes,
    hwmFrom,
    hwmTo,
    firstCreatedTs,
    lastCreatedTs,
  };
}

/**
 * The frame from its parts: `problems` (the chunks' own, then the drop's) each given what to
 * do about it and sorted by their chunk's `position` in the report, then severity.
 */
function assembleFrame(
  row: DropRow,
  family: DropAdapter,
  totals: FrameTotals,
  position: Map<string, number>,
  found: Problem[],
  cadence: Omit<ResolvedJudgement, 'axis'>,
): ScanReport {
  // Every problem carries what to do about it, in the JSON as in the rendered reports.
  const problems: Problem[] = found.map((p) => ({ ...p, action: p.action ?? actionFor(p, family.format) }));
  problems.sort(
    (a, b) =>
      (position.get(a.chunk ?? '') ?? Infinity) - (position.get(b.chunk ?? '') ?? Infinity) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
  const { hwmFrom, hwmTo, firstCreatedTs, lastCreatedTs, ...counted } = totals;
  return {
    format: row.format ?? 'unknown',
    drop: row.path,
    scannedAt: row.last_scanned_at ?? new Date().toISOString(),
    summary: {
      chunks: counted.chunks,
      tables: counted.tables,
      rows: counted.rows,
      problems: problems.length,
      errors: problems.filter((p) => p.severity === 'error').length,
      warnings: problems.filter((p) => p.severity === 'warning').length,
      infos: problems.filter((p) => p.severity === 'info').length,
      bytes: counted.bytes,
      hwmFrom,
      hwmTo,
      firstCreatedTs,
      lastCreatedTs,
    },
    chunks: [],
    problems,
    tool: { name: 'drop-inspector', version: VERSION },
    options: {
      cadenceSeconds: cadence.cadenceSeconds,
      graceSeconds: cadence.graceSeconds,
      asOf: new Date(cadence.asOf * 1000).toISOString(),
      cadenceSource: cadence.cadenceSource,
    },
    axis: family.axis,
    label: family.label,
  };
}
