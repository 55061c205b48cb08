// The short human summary `scan` prints without --json.
import type { ScanReport } from '../shared/report';
import { groupDigits } from '../shared/numbers';

const ts = (s: number | null): string => (s === null ? '?' : new Date(s * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC'));

/** A chunk's extent on the axis: requested where there is one, else delivered. */
export interface ChunkExtent {
  from: number | null;
  to: number | null;
}

/** The drop's extent on its axis: audit keys, or the first and last times or days. */
function extent(r: ScanReport, extents: ChunkExtent[]): string {
  const axis = r.axis ?? 'audit-key';
  if (axis === 'audit-key') return `audit keys ${r.summary.hwmFrom ?? '?'}..${r.summary.hwmTo ?? '?'}`;
  const from = extents.map((e) => e.from).filter((v): v is number => v !== null);
  const to = extents.map((e) => e.to).filter((v): v is number => v !== null);
  const first = from.length ? from.reduce((a, b) => Math.min(a, b)) : null;
  const last = to.length ? to.reduce((a, b) => Math.max(a, b)) : null;
  if (axis === 'run-date') {
    const day = (v: number | null): string => (v === null ? '?' : new Date(v * 1000).toISOString().slice(0, 10));
    return `days ${day(first)} → ${day(last === null ? null : last - 86400)}`;
  }
  return `${axis === 'run-time' ? 'runs' : 'windows'} ${ts(first)} → ${ts(last)}`;
}

/** `extents`: the chunks' (reportOverview gives them with a report without chunk entries). */
export function humanSummary(
  r: ScanReport,
  extents: ChunkExtent[] = r.chunks.map((c) => ({ from: c.coverage?.requestedFrom ?? c.coverage?.from ?? null, to: c.coverage?.requestedTo ?? c.coverage?.to ?? null })),
): string {
  const s = r.summary;
  const lines: string[] = [];
  const verdict =
    s.errors === 0 && s.warnings === 0
      ? 'WHOLE: no problems found'
      : `${s.errors ? 'BROKEN' : 'NEEDS A LOOK'}: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} note${s.infos === 1 ? '' : 's'}`;
  lines.push(`${r.drop}`);
  lines.push(`  ${verdict}`);
  lines.push(
    `  ${s.chunks} chunks (${r.label ?? r.format}), ${s.tables} tables, ${groupDigits(s.rows)} rows, ${extent(r, extents)}, created ${ts(s.firstCreatedTs)} → ${ts(s.lastCreatedTs)}`,
  );
  const byKind = new Map<string, number>();
  for (const p of r.problems) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
  if (byKind.size) lines.push(`  ${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const shown = r.problems.filter((p) => p.severity !== 'info').slice(0, 40);
  for (const p of shown) {
    lines.push(`  ${p.severity.toUpperCase().padEnd(7)} ${p.kind.padEnd(17)} ${p.chunk ?? '-'}${p.table ? ` [${p.table}]` : ''}: ${p.message}`);
  }
  const more = r.problems.filter((p) => p.severity !== 'info').length - shown.length;
  if (more > 0) lines.push(`  … and ${more} more (see --json or \`drop-inspector report\`)`);
  return lines.join('\n') + '\n';
}
