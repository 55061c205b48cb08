// What each member of a bulk-export request ZIP is, by the documented name prefixes (seed 004:
// the parts after the prefixes are not documented, so only the prefix and suffix are read).
import path from 'node:path';

export const RECORD_TYPES = ['session', 'page', 'object', 'error'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export type MemberRole =
  | { role: 'exportinfo' }
  | { role: 'global-stats' }
  | { role: 'section-stats' }
  /** gzip: the documented .csv.gz; a plain .csv is read too (never assumed away). */
  | { role: 'data'; type: RecordType; gzip: boolean };

const DATA = /^(object|page|session|error).*\.csv(\.gz)?$/i;

export function classifyMember(name: string): MemberRole | null {
  const base = path.posix.basename(name.replace(/\\/g, '/'));
  const lower = base.toLowerCase();
  if (lower.startsWith('exportinfo') && lower.endsWith('.xml')) return { role: 'exportinfo' };
  if (lower.startsWith('globalexportstats') && lower.endsWith('.csv')) return { role: 'global-stats' };
  if (lower.startsWith('exportstats') && lower.endsWith('.csv')) return { role: 'section-stats' };
  const m = DATA.exec(base);
  if (m) return { role: 'data', type: m[1].toLowerCase() as RecordType, gzip: !!m[2] };
  return null;
}

/** A request ZIP holds at least one of its metadata files (they are written whether or not data is). */
export function looksLikeRequest(memberNames: string[]): boolean {
  return memberNames.some((n) => {
    const r = classifyMember(n);
    return r !== null && r.role !== 'data';
  });
}
