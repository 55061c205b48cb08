// A problem as one line of the timeline's tooltip.
import type { Problem } from '../../../shared/report';
import { kindLabel } from '../../state/derive';

/** Longest message excerpt a tooltip line carries (the chunk pane has the whole text). */
const EXCERPT = 72;

/**
 * Severity, kind, table and the start of the message, so that two problems of one kind on a
 * chunk (a bulk request's gap before it and the gap inside it) read apart.
 */
export function problemLine(p: Pick<Problem, 'severity' | 'kind' | 'table' | 'message'>): string {
  const m = p.message.replace(/\s+/g, ' ').trim();
  const excerpt = m.length > EXCERPT ? `${m.slice(0, EXCERPT - 1).trimEnd()}…` : m;
  return `${p.severity.toUpperCase()}: ${kindLabel(p.kind)}${p.table ? ` (${p.table})` : ''}${excerpt ? ` · ${excerpt}` : ''}`;
}
