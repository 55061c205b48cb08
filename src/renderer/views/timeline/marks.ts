// The letters drawn on a chunk, so colour is never the only signal: which problem kinds and
// chunk states map to which mark, its glyph and its words. Separate from the placement
// (layout.ts) because the legend and the tooltip read the words without placing anything.
import type { Problem, ReportChunk, Severity } from '../../../shared/report';
import type { AxisKind } from '../../../shared/family';

/** Symbols drawn on a chunk, so colour is never the only signal. */
export type MarkKind =
  | 'gap'
  | 'partial'
  | 'checksum'
  | 'checksum-missing'
  | 'metadata'
  | 'archive'
  | 'encrypted'
  | 'duplicate'
  | 'overlap'
  | 'schema'
  | 'late'
  | 'order'
  | 'rows'
  | 'table'
  | 'other';

export const MARK_GLYPH: Record<MarkKind, string> = {
  gap: 'G',
  partial: 'P',
  checksum: '✕',
  'checksum-missing': '?',
  metadata: 'M',
  archive: '!',
  encrypted: 'E',
  duplicate: 'D',
  overlap: 'O',
  schema: 'S',
  late: 'L',
  order: 'N',
  rows: '#',
  table: 'T',
  other: '•',
};

export const MARK_LABEL: Record<MarkKind, string> = {
  gap: 'chunks are missing just before it (a gap)',
  partial: 'partly delivered (requested, not exported)',
  checksum: 'checksum failed',
  'checksum-missing': 'no checksum file',
  metadata: 'metadata file missing or broken',
  archive: 'archive or table cannot be read, or the export was terminated',
  encrypted: 'encrypted',
  duplicate: 'duplicate of another chunk',
  overlap: 'overlaps the chunk before',
  schema: 'a table changed its columns',
  late: 'arrived late, or is the newest and the next is overdue (stale)',
  order: 'out of name order: sorting by name puts it elsewhere than its place on the axis does',
  rows: 'malformed rows or row counts off',
  table: 'a table missing or collapsed',
  other: "another problem (a suspicious or unreadable entry, …): see the chunk's problems",
};

/** Where a chunk's place comes from, per axis: the "order" letter names it in the drop's words. */
const ORDER_BASIS: Record<AxisKind, string> = {
  'audit-key': 'its audit keys do',
  'time-range': 'its time window does',
  'run-date': 'its run date does',
  'run-time': 'its run time does',
};

/** The letters' meanings for a drop on `axis` (only "order" depends on it). */
export function markLabels(axis: AxisKind): Record<MarkKind, string> {
  return { ...MARK_LABEL, order: `out of name order: sorting by name puts it elsewhere than ${ORDER_BASIS[axis]}` };
}

export interface Mark {
  kind: MarkKind;
  severity: Severity;
}

function markOf(p: Problem): MarkKind | null {
  switch (p.kind) {
    case 'checksum-mismatch':
      return 'checksum';
    case 'checksum-missing':
      return 'checksum-missing';
    case 'metadata-missing':
    case 'metadata-invalid':
      return 'metadata';
    case 'archive-missing':
    case 'archive-corrupt':
    case 'table-unreadable':
      return 'archive';
    case 'encrypted':
      return 'encrypted';
    case 'duplicate':
      return 'duplicate';
    case 'overlap':
      return 'overlap';
    case 'schema-change':
      return 'schema';
    case 'late':
    case 'stale':
    case 'future-dated':
      return 'late';
    case 'out-of-order':
    case 'name-mismatch':
      return 'order';
    case 'malformed-row':
    case 'row-count-mismatch':
    case 'records-dropped':
      return 'rows';
    case 'export-terminated':
      return 'archive';
    case 'section-change':
      return 'schema';
    case 'gap':
      // A gap inside the chunk (a short export) is drawn hatched in the chunk, not as chunks missing before it.
      if (p.detail?.inside === true) return 'partial';
      return 'gap'; // also drawn as a break on the key axis
    case 'missing-table':
    case 'volume-drop':
      return 'table';
    default:
      return 'other';
  }
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function marksFor(chunk: ReportChunk, problems: Problem[], indices: number[] | undefined, archiveFamily = true): { marks: Mark[]; severity: Severity | null } {
  const byKind = new Map<MarkKind, Severity>();
  let severity: Severity | null = null;
  const add = (kind: MarkKind, sev: Severity) => {
    const had = byKind.get(kind);
    if (!had || RANK[sev] < RANK[had]) byKind.set(kind, sev);
  };
  for (const i of indices ?? []) {
    const p = problems[i];
    if (!severity || RANK[p.severity] < RANK[severity]) severity = p.severity;
    const k = markOf(p);
    if (k) add(k, p.severity);
  }
  // States of the chunk itself, in case the problem list does not spell them out (Info Mart
  // archives: other families leave checksum and metadata at their defaults and report by problems).
  if (archiveFamily) addArchiveStates(chunk, add);
  else if (chunk.archive === 'corrupt') add('archive', 'error'); // archive-based families (bulk ZIPs)
  for (const s of byKind.values()) if (!severity || RANK[s] < RANK[severity]) severity = s;
  const order: MarkKind[] = ['gap', 'partial', 'checksum', 'archive', 'metadata', 'checksum-missing', 'duplicate', 'overlap', 'order', 'table', 'schema', 'late', 'rows', 'encrypted', 'other'];
  const marks = order.filter((k) => byKind.has(k)).map((k) => ({ kind: k, severity: byKind.get(k)! }));
  return { marks, severity };
}

function addArchiveStates(chunk: ReportChunk, add: (kind: MarkKind, sev: Severity) => void): void {
  if (chunk.checksum === 'mismatch' || chunk.checksum === 'error') add('checksum', 'error');
  if (chunk.checksum === 'missing') add('checksum-missing', 'warning');
  if (chunk.checksum === 'encrypted' || chunk.archive === 'encrypted') add('encrypted', 'info');
  if (chunk.metadata === 'missing') add('metadata', 'warning');
  if (chunk.metadata === 'invalid') add('metadata', 'error');
  if (chunk.archive === 'corrupt' || chunk.archive === 'missing') add('archive', 'error');
}
