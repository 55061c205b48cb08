// Reports of a family on a time axis (bulk exports): chunks drawn and listed by their time
// windows, a missing window as a gap row in time words, and a short export's
// requested-but-not-delivered part hatched inside its chunk — in the timeline layout, the
// Markdown and the HTML alike. Never "audit keys" for a time window.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/engine/report/render-markdown';
import { renderHtml } from '../../src/engine/report/render-html';
import { overviewOf } from '../../src/engine/report/model';
import { timelineOf } from '../../src/engine/report/timeline';
import { timeSpanOf } from '../../src/shared/coverage-view';
import { H, T0, timeReport } from '../fixtures/time-report';

const report = timeReport;

describe('reports on a time axis', () => {
  it('spans the windows and counts what no chunk delivered', () => {
    expect(timeSpanOf(report)).toEqual({ from: T0, to: T0 + 24 * H, undelivered: 7 * H });
    expect(overviewOf(report).facts).toContainEqual([
      'Windows',
      expect.stringMatching(/^2026-11-01 00:00:00 UTC → 2026-11-02 00:00:00 UTC .*7 h.* not delivered$/),
    ]);
  });
  it('lists a missing window as a gap row in times, and the short export as a note on its chunk', () => {
    const rows = timelineOf(report);
    expect(rows.map((r) => (r.type === 'gap' ? 'gap' : r.chunk.name))).toEqual(['r1', 'gap', 'r3', 'r4']);
    const gap = rows[1];
    expect(gap.type === 'gap' && gap.label).toBe(
      'MISSING: 2026-11-01 06:00:00 UTC → 2026-11-01 12:00:00 UTC (6 h)',
    );
    const r3 = rows[2];
    expect(r3.type === 'chunk' && r3.notes.map((n) => n.text)).toEqual([
      'NOT DELIVERED 2026-11-01 17:00:00 UTC → 2026-11-01 18:00:00 UTC (1 h)',
    ]);
  });
  it('says windows, never audit keys, in Markdown', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('Window (UTC)');
    expect(md).toContain('delivered 2026-11-01 12:00:00 UTC → 2026-11-01 17:00:00 UTC');
    expect(md).not.toMatch(/audit key/i);
    // No checksum files in such a family: no column that says each one is missing.
    expect(md).not.toMatch(/Checksum|⚠ missing/);
  });
  it('lists chunks that are points in time (runs, days) by their run or day, without columns that repeat it', () => {
    const point = (axis: 'run-time' | 'run-date', name: string, ts: number, to: number) => ({
      ...report.chunks[0],
      name,
      createdTs: ts,
      maxDataTs: null,
      coverage: { axis, from: ts, to, requestedFrom: null, requestedTo: null },
    });
    const runs = { ...report, format: 'extracts', axis: 'run-time', problems: [], chunks: [point('run-time', 'job_20261101T0000', T0, T0), point('run-time', 'job_20261101T0600', T0 + 6 * H, T0 + 6 * H)] } as typeof report;
    const md = renderMarkdown(runs);
    expect(md).toContain('| \\# | Chunk | Run (UTC) | Tables | Rows | Notes |');
    expect(md).toContain('| job_20261101T0600 | 2026-11-01 06:00:00 UTC | 1 |');
    const html = renderHtml(runs);
    expect(html).toContain('<th scope="col">Run (UTC)</th>');
    expect(html).not.toContain('<th scope="col">Created</th>');
    expect(html).not.toContain('requested but not delivered');
    // Runs are instants: only a missing run's time is "not delivered" (none here).
    expect(renderMarkdown(runs)).toMatch(/\*\*Runs:\*\* 2026-11-01 00:00:00 UTC → 2026-11-01 06:00:00 UTC \(6 h\)\n/);
    const days = { ...runs, format: 'daily', axis: 'run-date', chunks: [point('run-date', '2026-11-01', T0, T0 + 24 * H)] } as typeof report;
    expect(renderMarkdown(days)).toContain('| 2026-11-01 | 2026-11-01 | 1 |');
    // A window (bulk) keeps its created and max-data columns.
    expect(renderMarkdown(report)).toContain('| Window (UTC) | Created | Max data |');
  });
  it('draws windows, the gap and the hatched shortfall in the HTML timeline', () => {
    const html = renderHtml(report);
    expect(html).toContain('Timeline of the drop along the time axis');
    expect(html.match(/<rect class="shortfall"/g)).toHaveLength(1);
    expect(html.match(/<rect class="gap"/g)).toHaveLength(1);
    expect(html).toContain('requested but not delivered: 2026-11-01 17:00:00 UTC → 2026-11-01 18:00:00 UTC');
    expect(html).not.toMatch(/audit.key/i);
    expect(html).not.toContain('<th scope="col">Checksum</th>');
  });
});
