// Severities and problem kinds in words, as every report format writes them: icon and
// word for a severity (never colour alone), "2 gaps" for a kind's count, and the order
// both sort in. Apart from the report model so the timeline, the verdict and the table
// totals share one wording without importing each other.
import type { ProblemKind, Severity } from '../../shared/report';
import { PROBLEM_KINDS } from '../../shared/problem-kinds';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export const SEVERITY_ICON: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };
export const SEVERITY_WORD: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };
export const SEVERITY_HEADING: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Info' };

export function severityRank(s: string): number {
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

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function kindOrder(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}
