// The app timeline on a time axis: chunks placed by their requested windows, the
// requested-but-not-delivered part kept for hatching, a missing window as a gap break.
import { describe, expect, it } from 'vitest';
import { computeLayout } from '../../src/renderer/views/timeline/layout';
import { markLabels } from '../../src/renderer/views/timeline/marks';
import { H, T0, timeReport as report } from '../fixtures/time-report';

describe('timeline layout on a time axis', () => {
  it('lays the app timeline out by requested windows, with the shortfall and the gap', () => {
    const L = computeLayout(report, 'time');
    expect(L.items.map((i) => [i.name, i.from, i.to])).toEqual([
      ['r1', T0, T0 + 6 * H],
      ['r3', T0 + 12 * H, T0 + 18 * H],
      ['r4', T0 + 18 * H, T0 + 24 * H],
    ]);
    expect(L.items[1].shortfall).toEqual([{ from: T0 + 17 * H, to: T0 + 18 * H }]);
    expect(L.breaks).toHaveLength(1);
    expect(L.breaks[0]).toMatchObject({
      kind: 'gap',
      from: T0 + 6 * H,
      to: T0 + 12 * H,
      problem: 0,
      chunk: 'r3',
    });
    // Bulk chunks have no checksum: no "checksum missing" mark from the default state.
    expect(L.items[0].marks).toEqual([]);
    // The short export is marked partly delivered, not as chunks missing before it (its gap mark
    // comes from the window missing before it).
    expect(L.items[1].marks.map((m) => m.kind)).toEqual(['gap', 'partial']);
  });

  it('the legend speaks the axis: no audit keys for a time window, a run date or a run time', () => {
    expect(markLabels('audit-key').order).toMatch(/its audit keys do$/);
    for (const axis of ['time-range', 'run-date', 'run-time'] as const) expect(markLabels(axis).order).not.toMatch(/audit key/);
    expect(markLabels('time-range').order).toMatch(/its time window does$/);
    for (const axis of ['audit-key', 'time-range', 'run-date', 'run-time'] as const) {
      for (const words of Object.values(markLabels(axis))) if (axis !== 'audit-key') expect(words).not.toMatch(/audit key/);
    }
  });

  it('runs on a schedule (instants) hold the axis until the next is due: a missing run is the only break', () => {
    const at = (h: number) => T0 + h * H;
    const run = (name: string, h: number) => ({
      ...report.chunks[0],
      name,
      coverage: { axis: 'run-time', from: at(h), to: at(h), requestedFrom: null, requestedTo: null },
    });
    const runs = {
      ...report,
      axis: 'run-time',
      chunks: [run('a', 0), run('b', 6), run('c', 12), run('e', 24)],
      problems: [{ kind: 'gap', severity: 'error', chunk: 'e', table: null, message: 'no run for 12 h' }],
      options: { ...report.options, cadenceSeconds: 6 * H },
    } as typeof report;
    const L = computeLayout(runs, 'time');
    expect(L.items.map((i) => i.u1 > i.u0)).toEqual([true, true, true, true]);
    expect(L.breaks.map((b) => [b.kind, b.from, b.to])).toEqual([['gap', at(18), at(24)]]);
  });
});
