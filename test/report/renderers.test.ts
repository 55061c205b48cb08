import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { SEVERITY_OF, type Problem, type ScanReport } from '../../src/shared/report';
import { actionFor } from '../../src/engine/report/actions';
import { formatDuration, formatTs } from '../../src/engine/report/format-time';
import { renderReport, reportFileName, verdictOf } from '../../src/engine/report/index';
import { renderCsv, csvGuard, CSV_COLUMNS } from '../../src/engine/report/render-csv';
import { renderHtml } from '../../src/engine/report/render-html';
import { jsonPieces, PRETTY_MAX_CHUNKS, renderJson } from '../../src/engine/report/render-json';
import { mdText, renderMarkdown } from '../../src/engine/report/render-markdown';
import { timelineOf } from '../../src/engine/report/timeline';
import { A, B, B2, NASTY_CHUNK, NASTY_TABLE, SCRIPT_TABLE, sampleReport, wholeReport } from './sample-report';

const r = sampleReport;
const actionOf = (p: Problem): string => p.action ?? actionFor(p);
const GAP_LABEL = 'MISSING: audit keys 200074..200911';
const VERDICT = verdictOf(r).line;

// --- Markdown helpers: split table rows the way GFM does ----------------------------

/** Cells of a GFM table row: split on pipes not escaped by a backslash (a backslash escapes any next char). */
function mdCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      cur += c + line[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  // A row starts and ends with a pipe: drop the empty outer pieces.
  return cells.slice(1, -1).map((s) => s.trim());
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * What a GFM cell renders as text, the way CommonMark reads it: <br> is a line break,
 * a backslash before punctuation is that punctuation literally, an entity (&lt;) is
 * decoded.
 */
function mdCellText(cell: string): string {
  return cell.replace(/<br>|\\([!-/:-@[-`{-~])|&(#\d+|[a-z]+);/g, (m, esc?: string, ent?: string) => {
    if (m === '<br>') return '\n';
    if (esc !== undefined) return esc;
    if (ent?.startsWith('#')) return String.fromCodePoint(Number(ent.slice(1)));
    return (ent !== undefined && ENTITIES[ent]) || m;
  });
}

function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

/** Groups of consecutive table lines. */
function mdTables(md: string): string[][] {
  const tables: string[][] = [];
  let cur: string[] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) cur.push(line);
    else if (cur.length) {
      tables.push(cur);
      cur = [];
    }
  }
  if (cur.length) tables.push(cur);
  return tables;
}

function mdAllCellTexts(md: string): string[] {
  return mdTables(md).flatMap((t) => t.flatMap((l) => mdCells(l).map(mdCellText)));
}

function normalizeNewlines(s: string): string {
  return s.replace(/\r\n|\r/g, '\n');
}

// --- CSV helper --------------------------------------------------------------------

function parseCsv(csv: string): Record<string, string>[] {
  const res = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(res.errors).toEqual([]);
  return res.data;
}

/** The cell as a person reads it: without the apostrophe guarding against formulas. */
function unguard(s: string): string {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}

// --- HTML helpers: parse5 (a spec-conformant HTML parser) ----------------------------

type HtmlNode = DefaultTreeAdapterMap['node'];
type HtmlElement = DefaultTreeAdapterMap['element'];

function childrenOf(n: HtmlNode): HtmlNode[] {
  return 'childNodes' in n ? (n.childNodes as HtmlNode[]) : [];
}

/** All elements under the node, in document order. */
function elements(n: HtmlNode): HtmlElement[] {
  const out: HtmlElement[] = [];
  for (const c of childrenOf(n)) {
    if ('tagName' in c) out.push(c);
    out.push(...elements(c));
  }
  return out;
}

function textOf(n: HtmlNode): string {
  if (n.nodeName === '#text') return (n as DefaultTreeAdapterMap['textNode']).value;
  return childrenOf(n).map(textOf).join('');
}

function attrOf(el: HtmlElement, name: string): string | null {
  return el.attrs.find((a) => a.name === name)?.value ?? null;
}

function hasClass(el: HtmlElement, c: string): boolean {
  return (attrOf(el, 'class') ?? '').split(/\s+/).includes(c);
}

function tagged(all: HtmlElement[], ...tags: string[]): HtmlElement[] {
  return all.filter((e) => tags.includes(e.tagName));
}

// ------------------------------------------------------------------------------------

describe('sample report', () => {
  it('exercises every problem kind', () => {
    const kinds = new Set(r.problems.map((p) => p.kind));
    for (const k of Object.keys(SEVERITY_OF)) expect(kinds, k).toContain(k);
  });
});

describe('format-time', () => {
  it('formats UTC timestamps and unknowns', () => {
    expect(formatTs(1468345485)).toBe('2016-07-12 17:44:45 UTC');
    expect(formatTs(null)).toBe('—');
    expect(formatTs(Number.NaN)).toBe('—');
  });
  it('formats durations with two units at most', () => {
    expect(formatDuration(86400 + 4 * 3600 + 59)).toBe('1 d 4 h');
    expect(formatDuration(8 * 3600 + 20 * 60)).toBe('8 h 20 min');
    expect(formatDuration(8 * 3600)).toBe('8 h');
    expect(formatDuration(2 * 86400)).toBe('2 d');
    expect(formatDuration(303)).toBe('5 min 3 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(-3600)).toBe('-1 h');
  });
});

describe('verdict', () => {
  it('says BROKEN with counts by kind, errors first', () => {
    expect(VERDICT).toMatch(/^BROKEN: 1 gap, 1 checksum failure, /);
    expect(VERDICT).toMatch(/\(9 errors, 20 warnings, 8 info\)$/);
    expect(VERDICT).toContain('2 unexpected files');
    expect(VERDICT).toContain('1 unreadable entry');
  });
  it('says WHOLE for a clean drop', () => {
    expect(verdictOf(wholeReport).line).toBe('WHOLE: 1 chunk, no problems');
  });
  it('says WHOLE WITH WARNINGS when there are only warnings', () => {
    const w: ScanReport = { ...wholeReport, problems: r.problems.filter((p) => p.kind === 'late') };
    expect(verdictOf(w).line).toBe('WHOLE WITH WARNINGS: 1 chunk, 1 late chunk (0 errors, 1 warning)');
  });
});

describe('actions', () => {
  it('names the missing keys and both chunks for a gap', () => {
    const gap = r.problems.find((p) => p.kind === 'gap') as Problem;
    expect(actionFor(gap)).toMatch(
      new RegExp(`^Re-request the export for audit keys 200074\\.\\.200911 \\(between ${A} and ${B}\\)`),
    );
  });
  it('names the archive for a checksum mismatch', () => {
    const p = r.problems.find((x) => x.kind === 'checksum-mismatch') as Problem;
    expect(actionFor(p)).toContain(`Re-transfer ${B}.zip; if it still fails, ask the vendor to re-export it`);
  });
  it('points at update_target_*.sql for a schema change', () => {
    const p = r.problems.find((x) => x.kind === 'schema-change') as Problem;
    expect(actionFor(p)).toContain('update_target_*.sql');
    expect(actionFor(p)).toContain('interaction_fact');
  });
  it('says a schema change in the family\'s words: no Info Mart scripts for a bulk export', () => {
    const p = r.problems.find((x) => x.kind === 'schema-change') as Problem;
    expect(actionFor(p, 'bulk')).not.toMatch(/Info Mart|update_target/);
    expect(actionFor(p, 'bulk')).toContain("warehouse's table interaction_fact");
  });
  it("never invents a <chunk>.zip for a family without one ZIP per chunk", () => {
    const base = { severity: 'error' as const, chunk: '2026-11-20', table: 'FACT_REVIEWS', message: 'truncated' };
    const daily = actionFor({ ...base, kind: 'table-unreadable', detail: { key: '2026-11-20/FACT_REVIEWS.parquet' } }, 'daily');
    expect(daily).toContain('Re-transfer 2026-11-20/FACT_REVIEWS.parquet');
    expect(daily).not.toMatch(/\.zip|encoding setting/);
    const run = actionFor({ ...base, kind: 'archive-corrupt', chunk: 'accounts_delta_20251126T0800', table: 'accounts_delta' }, 'extracts');
    expect(run).toContain('Re-transfer the files of accounts_delta_20251126T0800 holding accounts_delta');
    expect(actionFor({ ...base, kind: 'archive-corrupt', chunk: B, table: null }, 'gim')).toContain(`Re-transfer ${B}.zip`);
    const pgp = actionFor({ ...base, kind: 'encrypted', severity: 'info', detail: { file: 'a.tsv.gz.pgp' } }, 'extracts');
    expect(pgp).toContain('a.tsv.gz.pgp');
    expect(pgp).toContain('--pgp-key');
    expect(pgp).not.toContain('certificate');
  });
  it('works out how old the newest chunk is for stale', () => {
    const p = r.problems.find((x) => x.kind === 'stale') as Problem;
    expect(actionFor(p)).toContain('is 3 d 1 h old');
  });
  it('says which chunk to load first for out-of-order (the one whose keys come first)', () => {
    const p = r.problems.find((x) => x.kind === 'out-of-order') as Problem;
    expect(actionFor(p)).toContain(`${NASTY_CHUNK} must be loaded before ${B2}`);
  });
  it('is specific for every kind (no generic fallback for a known kind)', () => {
    const generic = actionFor({ kind: 'brand-new' as never, severity: 'info', chunk: null, table: null, message: '' });
    for (const p of r.problems) expect(actionFor(p), p.kind).not.toBe(generic);
  });
});

describe('timeline model', () => {
  it('puts the gap between the chunks it separates', () => {
    const rows = timelineOf(r);
    const i = rows.findIndex((x) => x.type === 'gap');
    expect(rows[i - 1]).toMatchObject({ type: 'chunk', chunk: { name: A } });
    expect(rows[i + 1]).toMatchObject({ type: 'chunk', chunk: { name: B } });
    expect(rows[i]).toMatchObject({ fromKey: 200074, toKey: 200911, label: GAP_LABEL });
    expect(rows.filter((x) => x.type === 'chunk')).toHaveLength(r.chunks.length);
  });
  it('marks the duplicate on the re-export, not on the first chunk of that name range', () => {
    const rows = timelineOf(r);
    const dup = rows.find((x) => x.type === 'chunk' && x.chunk.name === B2);
    const first = rows.find((x) => x.type === 'chunk' && x.chunk.name === B);
    expect(dup?.type === 'chunk' && dup.notes.map((n) => n.text)).toContain(`DUPLICATE of ${B}`);
    expect(first?.type === 'chunk' && first.notes.some((n) => n.kind === 'duplicate')).toBe(false);
  });
});

describe('JSON', () => {
  const json = renderJson(r);
  it('is the report, pretty-printed with 2 spaces and a trailing newline', () => {
    expect(json).toBe(`${JSON.stringify(r, null, 2)}\n`);
  });
  it('round-trips to an object deep-equal to the report', () => {
    expect(JSON.parse(json)).toStrictEqual(r);
  });
  it('in pieces (as the CLI writes it) is the same text, small or large, nasty names and all', () => {
    expect([...jsonPieces(r)].join('')).toBe(json);
    // Over PRETTY_MAX_CHUNKS: compact, written in pieces of bounded size.
    const big: ScanReport = {
      ...r,
      chunks: Array.from({ length: 3 * PRETTY_MAX_CHUNKS }, (_, i) => ({ ...r.chunks[i % r.chunks.length], name: `${NASTY_CHUNK} ${i} \u2028 “é”` })),
      problems: Array.from({ length: 2000 }, (_, i) => ({ ...r.problems[i % r.problems.length], message: `${i} "quoted" \n ${NASTY_TABLE}` })),
    };
    const pieces = [...jsonPieces(big)];
    expect(pieces.length).toBeGreaterThan(2);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2 * (1 << 18));
    expect(pieces.join('')).toBe(renderJson(big));
    expect(pieces.join('')).toBe(`${JSON.stringify(big)}\n`);
    // Keys JSON.stringify leaves out (undefined) are left out alike.
    const sparse = { ...big, label: undefined } as unknown as ScanReport;
    expect([...jsonPieces(sparse)].join('')).toBe(renderJson(sparse));
  });
});

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

describe('HTML', () => {
  const html = renderHtml(r);
  const doc = parse(html);
  const all = elements(doc);
  const body = tagged(all, 'body')[0];
  const text = textOf(body);
  const svg = tagged(all, 'svg')[0];

  it('holds the verdict', () => {
    const verdict = all.find((e) => hasClass(e, 'verdict'));
    expect(verdict && textOf(verdict)).toContain(VERDICT);
  });

  it('holds every problem message and action, exactly, in a cell', () => {
    const cells = tagged(all, 'td', 'th').map(textOf);
    for (const p of r.problems) {
      // (An HTML parser reads CRLF as LF, as a browser shows it.)
      expect(cells, p.message).toContain(normalizeNewlines(p.message));
      expect(cells, actionOf(p)).toContain(normalizeNewlines(actionOf(p)));
    }
  });

  it('has the gap row with its key range in the table and in the drawing', () => {
    const row = tagged(all, 'tr').find((e) => hasClass(e, 'gap-row'));
    expect(row).toBeDefined();
    expect(textOf(row as HtmlElement)).toContain(GAP_LABEL);
    expect(textOf(row as HtmlElement)).toContain('200074 → 200911');
    expect(elements(svg).some((e) => e.tagName === 'rect' && hasClass(e, 'gap'))).toBe(true);
    expect(textOf(svg)).toContain(GAP_LABEL);
  });

  it('contains no script, no unescaped <script> from the data, and shows it as text', () => {
    expect(html).not.toMatch(/<script/i);
    expect(tagged(all, 'script')).toHaveLength(0);
    expect(tagged(all, 'b')).toHaveLength(0); // the <b> in an action stays text
    expect(text).toContain(NASTY_CHUNK);
    expect(text).toContain(SCRIPT_TABLE);
    expect(text).toContain('<b>really</b>');
  });

  it('references no external resource', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(all.filter((e) => attrOf(e, 'src') !== null)).toHaveLength(0);
    expect(tagged(all, 'link', 'iframe', 'object', 'embed', 'img', 'image', 'use')).toHaveLength(0);
    for (const e of all) {
      const href = attrOf(e, 'href') ?? attrOf(e, 'xlink:href');
      if (href !== null) expect(href).toMatch(/^#/);
    }
    const urls = html.match(/url\([^)]*\)/g) ?? [];
    for (const u of urls) expect(u).toMatch(/^url\(#/);
  });

  it('has header cells with scope, and severity in words', () => {
    const ths = tagged(all, 'th');
    expect(ths.length).toBeGreaterThan(10);
    for (const th of ths) expect(['col', 'row']).toContain(attrOf(th, 'scope'));
    expect(text).toContain('✖ ERROR');
    expect(text).toContain('⚠ WARNING');
    expect(text).toContain('ℹ INFO');
  });

  it('supports dark mode and print, one page per section when printed', () => {
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).toContain('@media print');
    const print = html.slice(html.indexOf('@media print'));
    expect(print).toMatch(/main > section \+ section \{ break-before: page; \}/);
    expect(print).toMatch(/@page \{/);
  });

  it('labels every drawn bar with its # and colours it by its worst severity, as the app does', () => {
    const bars = elements(svg).filter((e) => e.tagName === 'rect' && hasClass(e, 'bar'));
    const labels = elements(svg)
      .filter((e) => e.tagName === 'text')
      .map(textOf);
    expect(bars.length).toBeGreaterThan(3);
    for (const bar of bars) {
      const index = /^#(\d+)/.exec(textOf(bar))![1];
      expect(labels.some((l) => new RegExp(`^#${index}\\??( |$)`).test(l)), `#${index} has a label`).toBe(true);
      const sev = ['sev-error', 'sev-warning', 'sev-info', 'sev-none'].filter((c) => hasClass(bar, c));
      expect(sev, `#${index}`).toHaveLength(1);
    }
    // Each severity has its own fill (not one colour for all bars).
    const fill = (cls: string): string => new RegExp(`rect\\.bar\\.${cls} \\{ fill: (var\\(--[a-z-]+\\))`).exec(html)![1];
    expect(new Set([fill('sev-error'), fill('sev-warning'), fill('sev-none'), fill('sev-info')]).size).toBe(4);
  });

  it('labels narrow bars too: 40 short chunks beside one huge one each get a call-out', () => {
    const many: ScanReport = {
      ...r,
      chunks: Array.from({ length: 41 }, (_, i) => ({
        ...r.chunks[0],
        name: `export_${i}`,
        hwmFrom: i === 40 ? 1000 : i * 10,
        hwmTo: i === 40 ? 10_000_000 : i * 10 + 10,
      })),
      problems: [],
    };
    const svgText = elements(tagged(elements(parse(renderHtml(many))), 'svg')[0])
      .filter((e) => e.tagName === 'text')
      .map(textOf);
    for (let i = 1; i <= 41; i++) expect(svgText, `#${i}`).toContain(`#${i}`);
  });

  it('says which chunks could not be drawn', () => {
    const caption = tagged(all, 'figcaption')[0];
    expect(textOf(caption)).toMatch(/Start unknown \(no hwm-from\).*: #6\./);
    expect(textOf(caption)).toMatch(/Not on the axis \(audit keys unknown\): #7 export_unknown\./);
  });
});

describe('renderReport and reportFileName', () => {
  it('renders each format with its mime type and extension', () => {
    expect(renderReport(r, 'json')).toMatchObject({ mime: 'application/json', extension: 'json' });
    expect(renderReport(r, 'md')).toMatchObject({ mime: 'text/markdown; charset=utf-8', extension: 'md' });
    expect(renderReport(r, 'csv')).toMatchObject({ mime: 'text/csv; charset=utf-8', extension: 'csv' });
    expect(renderReport(r, 'html')).toMatchObject({ mime: 'text/html; charset=utf-8', extension: 'html' });
    expect(renderReport(r, 'md').content).toBe(renderMarkdown(r));
    expect(() => renderReport(r, 'pdf' as never)).toThrow(/unknown report format/);
  });

  it('names the file after the drop and the scan time, safely', () => {
    expect(reportFileName(wholeReport, 'md')).toBe('gap-report-clean-20261124T220000Z.md');
    expect(reportFileName({ ...wholeReport, drop: 'C:\\drops\\Café export\\' }, 'csv')).toBe(
      'gap-report-Cafe_export-20261124T220000Z.csv',
    );
    expect(reportFileName(r, 'html')).toMatch(/^gap-report-[A-Za-z0-9._-]+-20261124T220000Z\.html$/);
    expect(reportFileName({ ...wholeReport, drop: '/', scannedAt: 'garbage' }, 'json')).toBe('gap-report-drop.json');
  });

  it('renders a clean drop as WHOLE in every text format', () => {
    for (const f of ['md', 'csv', 'html'] as const) {
      expect(renderReport(wholeReport, f).content, f).toContain('WHOLE: 1 chunk, no problems');
    }
  });

  it('renders an empty drop without failing', () => {
    const empty: ScanReport = { ...wholeReport, chunks: [], problems: [] };
    for (const f of ['json', 'md', 'csv', 'html'] as const)
      expect(renderReport(empty, f).content.length).toBeGreaterThan(0);
    expect(verdictOf(empty).line).toBe('EMPTY: no chunks found');
    // Exported from the app before a running scan has recorded a chunk: found, not recorded.
    const early: ScanReport = { ...empty, incomplete: 'a scan is still reading the drop: 0 of 3000 chunks recorded' };
    expect(verdictOf(early).line).toBe('EMPTY: no chunks recorded yet — so far: a scan is still reading the drop: 0 of 3000 chunks recorded');
  });
});
