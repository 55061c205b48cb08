// What every report format shows, computed once from a ScanReport: the verdict line,
// the timeline with gap rows between the chunks they separate, problems grouped by
// severity, per-table totals. The renderers only lay this out and escape it.
import type { Problem, ProblemKind, ReportChunk, ScanReport, Severity } from '../../shared/report';
import { PROBLEM_KINDS } from '../../shared/problem-kinds';
import { actionOf, detailKeyRange, detailTimeRange } from './actions';
import { formatDuration, formatIso, formatSpan, formatTs, UNKNOWN } from './format-time';
import { coverageOf, isTimeAxis, reportAxis, shortfall, timeExtent, timeSpanOf } from '../../shared/coverage-view';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export const SEVERITY_ICON: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };
export const SEVERITY_WORD: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };
export const SEVERITY_HEADING: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Info' };

function severityRank(s: string): number {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? SEVERITIES.length : i;
}

/** "✖ ERROR", "⚠ WARNING", "ℹ INFO": severity as text, never colour alone. */
export function severityLabel(s: string): string {
  const known = SEVERITIES.includes(s as Severity) ? (s as Severity) : null;
  return known ? `${SEVERITY_ICON[known]} ${SEVERITY_WORD[known]}` : s.toUpperCase();
}

const KIND_LABEL: Record<ProblemKind, readonly [one: string, many: string]> = Object.fromEntries(
  Object.entries(PROBLEM_KINDS).map(([k, v]) => [k, v.count]),
) as Record<ProblemKind, readonly [string, string]>;
const KIND_ORDER = Object.keys(KIND_LABEL);

/** "2 gaps", "1 checksum failure"; unknown (newer) kinds as "3 foo-bar problems". */
export function kindCount(kind: string, n: number): string {
  const label = (KIND_LABEL as Record<string, readonly [string, string] | undefined>)[kind];
  if (label) return `${n} ${n === 1 ? label[0] : label[1]}`;
  return `${n} ${kind} problem${n === 1 ? '' : 's'}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

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

function kindOrder(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Problems that relate a chunk to the one before it: placed by (chunk, previous). */
const SEQUENCE_KINDS = new Set<string>(['gap', 'overlap', 'duplicate', 'out-of-order', 'late']);

/** Index of the chunk a sequence problem is about: the one named p.chunk whose predecessor is p.previous. */
function locate(chunks: readonly ReportChunk[], p: Problem): number {
  if (p.chunk === null || p.chunk === undefined) return -1;
  let first = -1;
  for (let i = 0; i < chunks.length; i++) {
    if (chunks[i].name !== p.chunk) continue;
    if (first < 0) first = i;
    if (p.previous && i > 0 && chunks[i - 1].name === p.previous) return i;
  }
  return first;
}

export interface ChunkNote {
  severity: Severity;
  kind: string;
  /** "DUPLICATE of export_A", "checksum failure", … */
  text: string;
}

export interface ChunkRow {
  type: 'chunk';
  /** 1-based position among the chunks. */
  index: number;
  chunk: ReportChunk;
  /** Sum of the known row counts. */
  rows: number;
  /** Tables whose row count is unknown (unreadable). */
  unknownRows: number;
  notes: ChunkNote[];
  /** Worst severity of the notes. */
  worst: Severity | null;
}

export interface GapRow {
  type: 'gap';
  problem: Problem;
  previous: string | null;
  next: string | null;
  fromKey: number | null;
  toKey: number | null;
  fromTs: number | null;
  toTs: number | null;
  /** "MISSING: audit keys 200074..200911", "MISSING: 2026-11-01 12:00:00 UTC → … (6 h)" */
  label: string;
}

/** How the rendered reports place chunks on the family's axis: audit keys, or UTC seconds. */
export interface AxisView {
  time: boolean;
  /** Column heading of a chunk's extent. */
  heading: string;
  /** Where a chunk lies (time axes: its requested window), null when unknown. */
  span(c: ReportChunk): { from: number; to: number } | null;
  /** Requested but not delivered (a short export), drawn hatched. */
  shortfall(c: ReportChunk): Array<{ from: number; to: number }>;
  /** A chunk's extent as text. */
  text(c: ReportChunk): string;
  /** A gap row's extent on the axis. */
  gapSpan(g: GapRow): { from: number | null; to: number | null };
  point(v: number): string;
  /**
   * Chunks are points in time (a day's dump, a scheduled run): the extent is the chunk's
   * day or run time, and the created / max-data columns would only repeat it.
   */
  instants: boolean;
}

export function axisViewOf(r: ScanReport): AxisView {
  if (!isTimeAxis(reportAxis(r))) {
    return {
      time: false,
      heading: 'Audit keys (from → to)',
      span: (c) => (c.hwmTo === null ? null : { from: Math.min(c.hwmFrom ?? c.hwmTo, c.hwmTo), to: Math.max(c.hwmFrom ?? c.hwmTo, c.hwmTo) }),
      shortfall: () => [],
      text: extentText,
      gapSpan: (g) => ({ from: g.fromKey, to: g.toKey }),
      point: (v) => String(v),
      instants: false,
    };
  }
  const axis = reportAxis(r);
  const instants = axis === 'run-date' || axis === 'run-time';
  return {
    time: true,
    instants,
    heading: axis === 'run-date' ? 'Day (UTC)' : axis === 'run-time' ? 'Run (UTC)' : 'Window (UTC)',
    span: timeExtent,
    shortfall,
    text: extentText,
    gapSpan: (g) => ({ from: g.fromTs, to: g.toTs }),
    point: (v) => formatTs(v).replace(/ UTC$/, ''),
  };
}

/** "2026-11-01 12:00:00 UTC → 2026-11-01 18:00:00 UTC (6 h); delivered to 2026-11-01 17:00:00 UTC". */
export function windowText(c: ReportChunk): string {
  const cov = coverageOf(c);
  if (!cov) return UNKNOWN;
  const requested = cov.requestedFrom !== null || cov.requestedTo !== null;
  const main = requested ? formatSpan(cov.requestedFrom, cov.requestedTo) : formatSpan(cov.from, cov.to);
  if (!requested) return main;
  if (cov.to === null) return `${main}; nothing delivered`;
  if (cov.from === cov.requestedFrom && cov.to === cov.requestedTo) return main;
  return `${main}; delivered ${formatSpan(cov.from, cov.to)}`;
}

/** The drop's extent for the report header: audit keys, or its first to last window. */
export function extentFact(r: ScanReport): [string, string] {
  if (!isTimeAxis(reportAxis(r))) return ['Audit keys', keysText(r.summary.hwmFrom, r.summary.hwmTo)];
  const span = timeSpanOf(r);
  const axis = reportAxis(r);
  const label = axis === 'run-time' ? 'Runs' : axis === 'run-date' ? 'Days' : 'Windows';
  if (!span) return [label, UNKNOWN];
  return [label, `${formatSpan(span.from, span.to)}${span.undelivered > 0 ? `; ${formatDuration(span.undelivered)} of it not delivered` : ''}`];
}

export type TimelineRow = ChunkRow | GapRow;

function noteText(p: Problem): string {
  const prev = p.previous ?? '?';
  switch (p.kind) {
    case 'duplicate':
      return `DUPLICATE of ${prev}`;
    case 'overlap':
      return `OVERLAP with ${prev}`;
    case 'out-of-order':
      return `OUT OF ORDER by name (vs ${prev})`;
    case 'late':
      return `LATE after ${prev}`;
    default: {
      const label = kindCount(p.kind, 1).replace(/^1 /, '');
      return p.table ? `${label} (${p.table})` : label;
    }
  }
}

/** The chunks in the order given, with a gap row before the chunk each gap precedes. */
export function timelineOf(r: ScanReport): TimelineRow[] {
  const chunks = r.chunks;
  const gapsBefore = new Map<number, Problem[]>();
  const notes = chunks.map((): ChunkNote[] => []);
  const time = isTimeAxis(reportAxis(r));

  for (const p of r.problems) {
    if (p.kind === 'gap' && p.detail?.inside === true) {
      // A gap inside one chunk (exported shorter than requested): a note on it, not a row between chunks.
      const t = detailTimeRange(p);
      chunks.forEach((c, i) => {
        if (c.name === p.chunk) notes[i].push({ severity: p.severity, kind: p.kind, text: `NOT DELIVERED ${formatSpan(t.from, t.to)}` });
      });
      continue;
    }
    if (p.kind === 'gap') {
      let at = locate(chunks, p);
      if (at < 0) {
        // Not tied to a listed chunk: place it by its keys, else at the end.
        const { from } = detailKeyRange(p);
        at = chunks.length;
        if (from !== null) {
          const after = chunks.findIndex((c) => c.hwmFrom !== null && c.hwmFrom >= from);
          if (after >= 0) at = after;
        }
      }
      const list = gapsBefore.get(at) ?? [];
      list.push(p);
      gapsBefore.set(at, list);
      continue;
    }
    const targets: number[] = [];
    if (SEQUENCE_KINDS.has(p.kind)) {
      const i = locate(chunks, p);
      if (i >= 0) targets.push(i);
    } else if (p.chunk !== null && p.chunk !== undefined) {
      chunks.forEach((c, i) => {
        if (c.name === p.chunk) targets.push(i);
      });
    }
    for (const i of targets) notes[i].push({ severity: p.severity, kind: p.kind, text: noteText(p) });
  }

  const rows: TimelineRow[] = [];
  const pushGaps = (at: number): void => {
    for (const p of gapsBefore.get(at) ?? []) {
      const next = at < chunks.length ? chunks[at] : null;
      const prevChunk =
        at > 0 && (!p.previous || chunks[at - 1].name === p.previous)
          ? chunks[at - 1]
          : (chunks.find((c) => c.name === p.previous) ?? null);
      const keys = detailKeyRange(p);
      const times = detailTimeRange(p);
      const fromKey = time ? null : (keys.from ?? prevChunk?.hwmTo ?? null);
      const toKey = time ? null : (keys.to ?? next?.hwmFrom ?? null);
      const fromTs = times.from ?? (time ? (prevChunk ? timeExtent(prevChunk)?.to : null) : prevChunk?.hwmToTs) ?? null;
      const toTs = times.to ?? (time ? (next ? timeExtent(next)?.from : null) : next?.hwmFromTs) ?? null;
      let label: string;
      if (time) label = fromTs !== null || toTs !== null ? `MISSING: ${formatSpan(fromTs, toTs)}` : 'MISSING: window unknown';
      else label = fromKey !== null || toKey !== null ? `MISSING: audit keys ${fromKey ?? '?'}..${toKey ?? '?'}` : 'MISSING: audit keys unknown';
      rows.push({
        type: 'gap',
        problem: p,
        previous: p.previous ?? prevChunk?.name ?? null,
        next: p.chunk ?? next?.name ?? null,
        fromKey,
        toKey,
        fromTs,
        toTs,
        label,
      });
    }
  };

  chunks.forEach((chunk, i) => {
    pushGaps(i);
    let known = 0;
    let unknown = 0;
    for (const t of chunk.tables) {
      if (typeof t.rows === 'number') known += t.rows;
      else unknown += 1;
    }
    const n = notes[i].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    rows.push({
      type: 'chunk',
      index: i + 1,
      chunk,
      rows: known,
      unknownRows: unknown,
      notes: n,
      worst: n.length ? n[0].severity : null,
    });
  });
  pushGaps(chunks.length);
  return rows;
}

/** "1234" or "1234 + 1 unreadable". */
export function rowsText(rows: number, unknown: number): string {
  return unknown > 0 ? `${rows} + ${unknown} unreadable` : String(rows);
}

/** "13 → 200074"; "—" when both ends are unknown. */
/**
 * A chunk's extent in words: "200074 → 200911" along the audit-key axis today. Renderers
 * call this (not keysText on hwm fields) so that a chunk with a coverage extent on another
 * axis (a time range, a run date) is spoken in that axis's terms.
 */
export function extentText(c: ReportChunk): string {
  const own = coverageOf(c);
  if (own && isTimeAxis(own.axis) && (own.requestedFrom !== null || own.requestedTo !== null)) return windowText(c);
  const cov = (c as ReportChunk & { coverage?: { axis?: string; from?: unknown; to?: unknown } | null }).coverage;
  if (cov && cov.axis && cov.axis !== 'audit-key') {
    const end = (v: unknown): string =>
      typeof v === 'number' ? (cov.axis === 'run-date' ? formatTs(v).slice(0, 10) : formatTs(v)) : typeof v === 'string' && v ? v : UNKNOWN;
    // A day's dump covers [day, next day): it is named by its day; a run by its one time.
    if (cov.axis === 'run-date' && typeof cov.from === 'number' && typeof cov.to === 'number' && cov.to - cov.from <= 86_400) return end(cov.from);
    if (cov.axis === 'run-time' && cov.from === cov.to) return end(cov.from);
    return `${end(cov.from)} → ${end(cov.to)}`;
  }
  return keysText(c.hwmFrom, c.hwmTo);
}

export function keysText(from: number | null, to: number | null): string {
  if (from === null && to === null) return UNKNOWN;
  return `${from ?? UNKNOWN} → ${to ?? UNKNOWN}`;
}

/** A chunk's checksum state with an icon where it is bad: "ok", "✖ mismatch", "⚠ missing". */
export function checksumLabel(state: string): string {
  switch (state) {
    case 'mismatch':
    case 'error':
      return `${SEVERITY_ICON.error} ${state}`;
    case 'missing':
      return `${SEVERITY_ICON.warning} ${state}`;
    case 'encrypted':
      return `${SEVERITY_ICON.info} ${state}`;
    default:
      return state;
  }
}

/** "unreadable in 1 chunk; 3 malformed rows; columns differ between chunks" */
export function tableNotes(t: TableTotal): string {
  const notes: string[] = [];
  if (t.unreadable) notes.push(`unreadable in ${plural(t.unreadable, 'chunk')}`);
  if (t.malformedRows) notes.push(plural(t.malformedRows, 'malformed row'));
  if (t.columnSets > 1) notes.push(`${t.columnSets} different column lists`);
  return notes.join('; ');
}

export function noteLabel(n: ChunkNote): string {
  return `${severityLabel(n.severity)}: ${n.text}`;
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

export interface TableTotal {
  name: string;
  /** Chunks the table is in. */
  chunks: number;
  /** Rows across those chunks, where known. */
  rows: number;
  /** Chunks where its row count is unknown. */
  unreadable: number;
  malformedRows: number;
  /** Distinct column lists seen (more than one: the schema changed). */
  columnSets: number;
}

/** Per-table totals across chunks, by table name as written, sorted by name. */
export function tableTotals(r: ScanReport): TableTotal[] {
  const byName = new Map<string, TableTotal & { sets: Set<string> }>();
  for (const c of r.chunks) {
    const seen = new Set<string>();
    for (const t of c.tables) {
      const tt = byName.get(t.name) ?? {
        name: t.name,
        chunks: 0,
        rows: 0,
        unreadable: 0,
        malformedRows: 0,
        columnSets: 0,
        sets: new Set<string>(),
      };
      if (!seen.has(t.name)) tt.chunks += 1;
      seen.add(t.name);
      if (typeof t.rows === 'number') tt.rows += t.rows;
      else tt.unreadable += 1;
      tt.malformedRows += t.malformedRows ?? 0;
      if (t.columns.length) tt.sets.add(JSON.stringify(t.columns));
      byName.set(t.name, tt);
    }
  }
  return [...byName.values()]
    .map(({ sets, ...t }) => ({ ...t, columnSets: sets.size }))
    .sort((a, b) => {
      const x = a.name.toLowerCase();
      const y = b.name.toLowerCase();
      return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
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
      `${formatDuration(r.options.cadenceSeconds)} (grace ${formatDuration(r.options.graceSeconds)}), judged as of ${formatIso(r.options.asOf)}`,
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
