// The coverage heat map's column labels: audit keys where a family has them, else the
// chunk's place on its axis (run dates for daily dumps), never bare chunk numbers.
import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/shared/report';
import { columnHead, columnLabel } from '../../src/renderer/views/coverage-model';

type Chunk = ScanReport['chunks'][number];
const chunk = (over: Partial<Chunk>): Chunk =>
  ({
    name: 'c',
    hwmFrom: null,
    hwmTo: null,
    createdTs: null,
    maxDataTs: null,
    checksum: 'ok',
    coverage: { axis: 'run-date', from: null, to: null, requestedFrom: null, requestedTo: null },
    tables: [],
    ...over,
  }) as Chunk;

describe('coverage column labels', () => {
  it('audit keys as they are', () => {
    expect(columnLabel(chunk({ hwmTo: 4711, coverage: { axis: 'audit-key', from: 4000, to: 4711, requestedFrom: null, requestedTo: null } }), 0)).toBe('4711');
  });
  it('run dates as days; time windows with their start time', () => {
    const day = Date.parse('2026-11-14T00:00:00Z') / 1000;
    expect(columnLabel(chunk({ series: 'acme', coverage: { axis: 'run-date', from: day, to: day + 86400, requestedFrom: null, requestedTo: null } }), 3)).toBe('2026-11-14');
    expect(columnLabel(chunk({ coverage: { axis: 'time-range', from: day + 3600, to: day + 7200, requestedFrom: null, requestedTo: null } }), 3)).toBe('2026-11-14 01:00');
  });
  it('a chunk with no place on its axis: its number', () => {
    expect(columnLabel(chunk({}), 6)).toBe('#7');
    // The header puts the position first, once.
    expect(columnHead(chunk({}), 6)).toBe('#7');
    expect(columnHead(chunk({ hwmTo: 4711, coverage: { axis: 'audit-key', from: 4000, to: 4711, requestedFrom: null, requestedTo: null } }), 0)).toBe('#1 · 4711');
  });
});
