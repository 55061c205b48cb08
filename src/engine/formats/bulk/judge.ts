// What a bulk request's statistics say, judged: its windows (requested, exported), a
// termination, no data, dropped records, sections (a configuration change mid-export), and
// the exported count each record type declares.
import type { ProblemKind } from '../../../shared/report';
import type { Extent } from '../../../shared/family';
import type { ChunkInspection } from '../types';
import type { ZipMember } from '../../zip/zip-archive';
import { COUNT_FIELDS, emptyCounts, type BulkStats, type StatsCounts, type StatsRange } from './stats';
import { fieldDifferences, type ExportInfo } from './exportinfo';

export type Add = (
  kind: ProblemKind,
  message: string,
  table?: string | null,
  detail?: Record<string, unknown>,
) => void;

const toExtent = (r: StatsRange | null | undefined): Extent | null =>
  r ? { from: r.from, to: r.to, source: 'stats' } : null;

/** The union of windows (sections follow each other inside one request). */
function union(ranges: Array<StatsRange | null>): StatsRange | null {
  const rs = ranges.filter((r): r is StatsRange => r !== null);
  if (!rs.length) return null;
  return rs.reduce((a, b) => ({
    from: Math.min(a.from, b.from),
    to: Math.max(a.to, b.to),
    offsetMinutes: a.offsetMinutes ?? b.offsetMinutes,
    text: `${a.text}; ${b.text}`,
  }));
}

/** Windows, termination, no data and dropped records, from the request's stats (or its sections'). */
export function judgeStats(
  global: BulkStats | null,
  globalName: string | null,
  sections: Array<{ m: ZipMember; s: BulkStats }>,
  out: ChunkInspection,
  add: Add,
): void {
  const all = [
    ...(global ? [{ name: globalName!, s: global }] : []),
    ...sections.map((x) => ({ name: x.m.name, s: x.s })),
  ];
  if (!all.length) return;
  const requested = global?.requested ?? union(sections.map((x) => x.s.requested));
  const exported = global?.exported ?? union(sections.map((x) => x.s.exported));
  const noData = all.length > 0 && all.every((x) => x.s.noData) ? true : (global?.noData ?? false);
  const terminated = all.find((x) => x.s.terminated !== null);

  out.requested = toExtent(requested);
  // No data for the window is a whole delivery of it: nothing existed. A terminated export
  // without an exported window delivered nothing of what it was asked.
  if (noData) out.coverage = out.requested;
  else if (exported) out.coverage = toExtent(exported);
  else if (requested && terminated)
    out.coverage = { from: requested.from, to: requested.from, source: 'stats' };
  out.attributes.requestedRange = requested?.text ?? null;
  out.attributes.exportedRange = exported?.text ?? null;
  out.attributes.tzOffsetMinutes = requested?.offsetMinutes ?? null;
  out.attributes.noData = noData;
  out.attributes.terminated = terminated?.s.terminated ?? null;

  if (terminated) {
    add(
      'export-terminated',
      `the export was terminated (${terminated.s.terminated}): ${terminated.name} says so; records after ${exported ? exported.text.split(' – ')[1] : 'its start'} were not exported`,
      null,
      {
        reason: terminated.s.terminated,
        file: terminated.name,
        ...(exported ? { exportedFromTs: exported.from, exportedToTs: exported.to } : {}),
      },
    );
  }
  if (noData) {
    add(
      'no-data',
      `no data available for the requested time range ${requested?.text ?? ''}`.trim(),
      null,
      requested ? { fromTs: requested.from, toTs: requested.to } : undefined,
    );
  }
  const counts = global ? global.byType : sumCounts(sections.map((x) => x.s));
  for (const [type, c] of Object.entries(counts)) {
    const dropped = c.dropped ?? 0;
    const discarded = c.discarded ?? 0;
    if (dropped > 0 || discarded > 0) {
      const what = [dropped > 0 ? `${dropped} dropped` : '', discarded > 0 ? `${discarded} discarded` : '']
        .filter(Boolean)
        .join(', ');
      add(
        'records-dropped',
        `${type || 'records'}: ${what} by the vendor's system (the stats file's counts)`,
        type || null,
        { dropped, discarded, recordType: type },
      );
    }
  }
}

function sumCounts(list: BulkStats[]): Record<string, StatsCounts> {
  const out: Record<string, StatsCounts> = {};
  for (const s of list) {
    for (const [type, c] of Object.entries(s.byType)) {
      const into = (out[type] ??= emptyCounts());
      for (const f of COUNT_FIELDS) if (c[f] !== null) into[f] = (into[f] ?? 0) + c[f]!;
    }
  }
  return out;
}

/** The exported count per record type: the request's total, else the sections' sum. */
export function declaredCounts(
  global: BulkStats | null,
  sections: BulkStats[],
): Partial<Record<string, number>> {
  const counts = global && Object.keys(global.byType).length ? global.byType : sumCounts(sections);
  const out: Partial<Record<string, number>> = {};
  for (const [type, c] of Object.entries(counts)) if (c.exported !== null) out[type] = c.exported;
  return out;
}

/** A second section: the configuration changed mid-export. Says which fields changed where it can tell. */
export function describeSections(
  sections: Array<{ m: ZipMember; s: BulkStats }>,
  info: ExportInfo | null,
  out: ChunkInspection,
  add: Add,
): void {
  const n = Math.max(sections.length, info?.sections.length ?? 0);
  out.attributes.sections = n;
  if (n < 2) return;
  const differences: Array<Record<string, { added: string[]; removed: string[] }>> = [];
  if (info && info.sections.length >= 2) {
    for (let i = 1; i < info.sections.length; i++)
      differences.push(fieldDifferences(info.sections[i - 1], info.sections[i]));
  }
  const words = differences
    .flatMap((d, i) =>
      Object.entries(d).map(
        ([type, { added, removed }]) =>
          `section ${i + 2} ${type || 'fields'}: ${[added.length ? `+${added.join(', +')}` : '', removed.length ? `-${removed.join(', -')}` : ''].filter(Boolean).join(' ')}`,
      ),
    )
    .join('; ');
  add(
    'section-change',
    `the configuration changed during the export: ${n} sections (${sections.map((x) => x.m.name).join(', ') || 'exportinfo'})${words ? `; ${words}` : ''}`,
    null,
    { sections: n, files: sections.map((x) => x.m.name), differences },
  );
}
