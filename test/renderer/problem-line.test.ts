// The timeline tooltip's problem lines: two problems of one kind on a chunk read apart.
import { describe, expect, it } from 'vitest';
import { problemLine } from '../../src/renderer/views/timeline/problem-line';

describe('a problem as a tooltip line', () => {
  it('carries the start of the message, so a gap before a request and one inside it differ', () => {
    const before = problemLine({ severity: 'error', kind: 'gap', table: null, message: 'no request covers 2026-11-01 06:00:00 UTC – 2026-11-01 12:00:00 UTC (6 h)' });
    const inside = problemLine({
      severity: 'error',
      kind: 'gap',
      table: null,
      message: 'exported 2026-11-01 12:00:00 UTC – 2026-11-01 17:00:00 UTC (5 h) of the requested 2026-11-01 12:00:00 UTC – 2026-11-01 18:00:00 UTC (6 h): 2026-11-01 17:00:00 UTC – 2026-11-01 18:00:00 UTC (1 h) is in no export',
    });
    expect(before).not.toBe(inside);
    expect(before).toMatch(/^ERROR: Gap · no request covers 2026-11-01 06:00:00 UTC/);
    // Long messages are cut, at most 72 characters of them, marked with an ellipsis.
    expect(inside.endsWith('…')).toBe(true);
    expect(inside.split(' · ')[1].length).toBeLessThanOrEqual(72);
  });

  it('names the table, and squeezes line breaks out of the message', () => {
    expect(problemLine({ severity: 'warning', kind: 'row-count-mismatch', table: 'session', message: 'rows 39\n  declared 40' })).toBe(
      'WARNING: Row count mismatch (session) · rows 39 declared 40',
    );
  });
});
