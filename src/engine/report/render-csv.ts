// The CSV gap report: one table that loads in a spreadsheet and filters by `section`:
//   summary  the verdict and the report's facts (kind names the fact)
//   problem  one row per problem, errors first
//   chunk    the timeline, one row per chunk in continuity order …
//   gap      … with a row for each missing chunk between the chunks it separates
//   table    per-table totals across chunks
// RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes doubled.
// A UTF-8 byte-order mark leads, so spreadsheet programs read non-ASCII names right.
// Cells that a spreadsheet would run as a formula get a leading apostrophe.
import type { ScanReport } from '../../shared/report';
import { detailKeyRange } from './actions';
import { formatSpan, formatTsPlain } from './format-time';
import { overviewOf, problemGroups } from './model';
import { tableNotes, tableTotals } from './table-totals';
import { noteLabel, timelineOf } from './timeline';

export const CSV_COLUMNS = [
  'section',
  'severity',
  'kind',
  'chunk',
  'previous',
  'table',
  'hwm_from',
  'hwm_to',
  'created_utc',
  'checksum',
  'rows',
  'message',
  'action',
] as const;

type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null | undefined>>;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Neutralises formula injection: a cell starting with = + - @ (or a tab or CR, which
 * some programs skip before looking) is shown as text by a leading apostrophe.
 * Plain numbers, negative ones included, stay numbers.
 */
export function csvGuard(s: string): string {
  if (s === '' || PLAIN_NUMBER.test(s)) return s;
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = csvGuard(typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function line(row: Row): string {
  return CSV_COLUMNS.map((c) => csvField(row[c])).join(',');
}

export function renderCsv(r: ScanReport): string {
  const o = overviewOf(r);
  const rows: Row[] = [];

  rows.push({
    section: 'summary',
    severity: o.verdict.worst ?? '',
    kind: 'verdict',
    hwm_from: r.summary.hwmFrom,
    hwm_to: r.summary.hwmTo,
    rows: r.summary.rows,
    message: o.verdict.line,
  });
  for (const [label, value] of o.facts) {
    rows.push({ section: 'summary', kind: label.toLowerCase().replace(/\s+/g, '_'), message: value });
  }
  rows.push({
    section: 'summary',
    kind: 'counts',
    message: o.counts.map(([l, v]) => `${l}: ${v}`).join('; '),
  });

  const chunkByName = new Map(r.chunks.map((c) => [c.name, c]));
  for (const g of problemGroups(r)) {
    for (const p of g.problems) {
      const c = p.chunk !== null ? chunkByName.get(p.chunk) : undefined;
      const keys = detailKeyRange(p);
      const hasKeys = keys.from !== null || keys.to !== null;
      const table = p.table !== null && c ? c.tables.find((t) => t.name === p.table) : undefined;
      rows.push({
        section: 'problem',
        severity: p.severity,
        kind: p.kind,
        chunk: p.chunk,
        previous: p.previous,
        table: p.table,
        // The problem's own extent where it has one (a gap's missing keys), else its chunk's.
        hwm_from: hasKeys ? keys.from : c?.hwmFrom,
        hwm_to: hasKeys ? keys.to : c?.hwmTo,
        created_utc: formatTsPlain(c?.createdTs),
        checksum: c?.checksum,
        rows: table?.rows,
        message: p.message,
        action: p.action,
      });
    }
  }

  for (const row of timelineOf(r)) {
    if (row.type === 'gap') {
      rows.push({
        section: 'gap',
        severity: row.problem.severity,
        kind: 'gap',
        chunk: row.next,
        previous: row.previous,
        hwm_from: row.fromKey,
        hwm_to: row.toKey,
        message: `${row.label}; time ${formatSpan(row.fromTs, row.toTs)}`,
      });
      continue;
    }
    const c = row.chunk;
    const tables = c.tables.map((t) => `${t.name} (${t.rows ?? 'unreadable'})`).join('; ');
    const notes = row.notes.map(noteLabel).join('; ');
    rows.push({
      section: 'chunk',
      severity: row.worst ?? '',
      kind: row.notes.map((n) => n.kind).join(' '),
      chunk: c.name,
      hwm_from: c.hwmFrom,
      hwm_to: c.hwmTo,
      created_utc: formatTsPlain(c.createdTs),
      checksum: c.checksum,
      // Known rows only, so that the column sums; unreadable tables are named in the message.
      rows: row.rows,
      message: [
        `#${row.index}`,
        row.unknownRows ? `rows unknown in ${row.unknownRows} unreadable table${row.unknownRows === 1 ? '' : 's'}` : '',
        `max data ${formatTsPlain(c.maxDataTs) || 'unknown'}`,
        `${c.tables.length} table${c.tables.length === 1 ? '' : 's'}${tables ? `: ${tables}` : ''}`,
        notes,
      ]
        .filter(Boolean)
        .join('; '),
    });
  }

  for (const t of tableTotals(r)) {
    rows.push({
      section: 'table',
      table: t.name,
      rows: t.rows,
      message: [`in ${t.chunks} of ${r.chunks.length} chunks`, tableNotes(t)].filter(Boolean).join('; '),
    });
  }

  return `\ufeff${[CSV_COLUMNS.join(','), ...rows.map(line)].join('\r\n')}\r\n`;
}
