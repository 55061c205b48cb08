// The HTML gap report: one self-contained file (inline CSS, inline SVG, no scripts, no
// external resources; a Content-Security-Policy forbids both in case anything slips
// through), readable in light and dark mode and on paper. Every string from the drop
// is escaped. Severity is always written out (icon and word), never colour alone.
// The page and its tables are here; the drawing is html-timeline-svg.ts, the style sheet
// html-style.ts.
import type { ScanReport } from '../../shared/report';
import { formatSpan, formatTs, UNKNOWN } from './format-time';
import { type AxisView, axisViewOf, extentText, keysText } from './axis-view';
import { esc } from './html-escape';
import { REPORT_CSS } from './html-style';
import { renderTimelineSvg } from './html-timeline-svg';
import { overviewOf, problemGroups } from './model';
import { SEVERITY_ICON, severityLabel } from './problem-words';
import { tableNotes, tableTotals } from './table-totals';
import { checksumLabel, noteLabel, rowsText, timelineOf, type TimelineRow } from './timeline';

function th(text: string, cls = ''): string {
  return `<th scope="col"${cls ? ` class="${cls}"` : ''}>${esc(text)}</th>`;
}

/** Column widths in percent: fixed layout, so long names wrap instead of widening the page. */
function colgroup(widths: number[]): string {
  return `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>`;
}

function sevCell(severity: string): string {
  return `<td class="sev-${esc(severity)}">${esc(severityLabel(severity))}</td>`;
}

function renderTimelineTable(timeline: TimelineRow[], axis: AxisView): string {
  // Checksum files are Info Mart's: families on a time axis have none, so no column claims one is missing.
  const checksums = !axis.time;
  const head =
    '<thead><tr>' +
    th('#', 'num') +
    th('Chunk') +
    th(axis.heading) +
    (axis.instants ? '' : th('Created') + th('Max data')) +
    (checksums ? th('Checksum') : '') +
    th('Tables', 'num') +
    th('Rows', 'num') +
    th('Notes') +
    '</tr></thead>';
  const body = timeline.map((row) => {
    if (row.type === 'gap') {
      return (
        `<tr class="gap-row">` +
        `<td class="num">${esc(UNKNOWN)}</td>` +
        `<th scope="row">${esc(`${SEVERITY_ICON.error} ${row.label}`)}</th>` +
        `<td>${esc(axis.time ? formatSpan(row.fromTs, row.toTs) : keysText(row.fromKey, row.toKey))}</td>` +
        // On a key axis the times of a gap are an estimate worth a column; on a time axis they are the window.
        (axis.instants ? '' : `<td colspan="2">${axis.time ? '' : esc(formatSpan(row.fromTs, row.toTs))}</td>`) +
        `${checksums ? '<td></td>' : ''}<td class="num"></td><td class="num"></td>` +
        `<td>${esc(`${severityLabel(row.problem.severity)}: gap between ${row.previous ?? '?'} and ${row.next ?? '?'}`)}</td>` +
        `</tr>`
      );
    }
    const c = row.chunk;
    const notes = row.notes.length
      ? `<ul class="notes">${row.notes.map((n) => `<li><span class="sev-${esc(n.severity)}">${esc(noteLabel(n))}</span></li>`).join('')}</ul>`
      : '';
    const cs =
      c.checksum === 'ok'
        ? ''
        : c.checksum === 'missing'
          ? 'sev-warning'
          : c.checksum === 'encrypted'
            ? 'sev-info'
            : 'sev-error';
    return (
      `<tr${row.worst ? ` class="row-${esc(row.worst)}"` : ''}>` +
      `<td class="num">${row.index}</td>` +
      `<th scope="row">${esc(c.name)}</th>` +
      `<td class="time">${esc(extentText(c))}</td>` +
      (axis.instants ? '' : `<td class="time">${esc(formatTs(c.createdTs))}</td><td class="time">${esc(formatTs(c.maxDataTs))}</td>`) +
      (checksums ? `<td${cs ? ` class="${cs}"` : ''}>${esc(checksumLabel(c.checksum))}</td>` : '') +
      `<td class="num">${c.tables.length}</td>` +
      `<td class="num">${esc(rowsText(row.rows, row.unknownRows))}</td>` +
      `<td>${notes}</td>` +
      `</tr>`
    );
  });
  return `<table class="fixed"><caption>Chunks in continuity order (${axis.time ? 'time' : 'audit key, then time'}); a missing chunk is a row of its own.</caption>${colgroup([4, 18, ...(axis.instants ? [20] : [10, 10, 10]), ...(checksums ? [8] : []), 7, 9, axis.instants ? 42 : checksums ? 24 : 32])}${head}<tbody>${body.join('\n')}</tbody></table>`;
}

export function renderHtml(r: ScanReport): string {
  const o = overviewOf(r);
  const timeline = timelineOf(r);
  const sevClass = `sev-${o.verdict.worst ?? 'none'}`;
  const icon = o.verdict.worst ? SEVERITY_ICON[o.verdict.worst] : '✔';
  const out: string[] = [];

  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<meta name="generator" content="${esc(`${r.tool?.name ?? 'drop-inspector'} ${r.tool?.version ?? ''}`.trim())}">`,
    `<title>${esc(`${o.title} (${o.verdict.status})`)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${esc(o.title)}</h1>`,
    `<p class="verdict ${sevClass}">${esc(`${icon} ${o.verdict.line}`)}</p>`,
    `<dl class="facts">${o.facts.map(([l, v]) => `<dt>${esc(l)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`,
    '</header>',
    '<main>',
  );

  out.push(
    '<section aria-labelledby="di-summary"><h2 id="di-summary">Summary</h2>',
    `<table><thead><tr>${o.counts.map(([l]) => th(l, 'num')).join('')}</tr></thead>` +
      `<tbody><tr>${o.counts.map(([, v]) => `<td class="num">${esc(v)}</td>`).join('')}</tr></tbody></table>`,
    '</section>',
  );

  out.push('<section aria-labelledby="di-timeline"><h2 id="di-timeline">Timeline</h2>');
  if (timeline.length === 0) out.push('<p>No chunks found.</p>');
  else out.push(renderTimelineSvg(timeline, axisViewOf(r)), renderTimelineTable(timeline, axisViewOf(r)));
  out.push('</section>');

  out.push('<section aria-labelledby="di-problems"><h2 id="di-problems">Problems</h2>');
  const groups = problemGroups(r);
  if (groups.length === 0) out.push('<p>No problems found.</p>');
  for (const g of groups) {
    out.push(
      `<h3 class="sev-${esc(g.severity)}"><span class="sev">${esc(`${SEVERITY_ICON[g.severity] ?? ''} ${g.heading} (${g.problems.length})`.trim())}</span></h3>`,
      `<table class="fixed">${colgroup([9, 10, 14, 14, 10, 19, 24])}<thead><tr>${th('Severity')}${th('Kind')}${th('Chunk')}${th('Previous')}${th('Table')}${th('Message')}${th('Action')}</tr></thead><tbody>`,
      ...g.problems.map(
        (p) =>
          `<tr>${sevCell(p.severity)}<th scope="row">${esc(p.kind)}</th>` +
          `<td>${esc(p.chunk ?? UNKNOWN)}</td><td>${esc(p.previous ?? UNKNOWN)}</td><td>${esc(p.table ?? UNKNOWN)}</td>` +
          `<td>${esc(p.message)}</td><td>${esc(p.action)}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  out.push('</section>');

  out.push('<section aria-labelledby="di-tables"><h2 id="di-tables">Tables</h2>');
  const totals = tableTotals(r);
  if (totals.length === 0) out.push('<p>No tables found.</p>');
  else {
    out.push(
      `<table class="fixed">${colgroup([35, 15, 15, 35])}<thead><tr>${th('Table')}${th('Chunks present', 'num')}${th('Rows', 'num')}${th('Notes')}</tr></thead><tbody>`,
      ...totals.map(
        (t) =>
          `<tr><th scope="row">${esc(t.name)}</th><td class="num">${t.chunks} of ${r.chunks.length}</td>` +
          `<td class="num">${esc(rowsText(t.rows, t.unreadable))}</td><td>${esc(tableNotes(t))}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  out.push('</section>', '</main>');

  out.push(
    `<footer>${esc(`Generated by ${r.tool?.name ?? 'drop-inspector'} ${r.tool?.version ?? ''} from the scan of ${r.scannedAt}.`)}</footer>`,
    '</body>',
    '</html>',
  );
  return `${out.join('\n')}\n`;
}
