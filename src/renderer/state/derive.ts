// Derived, cached views of a ScanReport (computed once per report object).
import type { Problem, ProblemKind, ReportChunk, ScanReport, Severity } from '../../shared/report';
import { PROBLEM_KINDS } from '../../shared/problem-kinds';

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface Verdict {
  whole: boolean;
  problems: number;
  errors: number;
  warnings: number;
  infos: number;
  /** "Whole" or "N problems: X errors, Y warnings". */
  text: string;
  worst: Severity | null;
}

export interface ReportIndex {
  chunkByName: Map<string, ReportChunk>;
  chunkIndex: Map<string, number>;
  /** Indices into report.problems, per chunk name (problem.chunk). */
  problemsByChunk: Map<string, number[]>;
  worstByChunk: Map<string, Severity>;
  /** Problem indices sorted by severity, then report order. */
  problemsBySeverity: number[];
  kinds: Map<ProblemKind, number>;
  verdict: Verdict;
  /** Every table name, sorted. */
  tableNames: string[];
  /** Sum of table rows per chunk (null when no table could be counted). */
  rowsByChunk: Map<string, number | null>;
  /** The missing key range of each gap problem, by problem index. */
  gapRanges: Map<number, { from: number | null; to: number | null }>;
}

const cache = new WeakMap<ScanReport, ReportIndex>();

function count(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}

/** `incomplete`: a scan is still recording chunks (ScanReport.incomplete): none yet is not "Whole". */
export function verdictOf(problems: Problem[], incomplete = false): Verdict {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const p of problems) {
    if (p.severity === 'error') errors++;
    else if (p.severity === 'warning') warnings++;
    else infos++;
  }
  const n = problems.length;
  let text: string;
  if (n === 0) text = incomplete ? 'No problems' : 'Whole';
  else {
    text = `${count(n, 'problem')}: ${count(errors, 'error')}, ${count(warnings, 'warning')}`;
    if (infos) text += `, ${infos} info`;
  }
  return {
    whole: n === 0,
    problems: n,
    errors,
    warnings,
    infos,
    text,
    worst: errors ? 'error' : warnings ? 'warning' : infos ? 'info' : null,
  };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The missing audit-key range of a gap: from the problem's detail, else from its chunks. */
export function gapRangeOf(p: Problem, chunkByName: Map<string, ReportChunk>): { from: number | null; to: number | null } {
  const d = p.detail ?? {};
  const from = num(d.from) ?? num(d.missingFrom) ?? num(d.hwmFrom) ?? num(d.fromKey) ?? num(d.start);
  const to = num(d.to) ?? num(d.missingTo) ?? num(d.hwmTo) ?? num(d.toKey) ?? num(d.end);
  if (from !== null && to !== null) return { from, to };
  const prev = p.previous ? chunkByName.get(p.previous) : undefined;
  const next = p.chunk ? chunkByName.get(p.chunk) : undefined;
  return { from: from ?? prev?.hwmTo ?? null, to: to ?? next?.hwmFrom ?? null };
}

export function indexReport(report: ScanReport): ReportIndex {
  const hit = cache.get(report);
  if (hit) return hit;
  const chunkByName = new Map<string, ReportChunk>();
  const chunkIndex = new Map<string, number>();
  const tableSet = new Set<string>();
  const rowsByChunk = new Map<string, number | null>();
  report.chunks.forEach((c, i) => {
    if (!chunkByName.has(c.name)) {
      chunkByName.set(c.name, c);
      chunkIndex.set(c.name, i);
    }
    let sum: number | null = null;
    for (const t of c.tables) {
      tableSet.add(t.name);
      if (t.rows !== null && t.rows !== undefined) sum = (sum ?? 0) + t.rows;
    }
    rowsByChunk.set(c.name, sum);
  });
  const problemsByChunk = new Map<string, number[]>();
  const worstByChunk = new Map<string, Severity>();
  const kinds = new Map<ProblemKind, number>();
  const gapRanges = new Map<number, { from: number | null; to: number | null }>();
  report.problems.forEach((p, i) => {
    kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    if (p.kind === 'gap') gapRanges.set(i, gapRangeOf(p, chunkByName));
    if (!p.chunk) return;
    const list = problemsByChunk.get(p.chunk);
    if (list) list.push(i);
    else problemsByChunk.set(p.chunk, [i]);
    const worst = worstByChunk.get(p.chunk);
    if (!worst || SEVERITY_RANK[p.severity] < SEVERITY_RANK[worst]) worstByChunk.set(p.chunk, p.severity);
  });
  const problemsBySeverity = report.problems
    .map((_, i) => i)
    .sort((a, b) => SEVERITY_RANK[report.problems[a].severity] - SEVERITY_RANK[report.problems[b].severity] || a - b);
  const index: ReportIndex = {
    chunkByName,
    chunkIndex,
    problemsByChunk,
    worstByChunk,
    problemsBySeverity,
    kinds,
    verdict: verdictOf(report.problems, !!report.incomplete),
    tableNames: [...tableSet].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
    rowsByChunk,
    gapRanges,
  };
  cache.set(report, index);
  return index;
}

/** A key to find "the same" problem in a refreshed report. */
export function problemKey(p: Problem): string {
  return `${p.kind}\u0000${p.chunk ?? ''}\u0000${p.table ?? ''}\u0000${p.message}`;
}

export const KIND_LABELS = Object.fromEntries(Object.entries(PROBLEM_KINDS).map(([k, v]) => [k, v.title])) as Record<ProblemKind, string>;

export function kindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? kind;
}
