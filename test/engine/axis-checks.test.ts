// The generic checks on every axis: gaps, overlaps, duplicates, gaps inside a chunk,
// schedules, declared counts, series, in each axis' own words.
import { describe, expect, it } from 'vitest';
import { dropProblems, type FamilyChecks } from '../../src/engine/checks/index';
import { emptyTable } from '../../src/engine/formats/types';
import { rec } from './records';

const H = 3600;
const D = 86400;
const T0 = Date.UTC(2026, 10, 20) / 1000;
const kinds = (ps: { kind: string }[]): string[] => ps.map((p) => p.kind).sort();
const fam = (axis: FamilyChecks['axis'], cadence: FamilyChecks['cadence'] = 'infer'): FamilyChecks => ({ axis, cadence });
const win = (name: string, reqFrom: number, reqTo: number, from = reqFrom, to = reqTo, series = '') =>
  rec(name, {
    createdTs: reqTo + 600,
    series,
    requested: { from: reqFrom, to: reqTo, source: 'stats' },
    coverage: { from, to, source: 'stats' },
  });

describe('time-range axis (bulk exports)', () => {
  it('consecutive windows: nothing', () => {
    const cs = [win('a', T0, T0 + 2 * H), win('b', T0 + 2 * H, T0 + 4 * H), win('c', T0 + 4 * H, T0 + 6 * H)];
    expect(dropProblems(cs, fam('time-range'), { asOf: T0 + 6 * H + 700 })).toEqual([]);
  });

  it('a window nobody requested is a gap in times, never audit keys', () => {
    const cs = [win('a', T0, T0 + 2 * H), win('b', T0 + 2 * H, T0 + 4 * H), win('d', T0 + 6 * H, T0 + 8 * H), win('e', T0 + 8 * H, T0 + 10 * H)];
    const ps = dropProblems(cs, fam('time-range', { cadenceSeconds: 2 * H, graceSeconds: 3 * H }), { asOf: T0 + 10 * H + 700 });
    expect(kinds(ps)).toEqual(['gap']);
    expect(ps[0]).toMatchObject({ chunk: 'd', previous: 'b', detail: { axis: 'time-range', fromTs: T0 + 4 * H, toTs: T0 + 6 * H } });
    expect(ps[0].message).toBe('no request covers 2026-11-20 04:00:00 UTC – 2026-11-20 06:00:00 UTC (2 h)');
    expect(ps[0].message).not.toMatch(/audit/);
  });

  it('the silence around a missing window is the gap, said once; a late request without a gap is late', () => {
    const tight = fam('time-range', { cadenceSeconds: 2 * H, graceSeconds: 0 });
    const gap = [win('a', T0, T0 + 2 * H), win('b', T0 + 2 * H, T0 + 4 * H), win('d', T0 + 6 * H, T0 + 8 * H)];
    expect(kinds(dropProblems(gap, tight, { asOf: T0 + 8 * H + 700 }))).toEqual(['gap']);
    // Contiguous windows, but c's ZIP came 5 h after b's: late, and no gap.
    const slow = [win('a', T0, T0 + 2 * H), win('b', T0 + 2 * H, T0 + 4 * H), { ...win('c', T0 + 4 * H, T0 + 6 * H), createdTs: T0 + 4 * H + 600 + 5 * H }];
    const ps = dropProblems(slow, tight, { asOf: T0 + 9 * H + 700 });
    expect(kinds(ps)).toEqual(['late']);
    expect(ps[0]).toMatchObject({ chunk: 'c', previous: 'b' });
  });

  it('an exported range shorter than the requested one is a gap inside the chunk', () => {
    const cs = [win('a', T0, T0 + 2 * H), win('b', T0 + 2 * H, T0 + 4 * H, T0 + 2 * H, T0 + 3 * H), win('c', T0 + 4 * H, T0 + 6 * H)];
    const ps = dropProblems(cs, fam('time-range'), { asOf: T0 + 6 * H + 700 });
    expect(kinds(ps)).toEqual(['gap']);
    expect(ps[0]).toMatchObject({ chunk: 'b', previous: null, detail: { inside: true, fromTs: T0 + 3 * H, toTs: T0 + 4 * H } });
  });

  it('a repeated window is a duplicate; an overlapping one an overlap', () => {
    const dup = [win('a', T0, T0 + 2 * H), win('a2', T0, T0 + 2 * H), win('b', T0 + 2 * H, T0 + 4 * H)];
    expect(kinds(dropProblems(dup, fam('time-range'), { asOf: T0 + 5 * H }))).toEqual(['duplicate']);
    const over = [win('a', T0, T0 + 2 * H), win('b', T0 + H, T0 + 4 * H)];
    const po = dropProblems(over, fam('time-range'), { asOf: T0 + 5 * H });
    expect(kinds(po)).toEqual(['overlap']);
    expect(po[0].message).toMatch(/exported twice/);
  });

  it('infers the cadence from the requests for stale', () => {
    const cs = [win('a', T0, T0 + 2 * H), win('b', T0 + 2 * H, T0 + 4 * H)];
    expect(kinds(dropProblems(cs, fam('time-range'), { asOf: T0 + 4 * H + 600 + 3 * H + 1 }))).toEqual(['stale']);
    expect(dropProblems(cs, fam('time-range'), { asOf: T0 + 4 * H + 600 + 3 * H - 1 })).toEqual([]);
  });
});

describe('run-date axis (daily dumps)', () => {
  const day = (i: number, series = '') =>
    rec(`${series}${new Date((T0 + i * D) * 1000).toISOString().slice(0, 10)}`, {
      series,
      createdTs: T0 + i * D + 2 * H,
      coverage: { from: T0 + i * D, to: T0 + (i + 1) * D, source: 'path' },
    });
  const daily = fam('run-date', { cadenceSeconds: D, graceSeconds: D });

  it('a missing day is a gap in days; no late besides it', () => {
    const cs = [day(0), day(1), day(3), day(4)];
    const ps = dropProblems(cs, daily, { asOf: T0 + 4 * D + 3 * H });
    expect(kinds(ps)).toEqual(['gap']);
    expect(ps[0]).toMatchObject({ chunk: '2026-11-23', previous: '2026-11-21' });
    expect(ps[0].message).toBe('no dump for the day 2026-11-22');
    const two = dropProblems([day(0), day(3)], daily, { asOf: T0 + 3 * D + 3 * H });
    expect(two[0].message).toBe('no dump for the 2 days 2026-11-21 to 2026-11-22');
  });

  it('stale only more than a day after the next scheduled run', () => {
    const cs = [day(0), day(1)];
    expect(dropProblems(cs, daily, { asOf: T0 + D + 2 * H + 2 * D - 1 })).toEqual([]);
    expect(kinds(dropProblems(cs, daily, { asOf: T0 + D + 2 * H + 2 * D + 1 }))).toEqual(['stale']);
  });

  it('series are judged apart: one brand\'s days do not fill another\'s', () => {
    const cs = [day(0, 'a/'), day(1, 'a/'), day(2, 'a/'), day(0, 'b/'), day(2, 'b/')];
    const ps = dropProblems(cs, daily, { asOf: T0 + 2 * D + 3 * H });
    expect(kinds(ps)).toEqual(['gap']);
    expect(ps[0].chunk).toBe('b/2026-11-22');
  });
});

describe('run-time axis (extracts)', () => {
  const run = (i: number, at = T0 + i * D) => rec(`accounts_${i}`, { createdTs: at, coverage: { from: at, to: at, source: 'name' } });

  it('a silence that fits whole runs is a gap, with the number of runs missing', () => {
    const cs = [run(0), run(1), run(2), run(5), run(6)];
    const ps = dropProblems(cs, fam('run-time'), { asOf: T0 + 6 * D + H });
    expect(kinds(ps)).toEqual(['gap']);
    expect(ps[0]).toMatchObject({ chunk: 'accounts_5', previous: 'accounts_2', detail: { missingRuns: 2, cadenceSeconds: D } });
    expect(ps[0].message).toMatch(/about 2 runs missing/);
  });

  it('runs a little late are not gaps', () => {
    const cs = [run(0), run(1, T0 + D + 3 * H), run(2), run(3)];
    expect(dropProblems(cs, fam('run-time'), { asOf: T0 + 3 * D + H })).toEqual([]);
  });
});

describe('declared counts', () => {
  it('records differing from the declared count are a row-count-mismatch error, on every axis', () => {
    const t = (rows: number, declared: number | null) => ({ ...emptyTable('accounts', 'accounts.csv'), rows, declaredRows: declared, declaredIn: 'accounts.count' });
    const cs = [
      rec('r1', { createdTs: T0, coverage: { from: T0, to: T0, source: 'name' }, tables: [t(10, 10)] }),
      rec('r2', { createdTs: T0 + D, coverage: { from: T0 + D, to: T0 + D, source: 'name' }, tables: [t(9, 12), { ...t(3, null), name: 'x' }] }),
    ];
    const ps = dropProblems(cs, fam('run-time', { cadenceSeconds: D, graceSeconds: H }), { asOf: T0 + D + H });
    expect(kinds(ps)).toEqual(['row-count-mismatch']);
    expect(ps[0]).toMatchObject({ severity: 'error', chunk: 'r2', table: 'accounts', detail: { rows: 9, declaredRows: 12, difference: -3 } });
    expect(ps[0].message).toBe('accounts holds 9 records, accounts.count declares 12 (-3)');
  });
});
