// The Markdown gap report (GitHub-flavoured): pasted into or attached to a ticket, it
// must read well both rendered and as plain text. Every string from the drop is
// escaped so that it shows literally: no markup, no raw HTML, no broken tables.
import type { ScanReport } from '../../shared/report';
import { formatSpan, formatTs, UNKNOWN } from './format-time';
import { axisViewOf, keysText } from './axis-view';
import { overviewOf, problemGroups } from './model';
import { SEVERITY_ICON, severityLabel } from './problem-words';
import { tableNotes, tableTotals } from './table-totals';
import { checksumLabel, noteLabel, rowsText, timelineOf } from './timeline';

const ALNUM = /[A-Za-z0-9]/;

/**
 * Text → Markdown that renders as exactly that text, on one line: backslash-escapes
 * the characters that start markup (including `|`, which would split a table cell, and
 * `<`, which would start raw HTML), and turns line breaks into `<br>`.
 */
export function mdText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      out += '<br>';
    } else if (c === '_') {
      // An underscore between letters or digits never starts emphasis: keep names like
      // interaction_fact readable as plain text.
      const inWord = i > 0 && ALNUM.test(s[i - 1]) && i + 1 < s.length && ALNUM.test(s[i + 1]);
      out += inWord ? c : '\\_';
    } else if ('\\`*[]<>|~&#$!'.includes(c)) {
      out += `\\${c}`;
    } else if (c === '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

/** A cell: plain text (escaped) or ready Markdown. */
type Cell = string | { md: string };

function cell(c: Cell): string {
  const text = typeof c === 'string' ? mdText(c) : c.md;
  return text === '' ? ' ' : text;
}

function mdTable(headers: string[], rows: Cell[][], right: number[] = []): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [
    line(headers.map((h) => mdText(h))),
    line(headers.map((_, i) => (right.includes(i) ? '---:' : '---'))),
    ...rows.map((r) => line(r.map(cell))),
  ];
  return out.join('\n');
}

export function renderMarkdown(r: ScanReport): string {
  const o = overviewOf(r);
  const out: string[] = [];
  const icon = o.verdict.worst ? `${SEVERITY_ICON[o.verdict.worst]} ` : '✔ ';

  out.push(`# ${mdText(o.title)}`, '');
  out.push(`**${mdText(icon + o.verdict.line)}**`, '');
  for (const [label, value] of o.facts) out.push(`- **${mdText(label)}:** ${mdText(value)}`);
  out.push('');

  out.push('## Summary', '');
  out.push(
    mdTable(
      o.counts.map(([l]) => l),
      [o.counts.map(([, v]) => v)],
      o.counts.map((_, i) => i),
    ),
    '',
  );

  out.push('## Timeline', '');
  const axis = axisViewOf(r);
  out.push(`Chunks in continuity order (${axis.time ? 'time' : 'audit key, then time'}). A missing chunk is a row of its own.`, '');
  const timeline = timelineOf(r);
  if (timeline.length === 0) {
    out.push('_No chunks found._', '');
  } else {
    // Checksum files are Info Mart's: families on a time axis have none, so no column claims one is missing.
    const checksums = !axis.time;
    const rows: Cell[][] = timeline.map((row) => {
      if (row.type === 'gap') {
        return [
          '—',
          { md: `**${mdText(`${SEVERITY_ICON.error} ${row.label}`)}**` },
          axis.time ? formatSpan(row.fromTs, row.toTs) : keysText(row.fromKey, row.toKey),
          // On a key axis the times of a gap are an estimate worth a column; on a time axis they are the window.
          ...(axis.instants ? [] : [axis.time ? '' : formatSpan(row.fromTs, row.toTs), '']),
          ...(checksums ? [''] : []),
          '',
          '',
          `${severityLabel(row.problem.severity)}: gap between ${row.previous ?? '?'} and ${row.next ?? '?'}`,
        ];
      }
      const c = row.chunk;
      return [
        String(row.index),
        c.name,
        axis.text(c),
        ...(axis.instants ? [] : [formatTs(c.createdTs), formatTs(c.maxDataTs)]),
        ...(checksums ? [checksumLabel(c.checksum)] : []),
        String(c.tables.length),
        rowsText(row.rows, row.unknownRows),
        row.notes.map(noteLabel).join('\n'),
      ];
    });
    out.push(
      mdTable(
        ['#', 'Chunk', axis.heading, ...(axis.instants ? [] : ['Created', 'Max data']), ...(checksums ? ['Checksum'] : []), 'Tables', 'Rows', 'Notes'],
        rows,
        [0, (axis.instants ? 3 : 5) + (checksums ? 1 : 0)],
      ),
      '',
    );
  }

  out.push('## Problems', '');
  const groups = problemGroups(r);
  if (groups.length === 0) out.push('No problems found.', '');
  for (const g of groups) {
    out.push(`### ${mdText(`${SEVERITY_ICON[g.severity] ?? ''} ${g.heading} (${g.problems.length})`.trim())}`, '');
    out.push(
      mdTable(
        ['Severity', 'Kind', 'Chunk', 'Previous', 'Table', 'Message', 'Action'],
        g.problems.map((p) => [
          severityLabel(p.severity),
          p.kind,
          p.chunk ?? UNKNOWN,
          p.previous ?? UNKNOWN,
          p.table ?? UNKNOWN,
          p.message,
          p.action,
        ]),
      ),
      '',
    );
  }

  out.push('## Tables', '');
  const totals = tableTotals(r);
  if (totals.length === 0) out.push('No tables found.', '');
  else {
    out.push(
      mdTable(
        ['Table', 'Chunks present', 'Rows', 'Notes'],
        totals.map((t) => [t.name, `${t.chunks} of ${r.chunks.length}`, rowsText(t.rows, t.unreadable), tableNotes(t)]),
        [2],
      ),
      '',
    );
  }

  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
