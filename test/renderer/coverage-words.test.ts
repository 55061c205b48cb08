// A chunk's coverage in its axis' words, as the detail pane and the timeline's tooltip say it:
// a run time is an instant (not "covers X → X"), a run date a day, a bulk request a window;
// a file-based family's chunk says nothing of an archive it never had.
import { describe, expect, it } from 'vitest';
import type { ReportChunk } from '../../src/shared/report';
import { coverageLabel, showsArchive, type ChunkCoverage } from '../../src/shared/coverage-view';

const t = Date.parse('2026-11-24T02:00:00Z') / 1000;
const cov = (over: Partial<ChunkCoverage>): ChunkCoverage => ({
  axis: 'run-time',
  from: t,
  to: t,
  requestedFrom: null,
  requestedTo: null,
  ...over,
});
const chunk = (archive: string): ReportChunk => ({ archive }) as unknown as ReportChunk;

describe('coverage in the axis words', () => {
  it('a run time is one instant', () => {
    expect(coverageLabel(cov({}))).toEqual({ label: 'Run', text: '2026-11-24 02:00:00 UTC' });
  });
  it('a run date is a day', () => {
    const day = Date.parse('2026-11-24T00:00:00Z') / 1000;
    expect(coverageLabel(cov({ axis: 'run-date', from: day, to: day + 86400 }))).toEqual({ label: 'Run date', text: '2026-11-24' });
  });
  it('a bulk window is delivered against its request, or nothing readable', () => {
    expect(coverageLabel(cov({ axis: 'time-range', to: t + 3600, requestedFrom: t, requestedTo: t + 7200 }))).toEqual({
      label: 'Delivered',
      text: '2026-11-24 02:00:00 → 2026-11-24 03:00:00 UTC',
    });
    expect(coverageLabel(cov({ axis: 'time-range', from: null, to: null })).text).toBe('nothing readable');
  });
  it('the archive only where the family has one, or where a file is damaged', () => {
    expect(showsArchive(chunk('missing'), cov({}))).toBe(false);
    expect(showsArchive(chunk('ok'), cov({}))).toBe(false);
    expect(showsArchive(chunk('corrupt'), cov({}))).toBe(true);
    expect(showsArchive(chunk('missing'), cov({ axis: 'time-range' }))).toBe(true);
  });
});
