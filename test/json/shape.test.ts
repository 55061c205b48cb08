// The JSON counter's fast path (json/shape.ts: records of a known shape scanned, not parsed)
// held to the reference it replaces: every record parsed with JSON.parse, its flattened keys
// added (addKeys), its id the string value of the first record's UID key. On nasty records:
// escapes in keys and values (\u0055ID is a UID key), duplicate keys (the last value wins),
// nested objects with a UID inside, arrays of objects, empty objects, numbers at their
// grammar's edges, whitespace, integer-like keys (which JSON.parse orders first), and records
// broken by one byte (a strict scanner must never take a broken record for a good one).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itIsAFreshCompile } from '../wasm-freshness';
import { addKeys } from '../../src/engine/json/flatten';
import { JsonRecordCounter } from '../../src/engine/json/records';
import { JsonRecordSplitter, type JsonLayout } from '../../src/engine/json/record-splitter';
import { RecordShape } from '../../src/engine/json/shape';
import { ShapeLines, SHAPE_KERNEL_AVAILABLE } from '../../src/engine/json/shape-wasm';
import { SHAPE_KERNEL_WASM_BASE64 } from '../../src/engine/json/shape-kernel.wasm';


const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const UID = /^uid$/i;

function reference(bytes: Uint8Array, layout: JsonLayout) {
  const keys = new Set<string>();
  let malformed = 0;
  const firstMalformed: number[] = [];
  const ids: string[] = [];
  let key: string | null = null;
  const sp = new JsonRecordSplitter(layout, (b, from, to, n) => {
    let v: unknown;
    try {
      v = JSON.parse(dec.decode(b.subarray(from, to)));
    } catch {
      v = undefined;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      malformed++;
      if (firstMalformed.length < 20) firstMalformed.push(n);
      return;
    }
    const r = v as Record<string, unknown>;
    key ??= Object.keys(r).find((k) => UID.test(k)) ?? null;
    if (key !== null && typeof r[key] === 'string') ids.push(r[key] as string);
    addKeys(v, keys);
  });
  sp.push(bytes);
  const unterminated = sp.finish();
  // Ids are hashed as UTF-8: a lone surrogate is U+FFFD there.
  return {
    records: sp.records,
    keys: [...keys],
    malformedRows: malformed,
    firstMalformed,
    unterminated,
    ids: ids.map((x) => Buffer.from(x, 'utf8').toString('utf8')),
  };
}

function counted(bytes: Uint8Array, layout: JsonLayout, cuts: number[]) {
  const ids: string[] = [];
  const c = new JsonRecordCounter(layout, 20, {
    key: UID,
    onId: (b, from, to) =>
      void ids.push(Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('utf8')),
  });
  let at = 0;
  for (const x of [...cuts.map((k) => Math.floor(k * bytes.length)).sort((a, b) => a - b), bytes.length]) {
    if (x <= at) continue;
    const chunk = Buffer.from(bytes.subarray(at, x));
    c.push(chunk);
    chunk.fill(0x7b); // the counter keeps no view of a chunk after push()
    at = x;
  }
  const r = c.finish();
  return {
    records: r.records,
    keys: r.keys,
    malformedRows: r.malformedRows,
    firstMalformed: r.firstMalformed,
    unterminated: r.unterminated,
    ids,
  };
}

// ---- raw JSON text, written by hand (JSON.stringify never writes escapes, duplicates or spaces)
const ws = fc.constantFrom('', '', '', ' ', '\t', ' \r ');
const escaped = (s: string, mode: number): string => {
  const j = JSON.stringify(s);
  if (mode === 0) return j;
  // Some characters as \uXXXX (upper or lower hex), '/' as '\/'.
  return (
    '"' +
    [...j.slice(1, -1)]
      .map((ch, k) =>
        (k + mode) % 3 === 0 && ch !== '\\'
          ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
          : ch === '/'
            ? '\\/'
            : ch,
      )
      .map((x) => (mode === 2 ? x.toUpperCase().replace('\\U', '\\u') : x))
      .join('') +
    '"'
  );
};
const keyName = fc.constantFrom(
  'UID',
  'uid',
  'Uid',
  'email',
  'a',
  'b"c',
  'é',
  '1',
  '10',
  '__proto__',
  'p',
  '',
  'x/y',
  'tab\there',
);
const scalar = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '12',
    '-12.5E-3',
    '1e5',
    '0.5',
    '1E+2',
    'true',
    'false',
    'null',
    '123456789012345678901234567890',
  ),
  fc
    .tuple(fc.string({ maxLength: 6, unit: 'grapheme' }), fc.integer({ min: 0, max: 2 }))
    .map(([s, m]) => escaped(s, m)),
  fc.constantFrom(
    '"_gid_1=="',
    '"_gid_\\u0032=="',
    '"a\\"b"',
    '"\\\\"',
    '"{\\"UID\\":1}"',
    '"line\\nbreak"',
    '"é"',
  ),
);
const value = fc.letrec<{ v: string; arr: string; obj: string }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
  arr: fc.tuple(fc.array(tie('v'), { maxLength: 3 }), ws).map(([xs, w]) => `[${w}${xs.join(`${w},`)}]`),
  obj: fc
    .tuple(fc.array(fc.tuple(keyName, fc.integer({ min: 0, max: 2 }), tie('v')), { maxLength: 3 }), ws)
    .map(([kv, w]) => `{${w}${kv.map(([k, m, x]) => `${escaped(k, m)}${w}:${x}`).join(`,${w}`)}${w}}`),
})).v;

/** A few record templates (key lists), filled with fresh values: shapes repeat, as in real extracts. */
const recordsArb = fc
  .tuple(
    fc.array(fc.array(fc.tuple(keyName, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 5 }), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.array(fc.oneof(scalar, value, fc.constant('{}'), fc.constant('{"UID":"_gid_in"}')), {
          minLength: 5,
          maxLength: 5,
        }),
        ws,
        fc.option(
          fc.tuple(
            fc.nat(),
            fc.constantFrom(
              '"',
              '\\',
              '{',
              '}',
              ',',
              ':',
              '\u0001',
              'x',
              '0',
              ' ',
              ']',
              '[',
              '-',
              '.',
              'e',
              '\u00ff',
            ),
          ),
          { freq: 4 },
        ),
        fc.oneof(
          { weight: 1, arbitrary: fc.constantFrom('[1]', '"s"', '12', 'null', '', '{}', ' { } ') },
          { weight: 12, arbitrary: fc.constant(null) },
        ),
      ),
      { maxLength: 30 },
    ),
  )
  .map(([templates, rows]) =>
    rows.map(([t, vals, w, mutation, other]) => {
      if (other !== null) return other;
      const keys = templates[t % templates.length];
      let text = `{${w}${keys.map(([k, m], i) => `${escaped(k, m)}${w}:${w}${vals[i]}`).join(`${w},${w}`)}${w}}`;
      if (mutation) {
        const [at, ch] = mutation;
        const k = at % (text.length + 1);
        text =
          at % 3 === 0
            ? text.slice(0, k) + ch + text.slice(k)
            : at % 3 === 1
              ? text.slice(0, k) + text.slice(k + 1)
              : text.slice(0, k) + ch + text.slice(k + 1);
      }
      return text;
    }),
  );

describe('JSON counter fast path', () => {
  it('JSON lines: records, malformed ones, keys (order too) and ids exactly as parsing every record', () => {
    fc.assert(
      fc.property(
        recordsArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        fc.boolean(),
        (lines, cuts, crlf) => {
          // (a raw LF cannot be in a line: the mutations add none)
          const bytes = enc.encode(lines.join(crlf ? '\r\n' : '\n'));
          expect(counted(bytes, 'jsonl', cuts)).toEqual(reference(bytes, 'jsonl'));
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 1500) },
    );
  });

  it('a JSON array, pretty or not: the same', () => {
    fc.assert(
      fc.property(
        recordsArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        ws,
        (lines, cuts, w) => {
          const bytes = enc.encode(`[${w}${lines.filter((l) => l.trim() !== '').join(`,\n${w}`)}${w}]`);
          expect(counted(bytes, 'json-array', cuts)).toEqual(reference(bytes, 'json-array'));
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 700) },
    );
  });

  it('strict: a record the scanner matches always parses as an object of the same flattened keys', () => {
    fc.assert(
      fc.property(recordsArb, (lines) => {
        const s = new RecordShape();
        let learned: string | null = null;
        for (const line of lines) {
          const b = enc.encode(line);
          if (learned !== null && s.match(b, 0, b.length)) {
            const v = JSON.parse(line) as object;
            expect(v !== null && typeof v === 'object' && !Array.isArray(v)).toBe(true);
            const a = new Set<string>();
            addKeys(v, a);
            const want = new Set<string>();
            addKeys(JSON.parse(learned), want);
            expect([...a]).toEqual([...want]);
            continue;
          }
          let ok: boolean;
          try {
            const v = JSON.parse(line) as unknown;
            ok = v !== null && typeof v === 'object' && !Array.isArray(v);
          } catch {
            ok = false;
          }
          if (ok && s.learn(b, 0, b.length)) learned = line;
        }
      }),
      { numRuns: Number(process.env.RUNS ?? 1500) },
    );
  });

  it('near misses of the grammar are never matched; its edges are', () => {
    const s = new RecordShape();
    const learn = (t: string): void =>
      void expect(s.learn(enc.encode(t), 0, enc.encode(t).length)).toBe(true);
    // The JS scanner and the WebAssembly kernel (JSON lines in bulk: a line without LF in it)
    // answer alike.
    const lines = new ShapeLines(s);
    const match = (t: string): boolean => {
      const js = s.match(enc.encode(t), 0, enc.encode(t).length);
      if (!t.includes('\n')) {
        const b = enc.encode(`${t}\n`);
        expect(lines.take(b, 0, null), t).toBe(js ? b.length : 0);
        expect(lines.records, t).toBe(js ? 1 : 0);
      }
      return js;
    };
    learn('{"a":0}');
    const bad = [
      '{"a":01}',
      '{"a":-}',
      '{"a":-01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":1e}',
      '{"a":1e+}',
      '{"a":+1}',
      '{"a":tru}',
      '{"a":nul}',
      '{"a":falsy}',
      '{"a":"\u0001"}'.replace('\\u0001', '\u0001'),
      '{"a":"\\x"}',
      '{"a":"\\u12g4"}',
      '{"a":[1,]}',
      '{"a":[,1]}',
      '{"a":1,}',
      '{"a":1}}',
      '{"a":1} x',
      '{"a" 1}',
      "{'a':1}",
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":0x10}',
      '{"a":"open}',
      '{"a":[1}',
      '{"a":[1]]}',
      '{"a":{"b":1]}',
      '{"a":1 2}',
      '{"a":[1 2]}',
      '{"a":{"b" 1}}',
      '{"a":"\t"}'.replace('\\t', '\t'),
      '\u00a0{"a":1}',
      '{"a":1}\u00a0',
    ];
    for (const t of bad) {
      expect(() => JSON.parse(t), t).toThrow();
      expect(match(t), t).toBe(false);
    }
    for (const t of [
      '{"a":-0.0e+0}',
      '{ "a" : 1 }',
      '{"a":"\\u00e9\\/\\b"}',
      '{"a":[{"x":[]},{}]}',
      '{"a":1E-7}',
      '{"a":"é\u2028"}',
      '{"a":{}}',
      '{\t"a":\r\n[ ]\t}',
    ])
      expect(match(t), t).toBe(true);
    learn('{"a":{"x":1}}');
    expect([
      match('{"a":{"x":[1]}}'),
      match('{"a":{}}'),
      match('{"a":{"x":1,"y":2}}'),
      match('{"a":{"y":1}}'),
      match('{"a":{"x":{"z":1}}}'),
    ]).toEqual([true, false, false, false, false]);
  });

  it('most records of an extract are scanned, not parsed; a UID inside a nested object is not the id', () => {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({
        UID: `_gid_${i}`,
        n: i,
        profile: { UID: 'inner', likes: [{ UID: 'x' }], age: i % 90 },
        tags: i % 2 ? [] : ['a'],
      }),
    );
    lines[500] = lines[500].replace('"n":500', '"n":500,"new":{"k":1}');
    lines[700] = lines[700].replace('"_gid_700"', '"_gid_\\u0037\\u0030\\u0030"');
    const bytes = enc.encode(lines.join('\n'));
    let parsed = 0;
    const parse = JSON.parse;
    JSON.parse = ((t: string) => (parsed++, parse(t))) as typeof JSON.parse;
    let got: ReturnType<typeof counted>;
    try {
      got = counted(bytes, 'jsonl', [0.3, 0.6]);
    } finally {
      JSON.parse = parse;
    }
    expect(parsed).toBeLessThan(10); // the first record, the one with a new key and the one after it, an escaped id
    expect(got).toEqual(reference(bytes, 'jsonl'));
    expect(got.keys).toEqual(['UID', 'n', 'profile.UID', 'profile.likes', 'profile.age', 'tags', 'new.k']);
    expect(got.ids[700]).toBe('_gid_700');
  });
});

describe('shape kernel (shape-kernel.wat)', () => {
  it('is available on this Node.js (else the tests above compared the JS scanner with itself)', () => {
    expect(SHAPE_KERNEL_AVAILABLE).toBe(true);
  });

  itIsAFreshCompile('shape-kernel', SHAPE_KERNEL_WASM_BASE64);

  it('lines cut by the 256 KiB slices, longer than a slice, and more records than its id room: as the JS path', () => {
    const rec = (i: number): string => JSON.stringify({ UID: `_gid_${i}`, n: i });
    const parts: string[] = [];
    for (let i = 0; i < 40000; i++) parts.push(i === 20000 ? JSON.stringify({ UID: 'long', pad: 'x'.repeat(300 * 1024) }) : rec(i));
    const bytes = enc.encode(parts.join('\n') + '\n{}\n' + '{}\n'.repeat(40000) + rec(1));
    expect(counted(bytes, 'jsonl', [])).toEqual(reference(bytes, 'jsonl'));
    expect(counted(bytes, 'jsonl', [0.1, 0.5, 0.77])).toEqual(reference(bytes, 'jsonl'));
  });
});
