import { describe, expect, it } from 'vitest';
import { dropProblems, resolveJudgement } from '../../src/engine/checks/index';
import { continuityOrder } from '../../src/engine/checks/order';
import type { Cadence } from '../../src/engine/checks/time';
import { chunk, rec } from './records';
import { gimAdapter } from '../../src/engine/formats/gim/discover';
import { emptyTable } from '../../src/engine/formats/types';

const H = 3600;
const cad = (asOf: number): Cadence => ({ cadenceSeconds: 8 * H, graceSeconds: 4 * H, asOf });
const kinds = (ps: { kind: string }[]): string[] => ps.map((p) => p.kind).sort();

describe('continuity checks', () => {
  it('finds nothing in a continuous, punctual drop', () => {
    const cs = [chunk(13, 100, 0), chunk(100, 250, 8 * H), chunk(250, 400, 16 * H)];
    expect(dropProblems(cs, gimAdapter, cad(17 * H))).toEqual([]);
  });

  it('reports a gap with the missing audit-key range, on the chunk after it', () => {
    const cs = [chunk(13, 100, 0), chunk(100, 250, 8 * H), chunk(300, 400, 16 * H)];
    const ps = dropProblems(cs, gimAdapter, cad(17 * H));
    expect(kinds(ps)).toEqual(['gap']);
    expect(ps[0]).toMatchObject({ severity: 'error', chunk: 'export_400_57600', previous: 'export_250_28800', detail: { fromKey: 250, toKey: 300 } });
    expect(ps[0].message).toBe('audit keys 250..300 are in no chunk');
  });

  it('orders by numeric keys, not by names, and flags the misleading name order', () => {
    // Unpadded keys: "export_100010…" sorts before "export_99990…" as text.
    const a = rec('export_99990_2016_07_12_00_20_00', { hwmFrom: 90000, hwmTo: 99990, createdTs: 0 });
    const b = rec('export_100010_2016_07_12_08_20_00', { hwmFrom: 99990, hwmTo: 100010, createdTs: 8 * H });
    const ordered = continuityOrder([b, a]).map((k) => k.chunk.name);
    expect(ordered).toEqual([a.name, b.name]);
    const ps = dropProblems([b, a], gimAdapter, cad(9 * H));
    expect(kinds(ps)).toEqual(['out-of-order']);
    expect(ps[0]).toMatchObject({ chunk: a.name, previous: b.name });
  });

  it('tells a duplicate (same range re-exported) from an overlap', () => {
    const dup = [chunk(13, 100, 0), chunk(100, 250, 8 * H), chunk(100, 250, 9 * H, { name: 'export_250_again' }), chunk(250, 300, 16 * H)];
    const ps = dropProblems(dup, gimAdapter, cad(17 * H));
    expect(kinds(ps)).toEqual(['duplicate']);
    expect(ps[0]).toMatchObject({ chunk: 'export_250_again', previous: 'export_250_28800' });

    const over = [chunk(13, 100, 0), chunk(90, 250, 8 * H)];
    const po = dropProblems(over, gimAdapter, cad(9 * H));
    expect(kinds(po)).toEqual(['overlap']);
    expect(po[0].detail).toMatchObject({ fromKey: 90, toKey: 100 });
  });

  it('does not invent a gap where metadata is missing: the name key is the fallback', () => {
    const cs = [
      chunk(13, 100, 0),
      rec('export_250_x', { metadata: 'missing', nameKey: 250, nameTs: 8 * H, createdTs: null }),
      chunk(250, 400, 16 * H),
    ];
    const ps = dropProblems(cs, gimAdapter, cad(17 * H));
    expect(ps.filter((p) => p.kind === 'gap')).toEqual([]);
    expect(continuityOrder(cs).map((k) => k.source)).toEqual(['metadata', 'name', 'metadata']);
  });

  it('still finds a gap after a chunk known only by name', () => {
    const cs = [chunk(13, 100, 0), rec('export_250_x', { metadata: 'missing', nameKey: 250, nameTs: 8 * H }), chunk(300, 400, 16 * H)];
    expect(kinds(dropProblems(cs, gimAdapter, cad(17 * H)))).toEqual(['gap']);
  });
});

describe('schema and time checks', () => {
  const t = (name: string, columns: string[]) => ({ ...emptyTable(name, `${name}.csv`), rows: 1, columns, bytes: 1, compressedBytes: 1 });

  it('reports a table whose columns changed since its previous chunk, even with chunks between', () => {
    const cs = [
      chunk(0, 1, 0, { tables: [t('resource_', ['A', 'B'])] }),
      chunk(1, 2, 8 * H, { tables: [] }),
      chunk(2, 3, 16 * H, { tables: [t('resource_', ['A', 'B', 'C'])] }),
    ];
    const ps = dropProblems(cs, gimAdapter, cad(17 * H));
    expect(kinds(ps)).toEqual(['schema-change']);
    expect(ps[0]).toMatchObject({ table: 'resource_', chunk: 'export_3_57600', previous: 'export_1_0', detail: { added: ['C'], removed: [] } });
  });

  it('reports a silence longer than cadence + grace as late, and a stale newest chunk', () => {
    const cs = [chunk(0, 1, 0), chunk(1, 2, 8 * H), chunk(2, 3, 8 * H + 3 * 24 * H)];
    const late = dropProblems(cs, gimAdapter, cad(8 * H + 3 * 24 * H + H));
    expect(kinds(late)).toEqual(['late']);
    expect(late[0]).toMatchObject({ chunk: 'export_3_288000', previous: 'export_2_28800' });
    // 12 h is exactly cadence + grace: not late. 12 h + 1 s is.
    expect(dropProblems([chunk(0, 1, 0), chunk(1, 2, 12 * H)], gimAdapter, cad(12 * H))).toEqual([]);
    expect(kinds(dropProblems([chunk(0, 1, 0), chunk(1, 2, 12 * H + 1)], gimAdapter, cad(12 * H + 1)))).toEqual(['late']);
    const stale = dropProblems([chunk(0, 1, 0)], gimAdapter, cad(13 * H));
    expect(kinds(stale)).toEqual(['stale']);
  });
});

describe('an Info Mart drop on a schedule of its own', () => {
  const D = 24 * H;
  // Chunks at these times (seconds), continuous keys; judged with no cadence given.
  const drop = (times: number[]) => times.map((t, i) => chunk(i * 10, (i + 1) * 10, t));
  const judged = (times: number[]) => {
    const cs = drop(times);
    const asOf = times[times.length - 1] + 60;
    return { problems: dropProblems(cs, gimAdapter, { asOf }), ctx: resolveJudgement(gimAdapter, continuityOrder(cs), { asOf }) };
  };

  it('a daily export (the default schedule adjusted) is judged daily: no chunk is late', () => {
    // A few minutes of drift from run to run, as exports take their time.
    const { problems, ctx } = judged([0, D + 300, 2 * D - 120, 3 * D + 600, 4 * D]);
    expect(problems).toEqual([]);
    // The median interval (the lower of the middle two): 1 d less 7 min.
    expect(ctx).toMatchObject({ cadenceSeconds: D - 420, cadenceSource: 'inferred', graceSeconds: Math.round((D - 420) / 2) });
  });

  it('four runs a day apart are enough; three are not (the documented 8 hours stand)', () => {
    expect(judged([0, D, 2 * D, 3 * D]).ctx).toMatchObject({ cadenceSeconds: D, cadenceSource: 'inferred' });
    const three = judged([0, D, 2 * D]);
    expect(three.ctx).toMatchObject({ cadenceSeconds: 8 * H, cadenceSource: 'family' });
    expect(kinds(three.problems)).toEqual(['late', 'late']);
  });

  it('a silence in a daily export is still late', () => {
    const { problems } = judged([0, D, 2 * D, 3 * D, 4 * D, 7 * D, 8 * D]);
    expect(kinds(problems)).toEqual(['late']);
    expect(problems[0]).toMatchObject({ chunk: 'export_60_604800' });
    // Spans as the report says them: "3 d", "1 d", not "3 d 0 h".
    expect(problems[0].message).toBe('no export for 3 d before this one (expected every 1 d)');
  });

  it('an export every 2 hours is judged by 2 hours: a 6-hour silence is late (the 8-hour default hid it)', () => {
    const times = [0, 2, 4, 6, 8, 14, 16, 18].map((h) => h * H);
    const { problems, ctx } = judged(times);
    expect(ctx).toMatchObject({ cadenceSeconds: 2 * H, cadenceSource: 'inferred' });
    expect(kinds(problems)).toEqual(['late']);
  });

  it('a failing 8-hour job is no schedule of its own: judged by the default, its silences are late', () => {
    // Runs missed now and then: intervals of 8, 16 and 24 hours, none regular.
    const times = [0, 8, 24, 32, 56, 64, 88].map((h) => h * H);
    const { problems, ctx } = judged(times);
    expect(ctx).toMatchObject({ cadenceSeconds: 8 * H, cadenceSource: 'family' });
    expect(kinds(problems)).toEqual(['late', 'late', 'late']);
  });

  it('the default schedule with the usual drift stays the family\'s', () => {
    const times = [0, 8 * H + 400, 16 * H - 200, 24 * H + 900, 32 * H];
    expect(judged(times).ctx).toMatchObject({ cadenceSeconds: 8 * H, graceSeconds: 4 * H, cadenceSource: 'family' });
  });

  it('a cadence given is used as given', () => {
    const cs = drop([0, D, 2 * D, 3 * D, 4 * D]);
    expect(kinds(dropProblems(cs, gimAdapter, cad(4 * D + 60)))).toEqual(['late', 'late', 'late', 'late']);
  });
});

describe('a schedule inferred from the chunks (families without a documented one)', () => {
  const inferring = { ...gimAdapter, cadence: 'infer' as const };
  const ctxOf = (times: number[]) => {
    const cs = times.map((t, i) => chunk(i * 10, (i + 1) * 10, t));
    return resolveJudgement(inferring, continuityOrder(cs), { asOf: times[times.length - 1] + 60 });
  };

  it('is to the minute: runs seconds apart from a day are a daily schedule, shown as 1d (it was 86396s)', () => {
    const D = 24 * H;
    expect(ctxOf([0, D + 7, 2 * D + 3, 3 * D + 12, 3 * D + D + 4])).toMatchObject({ cadenceSeconds: D, graceSeconds: D / 2, cadenceSource: 'inferred' });
  });

  it('keeps one under a minute to the second', () => {
    expect(ctxOf([0, 10, 20, 30]).cadenceSeconds).toBe(10);
  });
});

describe('future-dated chunks', () => {
  it('warns of a chunk created, holding data or named after the as-of time (beyond 5 min of skew)', () => {
    const cs = [chunk(0, 1, 0), chunk(1, 2, 8 * H), chunk(2, 3, 16 * H)];
    // As of 16 h + 5 min the newest chunk is within the tolerated skew; as of 15 h it is an hour ahead.
    expect(dropProblems(cs, gimAdapter, cad(16 * H + 300))).toEqual([]);
    const ps = dropProblems(cs, gimAdapter, cad(15 * H)).filter((p) => p.kind === 'future-dated');
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({
      severity: 'warning',
      chunk: 'export_3_57600',
      detail: { asOf: 15 * H, aheadSeconds: H },
    });
    expect(ps[0].message).toMatch(/^created 1970-01-01T16:00:00Z.*after the scan's time 1970-01-01T15:00:00Z$/);
    // Data after the scan, or a name date in the future, count as well.
    const data = rec('export_9_x', { hwmFrom: 3, hwmTo: 9, createdTs: 16 * H, maxDataTs: 20 * H });
    const named = rec('export_10_y', { hwmFrom: 9, hwmTo: 10, createdTs: null, nameTs: 30 * H });
    const more = dropProblems([...cs, data, named], gimAdapter, cad(17 * H)).filter((p) => p.kind === 'future-dated');
    expect(more.map((p) => p.chunk)).toEqual(['export_9_x', 'export_10_y']);
    expect(more[0].message).toMatch(/^holds data up to 1970-01-01T20:00:00Z/);
    expect(more[1].message).toMatch(/^is named for 1970-01-02T06:00:00Z/);
  });
});
