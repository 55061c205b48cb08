// The short human summary `scan` prints without --json.
import type { ScanReport } from '../shared/report';

const ts = (s: number | null): string => (s === null ? '?' : new Date(s * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC'));

export function humanSummary(r: ScanReport): string {
  const s = r.summary;
  const lines: string[] = [];
  const verdict =
    s.errors === 0 && s.warnings === 0
      ? 'WHOLE: no problems found'
      : `${s.errors ? 'BROKEN' : 'NEEDS A LOOK'}: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} note${s.infos === 1 ? '' : 's'}`;
  lines.push(`${r.drop}`);
  lines.push(`  ${verdict}`);
  lines.push(
    `  ${s.chunks} chunks (${r.format}), ${s.tables} tables, ${s.rows.toLocaleString('en-US')} rows, audit keys ${s.hwmFrom ?? '?'}..${s.hwmTo ?? '?'}, created ${ts(s.firstCreatedTs)} → ${ts(s.lastCreatedTs)}`,
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
