// The Markdown and CSV reports: every cell as a GFM or RFC 4180 reader sees it.
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { type Problem } from '../../src/shared/report';
import { actionFor } from '../../src/engine/report/actions';
import { renderCsv, csvGuard, CSV_COLUMNS } from '../../src/engine/report/render-csv';
import { mdText, renderMarkdown } from '../../src/engine/report/render-markdown';
import { A, B, NASTY_CHUNK, NASTY_TABLE, SCRIPT_TABLE } from './sample-report';
import { r, actionOf, GAP_LABEL, VERDICT, mdCells, mdCellText, unescapedPipes, mdTables, mdAllCellTexts, normalizeNewlines, parseCsv, unguard } from './render-helpers';

describe('Markdown', () => {
  const md = renderMarkdown(r);
  const cellTexts = mdAllCellTexts(md);

  it('holds the verdict', () => {
    expect(md).toContain(VERDICT);
  });

  it('holds every problem message and action, exactly, in a cell', () => {
    for (const p of r.problems) {
      expect(cellTexts, p.message).toContain(normalizeNewlines(p.message));
      expect(cellTexts, actionOf(p)).toContain(normalizeNewlines(actionOf(p)));
    }
  });

  it('uses the engine action when set and actionFor otherwise', () => {
    const dup = r.problems.find((p) => p.kind === 'duplicate') as Problem;
    expect(dup.action).toBeTruthy();
    expect(cellTexts).toContain(dup.action);
    expect(cellTexts).not.toContain(actionFor(dup));
  });

  it('has the gap row with its key range', () => {
    const gapLine = md.split('\n').find((l) => l.includes(GAP_LABEL));
    expect(gapLine).toBeDefined();
    expect(mdCells(gapLine as string).map(mdCellText)).toContain('200074 → 200911');
  });

  it('keeps names with pipes, newlines and <script> in one cell each', () => {
    expect(cellTexts).toContain(NASTY_CHUNK);
    expect(cellTexts).toContain(NASTY_TABLE);
    expect(cellTexts).toContain(SCRIPT_TABLE);
    // No raw HTML at all: every `<` from the data is backslash-escaped; only our <br> remain.
    expect(md.replace(/<br>/g, '')).not.toMatch(/(^|[^\\])</m);
  });

  it('has the same number of unescaped pipes on every row of a table', () => {
    const tables = mdTables(md);
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const t of tables) {
      const n = unescapedPipes(t[0]);
      for (const line of t) expect(unescapedPipes(line), line).toBe(n);
    }
  });

  it('escapes every character that would start markup', () => {
    const out = mdText('a*b_ _c_ [l](u) <i> `x` ~~s~~ |p| &amp; #h $m$ !i \\ e');
    // Every markup character is preceded by an (unescaped) backslash.
    for (let i = 0; i < out.length; i++) {
      if (out[i] === '\\') {
        i++;
        continue;
      }
      expect('*[]<>`~|&#$!_'.includes(out[i]), `${out} at ${i}`).toBe(false);
    }
    expect(mdText('interaction_fact')).toBe('interaction_fact'); // intraword _ is inert
    expect(mdText('a\r\nb\nc\rd')).toBe('a<br>b<br>c<br>d');
  });

  it('has no line breaks inside table rows (every row line starts and ends with a pipe)', () => {
    for (const t of mdTables(md)) for (const line of t) expect(line.endsWith('|'), line).toBe(true);
  });
});

describe('CSV', () => {
  const csv = renderCsv(r);
  const rows = (): Record<string, string>[] => parseCsv(csv);

  it('has the columns asked for, CRLF line ends and a BOM', () => {
    expect(csv.startsWith(`\ufeff${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    const res = Papa.parse<string[]>(csv, { skipEmptyLines: true });
    for (const row of res.data) expect(row).toHaveLength(CSV_COLUMNS.length);
  });

  it('parses back to the right number of rows per section', () => {
    const count = (s: string): number => rows().filter((x) => x.section === s).length;
    expect(count('problem')).toBe(r.problems.length);
    expect(count('chunk')).toBe(r.chunks.length);
    expect(count('gap')).toBe(1);
    expect(count('table')).toBe(5);
    expect(rows().length).toBe(count('summary') + r.problems.length + r.chunks.length + 1 + 5);
  });

  it('holds the verdict', () => {
    const v = rows().find((x) => x.section === 'summary' && x.kind === 'verdict');
    expect(v?.message).toBe(VERDICT);
    expect(v?.severity).toBe('error');
  });

  it('holds every problem message and action, intact', () => {
    const problems = rows().filter((x) => x.section === 'problem');
    for (const p of r.problems) {
      const row = problems.find((x) => unguard(x.message) === p.message && x.kind === p.kind);
      expect(row, p.message).toBeDefined();
      expect(unguard(row?.action ?? '')).toBe(actionOf(p));
      expect(row?.chunk).toBe(p.chunk ?? '');
      expect(row?.table).toBe(p.table ?? '');
    }
  });

  it('lists problems errors first', () => {
    const sev = rows()
      .filter((x) => x.section === 'problem')
      .map((x) => x.severity);
    const rank = sev.map((s) => ['error', 'warning', 'info'].indexOf(s));
    expect([...rank].sort((a, b) => a - b)).toEqual(rank);
  });

  it('keeps nasty names intact', () => {
    expect(rows().find((x) => x.section === 'chunk' && x.chunk === NASTY_CHUNK)).toBeDefined();
    expect(rows().find((x) => x.section === 'table' && x.table === NASTY_TABLE)).toBeDefined();
    expect(rows().find((x) => x.section === 'table' && x.table === SCRIPT_TABLE)).toBeDefined();
  });

  it('has the gap row with its key range between its chunks', () => {
    const all = rows();
    const i = all.findIndex((x) => x.section === 'gap');
    expect(all[i]).toMatchObject({ hwm_from: '200074', hwm_to: '200911', previous: A, chunk: B });
    expect(all[i].message).toContain(GAP_LABEL);
    expect(all[i - 1]).toMatchObject({ section: 'chunk', chunk: A });
    expect(all[i + 1]).toMatchObject({ section: 'chunk', chunk: B });
  });

  it('guards formula cells but not negative numbers', () => {
    const msgs = rows()
      .filter((x) => x.kind === 'unexpected-file')
      .map((x) => x.message);
    expect(msgs).toContain(`'=HYPERLINK("evil") is not part of any chunk`);
    expect(msgs).toContain('-1');
    for (const row of rows()) for (const v of Object.values(row)) expect(v, v).not.toMatch(/^[=+@]/);
    expect(csvGuard('-5')).toBe('-5');
    expect(csvGuard('-2.5')).toBe('-2.5');
    expect(csvGuard('-cmd')).toBe("'-cmd");
    expect(csvGuard('+1')).toBe("'+1");
    expect(csvGuard('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvGuard('a=b')).toBe('a=b');
  });
});
