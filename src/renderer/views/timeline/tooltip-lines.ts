// The timeline's tooltip text: what a chunk, a bin of chunks or a break is, in lines. Separate
// from TimelineCanvas.tsx because it is plain wording from the report, with no React in it.
import type { ScanReport } from '../../../shared/report';
import { coverageLabel, coverageOf, isTimeAxis, reportAxis, shortfall, showsArchive } from '../../../shared/coverage-view';
import { indexReport } from '../../state/derive';
import { formatInt, formatKeyRange, formatUtc } from '../../format';
import type { TimelineItem, TimelineLayout } from './layout-types';
import type { Hit } from './hit-test';
import type { Bin } from './bins';
import { markLabels } from './marks';
import { problemLine } from './problem-line';

function describeItem(report: ScanReport, item: TimelineItem, axis: 'key' | 'time'): string[] {
  const c = report.chunks[item.index];
  const idx = indexReport(report);
  const cov = coverageOf(c);
  const lines = [c.name];
  if (cov && isTimeAxis(cov.axis)) {
    if (cov.requestedFrom !== null || cov.requestedTo !== null) lines.push(`requested ${formatUtc(cov.requestedFrom)} → ${formatUtc(cov.requestedTo)} UTC`);
    const { label, text } = coverageLabel(cov);
    lines.push(`${label.toLowerCase()} ${text}`);
    const missing = shortfall(c).reduce((s, x) => s + x.to - x.from, 0);
    if (missing > 0) lines.push(`${(missing / 3600).toFixed(1)} h requested but not delivered (hatched)`);
    lines.push(`created ${formatUtc(c.createdTs)} UTC${showsArchive(c, cov) ? ` · archive ${c.archive}` : ''}`);
  } else {
    lines.push(`audit keys ${formatKeyRange(c.hwmFrom, c.hwmTo)}${c.keySource === 'name' ? ' (from the name)' : ''}`);
    lines.push(`created ${formatUtc(c.createdTs)} UTC`);
    if (axis === 'time' && item.inferredStart) lines.push('start time unknown: taken from the chunk before');
    lines.push(`checksum ${c.checksum} · metadata ${c.metadata} · archive ${c.archive}`);
  }
  const probs = idx.problemsByChunk.get(c.name) ?? [];
  for (const i of probs.slice(0, 4)) {
    const p = report.problems[i];
    lines.push(problemLine(p));
  }
  if (probs.length > 4) lines.push(`… ${probs.length - 4} more problems`);
  if (!probs.length && item.marks.length) lines.push(item.marks.map((m) => markLabels(reportAxis(report))[m.kind]).join(', '));
  if (!probs.length && !item.marks.length) lines.push('no problems');
  return lines;
}

export function describeBin(layout: TimelineLayout, b: Bin): string[] {
  const counts = [
    b.errors ? `${formatInt(b.errors)} with errors` : '',
    b.warnings ? `${formatInt(b.warnings)} with warnings` : '',
    b.infos ? `${formatInt(b.infos)} with notes` : '',
  ].filter(Boolean);
  return [
    `${formatInt(b.count)} chunks: ${layout.items[b.first].name} … ${layout.items[b.last].name}`,
    counts.length ? counts.join(', ') : 'no problems',
    'Click to zoom in',
  ];
}

export function describeHit(report: ScanReport, layout: TimelineLayout, hit: Hit): string[] | null {
  if (!hit) return null;
  if (hit.type === 'chunk') return describeItem(report, hit.item, layout.axis);
  const b = hit.brk;
  if (b.kind === 'gap' && layout.axis === 'time') {
    return [
      `Gap: ${formatUtc(b.from)} .. ${formatUtc(b.to)} UTC is in no chunk`,
      `${((b.to - b.from) / 3600).toFixed(1)} h missing${b.chunk ? ` before ${b.chunk}` : ''}`,
      b.compressed ? 'drawn narrower than its true size (broken axis)' : 'drawn widened to stay visible',
    ];
  }
  if (b.kind === 'gap') {
    return [
      `Gap: audit keys ${b.from}..${b.to} are in no chunk`,
      `${formatInt(b.to - b.from)} keys missing${b.chunk ? ` before ${b.chunk}` : ''}`,
      b.compressed ? 'drawn narrower than its true size (broken axis)' : 'drawn widened to stay visible',
    ];
  }
  const hours = (b.to - b.from) / 3600;
  return [
    `No chunk covers ${formatUtc(b.from)} .. ${formatUtc(b.to)} UTC`,
    `${hours.toFixed(1)} h of silence${b.chunk ? ` before ${b.chunk}` : ''}`,
  ];
}
