// The scan's done fraction when the work estimates are wrong (work-meter.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkMeter } from '../../src/engine/work-meter';

const chunks = (n: number, work: number): Array<{ name: string; work: number }> =>
  Array.from({ length: n }, (_, i) => ({ name: `c${i}`, work }));

describe('WorkMeter', () => {
  it('with right estimates, the share of work done', () => {
    const m = new WorkMeter(chunks(4, 10));
    m.add('c0', 5);
    expect(m.fraction()).toBeCloseTo(5 / 40);
    m.add('c0', 5);
    m.finish('c0');
    expect(m.fraction()).toBeCloseTo(0.25);
    for (const c of ['c1', 'c2']) {
      m.add(c, 10);
      m.finish(c);
    }
    expect(m.fraction()).toBeCloseTo(0.75);
    m.add('c3', 10);
    m.finish('c3');
    expect(m.fraction()).toBe(1);
  });

  it('chunks taking 10x their estimate: the rest are scaled by what the finished ones took', () => {
    // A daily dump's footers estimated, its key columns read as well.
    const m = new WorkMeter(chunks(8, 1));
    m.add('c0', 10);
    m.finish('c0');
    // Without scaling: 10 of 8 estimated, a full bar after one day of eight.
    expect(m.fraction()).toBeCloseTo(1 / 8);
    m.add('c1', 10);
    m.finish('c1');
    expect(m.fraction()).toBeCloseTo(2 / 8);
    m.add('c2', 5); // half way through the third
    expect(m.fraction()).toBeCloseTo(2.5 / 8);
  });

  it('before any chunk is finished, chunks past their estimate scale the rest', () => {
    const m = new WorkMeter(chunks(8, 1));
    for (const c of ['c0', 'c1', 'c2', 'c3']) m.add(c, 10);
    // At least 10x: 40 read, at least 80 in all.
    expect(m.fraction()).toBeCloseTo(0.5);
    expect(m.fraction()).toBeLessThan(0.6);
  });

  it('chunks quicker than their estimate count as their estimate; no estimates: chunks done', () => {
    const m = new WorkMeter(chunks(4, 10));
    m.add('c0', 1);
    m.finish('c0');
    expect(m.fraction()).toBeCloseTo(0.25);
    const z = new WorkMeter(chunks(4, 0));
    z.add('c0', 100);
    expect(z.fraction()).toBe(0);
    z.finish('c0');
    expect(z.fraction()).toBe(0.25);
  });

  it('never moves backwards, stays below 1 until every chunk is finished, and ends at 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ est: fc.nat(1000), steps: fc.array(fc.nat(5000), { maxLength: 5 }) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (specs, order) => {
          const m = new WorkMeter(specs.map((s, i) => ({ name: `c${i}`, work: s.est })));
          const left = specs.map((s) => [...s.steps]);
          const open = new Set(specs.map((_, i) => i));
          let last = 0;
          const check = (): void => {
            const f = m.fraction();
            expect(f).toBeGreaterThanOrEqual(last);
            if (open.size > 0) expect(f).toBeLessThan(1);
            last = f;
          };
          for (const k of order) {
            if (open.size === 0) break;
            const i = [...open][k % open.size];
            const step = left[i].shift();
            if (step === undefined) {
              m.finish(`c${i}`);
              open.delete(i);
            } else m.add(`c${i}`, step);
            check();
          }
          for (const i of [...open]) {
            m.finish(`c${i}`);
            open.delete(i);
            check();
          }
          expect(m.fraction()).toBe(1);
        },
      ),
    );
  });
});
