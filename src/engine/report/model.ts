// What every report format shows at its head, computed once from a ScanReport: the
// verdict line, the facts and counts of the overview, problems grouped by severity with
// their actions. The renderers only lay this out and escape it. The rest of the model is
// in siblings: timeline.ts (chunks and gap rows), axis-view.ts (extents on the family's
// axis), table-totals.ts (per-table totals), problem-words.ts (severities and kinds in words).
import { CADENCE_SOURCE_WORDS, type Problem, type ScanReport, type Severity } from '../../shared/report';
import { actionOf } from './actions';
import { formatDuration, formatIso, formatSpan, formatTs, UNKNOWN } from './format-time';
import { extentFact } from './axis-view';
import { kindCount, kindOrder, plural, SEVERITIES, SEVERITY_HEADING, severityRank } from './problem-words';

export interface Verdict {
  /** BROKEN: errors; WARNINGS: no errors but warnings; WHOLE: neither; EMPTY: no chunks and no errors. */
  status: 'BROKEN' | 'WARNINGS' | 'WHOLE' | 'EMPTY';
  /** Worst severity among the problems, null when there are none. */
  worst: Severity | null;
  /** The one line: "BROKEN: 2 gaps, 1 checksum failure (3 errors, 1 warning)". */
  line: string;
}

/** The verdict, counted from the problems listed (not from the summary). */
export function verdictOf(r: ScanReport): Verdict {
  const v = wholeVerdictOf(r);
  // A report made while a scan still records chunks says so in its one line.
  return r.incomplete ? { ...v, line: `${v.line} — so far: ${r.incomplete}` } : v;
}

function wholeVerdictOf(r: ScanReport): Verdict {
  const bySeverity = { error: 0, warning: 0, info: 0 } as Record<Severity, number>;
  const byKind = new Map<string, { n: number; rank: number }>();
  for (const p of r.problems) {
    if (p.severity in bySeverity) bySeverity[p.severity] += 1;
    const k = byKind.get(p.kind) ?? { n: 0, rank: severityRank(p.severity) };
    k.n += 1;
    k.rank = Math.min(k.rank, severityRank(p.severity));
    byKind.set(p.kind, k);
  }
  const kinds = [...byKind.entries()]
    .sort(([ka, a], [kb, b]) => a.rank - b.rank || kindOrder(ka) - kindOrder(kb))
    .map(([k, { n }]) => kindCount(k, n));
  const counts = [plural(bySeverity.error, 'error'), plural(bySeverity.warning, 'warning')];
  if (bySeverity.info > 0) counts.push(`${bySeverity.info} info`);
  const chunks = plural(r.chunks.length, 'chunk');
  const worst = SEVERITIES.find((s) => bySeverity[s] > 0) ?? null;

  if (bySeverity.error > 0) {
    return { status: 'BROKEN', worst, line: `BROKEN: ${kinds.join(', ')} (${counts.join(', ')})` };
  }
  if (r.chunks.length === 0) {
    const extra = r.problems.length ? `; ${kinds.join(', ')} (${counts.join(', ')})` : '';
    // Mid-scan (incomplete) the chunks are found, none recorded yet.
    return { status: 'EMPTY', worst, line: `EMPTY: ${r.incomplete ? 'no chunks recorded yet' : 'no chunks found'}${extra}` };
  }
  if (bySeverity.warning > 0) {
    return {
      status: 'WARNINGS',
      worst,
      line: `WHOLE WITH WARNINGS: ${chunks}, ${kinds.join(', ')} (${counts.join(', ')})`,
    };
  }
  if (r.problems.length > 0) {
    return {
      status: 'WHOLE',
      worst,
      line: `WHOLE: ${chunks}, no errors or warnings; ${kinds.join(', ')} (${counts.join(', ')})`,
    };
  }
  return { status: 'WHOLE', worst, line: `WHOLE: ${chunks}, no problems` };
}

export interface ProblemGroup {
  severity: Severity;
  heading: string;
  problems: Array<Problem & { action: string }>;
}

/** Problems by severity, errors first, each with its action resolved; empty groups left out. */
export function problemGroups(r: ScanReport): ProblemGroup[] {
  const groups: ProblemGroup[] = [];
  const order = [...SEVERITIES];
  for (const p of r.problems) if (!order.includes(p.severity)) order.push(p.severity);
  for (const s of order) {
    const ps = r.problems.filter((p) => p.severity === s).map((p) => ({ ...p, action: actionOf(p) }));
    if (ps.length) groups.push({ severity: s, heading: SEVERITY_HEADING[s] ?? s, problems: ps });
  }
  return groups;
}

/** "1.2 GiB (1288490188 bytes)" */
export function bytesText(n: number | null | undefined): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return UNKNOWN;
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[u]} (${n} bytes)`;
}

/** The last path segment of the drop, for titles and file names. */
export function dropBaseName(drop: string): string {
  const parts = drop.split(/[\\/]+/).filter((s) => s !== '');
  return parts.length ? parts[parts.length - 1] : drop;
}

export interface Overview {
  title: string;
  verdict: Verdict;
  /** Label/value pairs for the report header, in order. */
  facts: Array<[label: string, value: string]>;
  /** Label/value pairs of the summary counts. */
  counts: Array<[label: string, value: string]>;
}

export function overviewOf(r: ScanReport): Overview {
  const s = r.summary;
  const lastData = r.chunks.reduce<number | null>(
    (m, c) => (typeof c.maxDataTs === 'number' && (m === null || c.maxDataTs > m) ? c.maxDataTs : m),
    null,
  );
  const facts: Array<[string, string]> = [
    ['Drop', r.drop],
    ['Format', r.format],
    ['Scanned at', formatIso(r.scannedAt)],
    ['Tool', `${r.tool?.name ?? 'drop-inspector'} ${r.tool?.version ?? ''}`.trim()],
    extentFact(r),
    ['Chunks created', formatSpan(s.firstCreatedTs, s.lastCreatedTs)],
    ['Data up to', formatTs(lastData)],
  ];
  if (r.incomplete) facts.push(['Incomplete', r.incomplete]);
  if (r.options) {
    facts.push([
      'Expected cadence',
      `${formatDuration(r.options.cadenceSeconds)} (grace ${formatDuration(r.options.graceSeconds)}; ${CADENCE_SOURCE_WORDS[r.options.cadenceSource ?? 'given']}), judged as of ${formatIso(r.options.asOf)}`,
    ]);
  }
  const counts: Array<[string, string]> = [
    ['Chunks', String(s.chunks)],
    ['Tables', String(s.tables)],
    ['Rows', String(s.rows)],
    ['Size', bytesText(s.bytes)],
    ['Problems', String(s.problems)],
    ['Errors', String(s.errors)],
    ['Warnings', String(s.warnings)],
    ['Info', String(s.infos)],
  ];
  return { title: `Gap report: ${dropBaseName(r.drop)}`, verdict: verdictOf(r), facts, counts };
}

/** Cells of a problem in the order every format lists them. */
export function problemCells(p: Problem & { action: string }): {
  severity: string;
  kind: string;
  chunk: string;
  previous: string;
  table: string;
  message: string;
  action: string;
} {
  return {
    severity: p.severity,
    kind: p.kind,
    chunk: p.chunk ?? '',
    previous: p.previous ?? '',
    table: p.table ?? '',
    message: p.message,
    action: p.action,
  };
}
