// The report renderers: the sample report, times, verdict, actions, the timeline model, JSON,
// and renderReport (Markdown and CSV: render-text.test.ts; HTML: render-html.test.ts).
import { describe, expect, it } from 'vitest';
import { SEVERITY_OF, type Problem, type ScanReport } from '../../src/shared/report';
import { actionFor } from '../../src/engine/report/actions';
import { formatDuration, formatTs } from '../../src/engine/report/format-time';
import { renderReport, reportFileName, verdictOf } from '../../src/engine/report/index';
import { jsonPieces, PRETTY_MAX_CHUNKS, renderJson } from '../../src/engine/report/render-json';
import { renderMarkdown } from '../../src/engine/report/render-markdown';
import { timelineOf } from '../../src/engine/report/timeline';
import { A, B, B2, NASTY_CHUNK, NASTY_TABLE, wholeReport } from './sample-report';
import { r, GAP_LABEL, VERDICT } from './render-helpers';

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
