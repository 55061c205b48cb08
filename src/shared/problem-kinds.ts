// Every problem kind, once: its severity, its title (the app's filters and badges) and how
// a report counts it ("2 gaps"). The kind names are the report contract's
// (docs/report-contract.md); severities are part of it too. A new kind is one line here,
// plus its action in engine/report/actions.ts (a test holds every kind to having one).
import type { Severity } from './report';

export interface KindInfo {
  severity: Severity;
  /** Title case, short: the app's filter lists, badges and legends. */
  title: string;
  /** For counts in a sentence: [one, many]. */
  count: readonly [one: string, many: string];
}

/** In the order reports list them (worst first within a severity is the renderers' job). */
export const PROBLEM_KINDS = {
  gap: { severity: 'error', title: 'Gap', count: ['gap', 'gaps'] },
  overlap: { severity: 'warning', title: 'Overlap', count: ['overlap', 'overlaps'] },
  duplicate: { severity: 'warning', title: 'Duplicate', count: ['duplicate', 'duplicates'] },
  'out-of-order': { severity: 'warning', title: 'Out of order', count: ['out-of-order chunk', 'out-of-order chunks'] },
  'checksum-mismatch': { severity: 'error', title: 'Checksum mismatch', count: ['checksum failure', 'checksum failures'] },
  'checksum-missing': { severity: 'warning', title: 'Checksum missing', count: ['missing checksum', 'missing checksums'] },
  'metadata-missing': { severity: 'warning', title: 'Metadata missing', count: ['missing metadata file', 'missing metadata files'] },
  'metadata-invalid': { severity: 'error', title: 'Metadata invalid', count: ['invalid metadata file', 'invalid metadata files'] },
  'archive-missing': { severity: 'error', title: 'Archive missing', count: ['missing archive', 'missing archives'] },
  'archive-corrupt': { severity: 'error', title: 'Archive corrupt', count: ['corrupt archive', 'corrupt archives'] },
  encrypted: { severity: 'info', title: 'Encrypted', count: ['encrypted chunk', 'encrypted chunks'] },
  'table-unreadable': { severity: 'error', title: 'Table unreadable', count: ['unreadable table', 'unreadable tables'] },
  'malformed-row': { severity: 'warning', title: 'Malformed rows', count: ['table with malformed rows', 'tables with malformed rows'] },
  'schema-change': { severity: 'warning', title: 'Schema change', count: ['schema change', 'schema changes'] },
  late: { severity: 'warning', title: 'Late', count: ['late chunk', 'late chunks'] },
  stale: { severity: 'warning', title: 'Stale', count: ['stale drop', 'stale drops'] },
  'future-dated': { severity: 'warning', title: 'Future-dated', count: ['future-dated chunk', 'future-dated chunks'] },
  'name-mismatch': { severity: 'warning', title: 'Name mismatch', count: ['name mismatch', 'name mismatches'] },
  'suspicious-entry': { severity: 'warning', title: 'Suspicious entry', count: ['suspicious archive entry', 'suspicious archive entries'] },
  'file-changed': { severity: 'warning', title: 'File changed', count: ['file changed during the scan', 'files changed during the scan'] },
  'unexpected-file': { severity: 'info', title: 'Unexpected file', count: ['unexpected file', 'unexpected files'] },
  'unreadable-entry': { severity: 'error', title: 'Unreadable entry', count: ['unreadable entry', 'unreadable entries'] },
  'link-not-followed': { severity: 'info', title: 'Link not followed', count: ['link not followed', 'links not followed'] },
  'row-count-mismatch': { severity: 'error', title: 'Row count mismatch', count: ['row-count mismatch', 'row-count mismatches'] },
  'missing-table': { severity: 'warning', title: 'Missing table', count: ['missing table', 'missing tables'] },
  'volume-drop': { severity: 'warning', title: 'Volume drop', count: ['volume drop', 'volume drops'] },
  'duplicate-key': { severity: 'warning', title: 'Duplicate keys', count: ['table with duplicate keys', 'tables with duplicate keys'] },
  retention: { severity: 'info', title: 'Retention', count: ['retention note', 'retention notes'] },
  'orphan-rows': { severity: 'warning', title: 'Orphan rows', count: ['orphan rows', 'orphan rows'] },
  'count-missing': { severity: 'warning', title: 'Count file missing', count: ['missing count file', 'missing count files'] },
  'empty-extract': { severity: 'info', title: 'Empty extract', count: ['empty extract', 'empty extracts'] },
  'in-transfer': { severity: 'info', title: 'In transfer', count: ['file in transfer', 'files in transfer'] },
  /** Bulk exports: the statistics file says the export was terminated (its reason in detail.reason). */
  'export-terminated': { severity: 'error', title: 'Export terminated', count: ['terminated export', 'terminated exports'] },
  /** Bulk exports: records dropped or discarded by the vendor's system (stats counts above 0). */
  'records-dropped': { severity: 'warning', title: 'Records dropped', count: ['request with dropped records', 'requests with dropped records'] },
  /** Bulk exports: the request's stats file says no data was available for its window. */
  'no-data': { severity: 'info', title: 'No data', count: ['request without data', 'requests without data'] },
  /** Bulk exports: the configuration changed during the export (more than one section). */
  'section-change': { severity: 'warning', title: 'Configuration changed', count: ['configuration change during an export', 'configuration changes during exports'] },
} as const satisfies Record<string, KindInfo>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export const SEVERITY_OF = Object.fromEntries(Object.entries(PROBLEM_KINDS).map(([k, v]) => [k, v.severity])) as Record<ProblemKind, Severity>;
