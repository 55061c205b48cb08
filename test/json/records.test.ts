// JSON extracts streamed: records and the union of flattened keys, for JSON lines and one
// array, in any chunking; malformed records counted; exact cells for the table browser.
import { describe, expect, it } from 'vitest';
import { flattenRecord } from '../../src/engine/json/flatten';
import { JsonRecordCounter } from '../../src/engine/json/records';
import type { JsonLayout } from '../../src/engine/json/record-splitter';
import { Rng } from '../fixtures/prng';

const enc = new TextEncoder();

function count(text: string, layout: JsonLayout, chunk: number) {
  const b = enc.encode(text);
  const c = new JsonRecordCounter(layout);
  for (let i = 0; i < b.length; i += chunk) c.push(b.subarray(i, i + chunk));
  return c.finish();
}

function records(r: Rng, n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => {
    const o: Record<string, unknown> = { UID: `_gid_${i}`, email: `u${i}@x.org`, n: i * 1.5 };
    if (r.chance(0.3)) o.profile = { firstName: 'A "quoted" \\ name}', likes: [{ a: 1 }, '[x]'], age: i % 90 };
    if (r.chance(0.1)) o.extra = { nested: { deep: 'x\ny', '': 1 } };
    if (i === n - 1) o.rare = '{[,]}';
    return o;
  });
}

describe('JSON record counting', () => {
  const r = new Rng(5);
  const recs = records(r, 500);
  const want = new Set<string>();
  for (const o of recs) {
    const walk = (v: Record<string, unknown>, p: string): void => {
      for (const [k, x] of Object.entries(v)) {
        if (x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length) walk(x as Record<string, unknown>, `${p}${k}.`);
        else want.add(p + k);
      }
    };
    walk(o, '');
  }
  const jsonl = recs.map((o) => JSON.stringify(o)).join('\n') + '\n';
  const crlfBlank = recs.map((o) => JSON.stringify(o)).join('\r\n\r\n');
  const array = JSON.stringify(recs, null, r.chance(0.5) ? 2 : undefined);
  const arrayPretty = JSON.stringify(recs, null, 2);

  for (const chunk of [1, 7, 100, 1 << 20]) {
    it(`jsonl, CRLF with blank lines, array and pretty array in ${chunk}-byte chunks`, () => {
      for (const [text, layout] of [
        [jsonl, 'jsonl'],
        [crlfBlank, 'jsonl'],
        [array, 'json-array'],
        [arrayPretty, 'json-array'],
      ] as const) {
        const got = count(text, layout, chunk);
        expect(got.records).toBe(500);
        expect(new Set(got.keys)).toEqual(want);
        expect(got.malformedRows).toBe(0);
        expect(got.unterminated).toBe(false);
        expect(got.notJson).toBeNull();
      }
    });
  }

  it('malformed records: counted and numbered; empty inputs; not an array', () => {
    const got = count('{"a":1}\nnot json\n[1,2]\n{"b":2}\n{"c":', 'jsonl', 3);
    expect(got).toMatchObject({ records: 5, malformedRows: 3, firstMalformed: [2, 3, 5], keys: ['a', 'b'] });
    expect(count('', 'jsonl', 10)).toMatchObject({ records: 0, malformedRows: 0 });
    expect(count('[]', 'json-array', 1)).toMatchObject({ records: 0, unterminated: false });
    expect(count('[1, {"a":2}, "x"]', 'json-array', 2)).toMatchObject({ records: 3, malformedRows: 2, keys: ['a'] });
    expect(count('{"a":1}', 'json-array', 5).notJson).toMatch(/not a JSON array/);
  });

  it('a truncated array: records so far, the cut one malformed, unterminated', () => {
    const cut = array.slice(0, Math.floor(array.length / 2));
    const got = count(cut, 'json-array', 4096);
    expect(got.unterminated).toBe(true);
    expect(got.records).toBeGreaterThan(100);
    expect(got.malformedRows).toBe(1);
  });
});

describe('flattenRecord', () => {
  it('exact cells: dotted keys, decoded strings, numbers as written, arrays as JSON', () => {
    const m = flattenRecord(
      '{"UID":"_gid_1","n":12345678901234567890,"f":1.50,"b":true,"z":null,"profile":{"likes":[{"a":1}],"name":"A \\"q\\" \\u00e9"},"e":{},"s":"x\\ny"}',
    );
    expect(m && Object.fromEntries(m)).toEqual({
      UID: '_gid_1',
      n: '12345678901234567890',
      f: '1.50',
      b: 'true',
      z: 'null',
      'profile.likes': '[{"a":1}]',
      'profile.name': 'A "q" é',
      e: '{}',
      s: 'x\ny',
    });
    expect(flattenRecord('[1]')).toBeNull();
    expect(flattenRecord('{"a":1')).toBeNull();
    expect(flattenRecord('{"a":1} x')).toBeNull();
  });

  it('the same keys as the counter for generated records', () => {
    const recs = records(new Rng(9), 200);
    const c = new JsonRecordCounter('jsonl');
    const keys = new Set<string>();
    for (const o of recs) {
      const t = JSON.stringify(o);
      c.push(enc.encode(t + '\n'));
      const m = flattenRecord(t)!;
      for (const k of m.keys()) keys.add(k);
    }
    expect(new Set(c.finish().keys)).toEqual(keys);
  });
});
