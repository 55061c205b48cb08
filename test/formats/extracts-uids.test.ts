// The account-id reader of DSV files (formats/extracts/uids.ts) against the table browser's
// cell parser (the record rules' reference): for nasty records (quotes opening mid-field,
// `""`, delimiters, CR, LF and CRLF inside and outside quotes, short records, empty lines)
// in any chunking, every record's id is the parser's cell of that column, exactly. And the
// id set answers as a Set of the same ids does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/shared/family';
import { OrphanBatch } from '../../src/engine/formats/extracts/orphans';
import { uidHash, uidHashBytes } from '../../src/engine/formats/extracts/uid-hash';
import { UidSet } from '../../src/engine/formats/extracts/uid-set';
import { UidColumnReader } from '../../src/engine/formats/extracts/uids';
import { RecordParser } from '../../src/engine/tables/csv-cells';
import { CsvRecordCounter } from '../../src/engine/csv/record-counter';
import { CSV_SIMD_AVAILABLE } from '../../src/engine/csv/simd-scan';

const enc = new TextEncoder();

function reference(bytes: Uint8Array, dialect: Dialect, col: number): string[] {
  const ids: string[] = [];
  const p = new RecordParser((cells) => void ids.push(cells[col] ?? ''), { dialect });
  p.push(bytes);
  p.finish();
  return ids;
}

/**
 * `withEnds`: the record counter reads each chunk first and the reader jumps along its
 * terminators (as the extracts inspector reads), instead of finding the records' ends itself.
 */
function read(bytes: Uint8Array, dialect: Dialect, cuts: number[], withEnds = false): { ids: string[]; column: number } {
  const ids: string[] = [];
  const counter = withEnds ? new CsvRecordCounter({ dialect, recordEnds: true }) : null;
  const r = new UidColumnReader(
    dialect,
    (b, from, to, hash) => {
      // The hash the reader computed on the way is that of the bytes it hands over.
      if (hash !== uidHashBytes(b, from, to)) throw new Error(`hash of id ${ids.length} differs`);
      ids.push(Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('utf8'));
    },
  );
  let at = 0;
  for (const c of [...cuts.map((x) => Math.floor(x * bytes.length)).sort((a, b) => a - b), bytes.length]) {
    if (c <= at) continue;
    // A fresh copy per chunk, reused after the call: the reader must not keep a view of it.
    const chunk = Buffer.from(bytes.subarray(at, c));
    counter?.push(chunk);
    r.push(chunk, counter?.recordEnds);
    chunk.fill(0x21);
    at = c;
  }
  r.finish();
  counter?.finish();
  return { ids, column: r.column };
}

const piece = fc.constantFrom(
  'a',
  'bc',
  '_gid_x',
  'é',
  ',',
  ';',
  '\t',
  '"',
  '""',
  '"x"',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '',
);

describe.each([
  ['finding the records\' ends itself', false],
  ['along the record counter\'s terminators', true],
])('UidColumnReader, %s', (_, withEnds) => {
  it('has the SIMD kernel to list the terminators', () => {
    expect(CSV_SIMD_AVAILABLE).toBe(true);
  });

  it('reads the id column exactly as the cell parser does, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(',', ';', '\t', '|'),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.array(fc.array(piece, { maxLength: 4 }), { maxLength: 6 }), { maxLength: 25 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        fc.boolean(),
        (delimiter, quoted, uidAt, rows, cuts, quoteAll) => {
          const dialect: Dialect = { delimiter, quote: quoted ? '"' : null, header: true };
          const names = ['a', 'b', 'c', 'd'];
          names[uidAt] = 'UID';
          const lines = [names.join(delimiter)];
          for (const r of rows) {
            const fields = r.map((f) => f.join(''));
            lines.push(
              (quoteAll && quoted ? fields.map((f) => `"${f.replace(/"/g, '""')}"`) : fields).join(delimiter),
            );
          }
          const bytes = enc.encode(lines.join(rows.length % 2 ? '\r\n' : '\n'));
          const got = read(bytes, dialect, cuts, withEnds);
          expect(got.column).toBe(uidAt);
          expect(got.ids).toEqual(reference(bytes, dialect, uidAt));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('cut at every byte: a quote opening a field just after a chunk ends with a delimiter, `""`, CRLF split', () => {
    const dialect: Dialect = { delimiter: ',', quote: '"', header: true };
    const text = 'x,UID,y\r\n1,"a""b",",\n"\r\n2,c,d,"e\r\nf"g,"h"\n\n3,"",x"y,"z"\r4,"q\n"\r\n5\n6,"u\n';
    const bytes = enc.encode(text);
    const want = reference(bytes, dialect, 1);
    expect(want).toEqual(['a"b', 'c', '', 'q\n', '', 'u\n']);
    for (let k = 1; k < bytes.length; k++) expect(read(bytes, dialect, [k / bytes.length], withEnds).ids).toEqual(want);
    expect(
      read(
        bytes,
        dialect,
        Array.from({ length: bytes.length }, (_, k) => k / bytes.length),
        withEnds,
      ).ids,
    ).toEqual(want);
  });

  it('without a header: the column whose values look like ids, the seed flattened form', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `"${i}","_gid_${i}""x","","Movie","T, ${i}\r\nz"`);
    const bytes = enc.encode(rows.join('\r\n') + '\r\n');
    const dialect: Dialect = { delimiter: ',', quote: '"', header: false };
    for (const cuts of [[], [0.001, 0.5, 0.5001], Array.from({ length: 50 }, (_, k) => k / 50 + 0.003)]) {
      const got = read(bytes, dialect, cuts, withEnds);
      expect(got.column).toBe(1);
      expect(got.ids).toEqual(Array.from({ length: 300 }, (_, i) => `_gid_${i}"x`));
    }
  });
});

describe('OrphanBatch', () => {
  it('tells the ids absent from the set, each time, in record order, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'dd', 'e"e', 'f\ng', ''), fc.boolean()), { minLength: 55, maxLength: 200 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (rows, cuts) => {
          const dialect: Dialect = { delimiter: ',', quote: '"', header: false };
          // The seed's flattened form: every field quoted, the id second (its column found
          // from values that look like ids: every id here starts with _gid_).
          const lines = rows.map(([v, q], i) => `"${i}","_gid_${v.replace(/"/g, '""')}${q ? i : ''}","x"`);
          const bytes = enc.encode(lines.join('\n') + '\n');
          const ids = reference(bytes, dialect, 1);
          const set = new UidSet();
          ids.forEach((id, i) => i % 3 === 0 && set.add(id));
          const want = ids.filter((id) => !set.has(id));
          const got: string[] = [];
          const batch = new OrphanBatch(set, (id) => void got.push(id));
          const r = new UidColumnReader(dialect, (b, from, to, h) => batch.id(b, from, to, h));
          let at = 0;
          for (const c of [...cuts.map((x) => Math.floor(x * bytes.length)).sort((a, b) => a - b), bytes.length]) {
            if (c <= at) continue;
            const chunk = Buffer.from(bytes.subarray(at, c));
            batch.begin(chunk);
            r.push(chunk);
            batch.end();
            chunk.fill(0x21);
            at = c;
          }
          r.finish();
          expect(got).toEqual(want);
          set.dispose();
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('UidSet', () => {
  it('answers as a Set of the same ids', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 12 }), { maxLength: 400 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 50 }),
        (ids, probes) => {
          const s = new UidSet();
          const half = ids.slice(0, ids.length >> 1);
          for (const id of half) s.add(id);
          const want = new Set(half);
          for (const p of [...ids, ...probes]) expect(s.has(p)).toBe(want.has(p));
        },
      ),
    );
  });

  it('hasHashes answers as hasHash does, id by id', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 8 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 60 }),
        (ids, probes) => {
          const s = new UidSet();
          for (const id of ids.slice(0, ids.length >> 1)) s.add(id);
          const all = [...ids, ...probes];
          const hashes = Float64Array.from(all, uidHash);
          const present = new Uint8Array(all.length).fill(7);
          s.hasHashes(hashes, all.length, present);
          expect([...present]).toEqual(all.map((x) => (s.has(x) ? 1 : 0)));
          s.dispose();
        },
      ),
    );
    // A big table (probe runs across it), half the probes absent.
    const s = new UidSet();
    for (let i = 0; i < 200_000; i++) s.add(`_gid_${i}==`);
    const hashes = Float64Array.from({ length: 20_000 }, (_, k) => uidHash(k % 2 ? `_gid_${k * 9}==` : `_gid_y${k}==`));
    const present = new Uint8Array(hashes.length);
    s.hasHashes(hashes, hashes.length, present);
    expect([...present]).toEqual(Array.from(hashes, (_, k) => (k % 2 && k * 9 < 200_000 ? 1 : 0)));
    s.dispose();
  });

  it('a million ids: all found, absent ones not', () => {
    const s = new UidSet();
    for (let i = 0; i < 1_000_000; i++) s.add(`_gid_${i}==`);
    s.add('_gid_0=='); // a duplicate
    let found = 0;
    for (let i = 0; i < 1_000_000; i += 7) found += s.has(`_gid_${i}==`) ? 1 : 0;
    let absent = 0;
    for (let i = 0; i < 100_000; i++) absent += s.has(`_gid_x${i}==`) ? 0 : 1;
    expect([found, absent]).toEqual([Math.ceil(1_000_000 / 7), 100_000]);
  });

  it('a set made after another was disposed (its arrays reused) knows only its own ids', () => {
    for (const [n, m] of [
      [300_000, 200_000],
      [200_000, 300_000],
      [10, 50_000],
    ]) {
      const a = new UidSet();
      for (let i = 0; i < n; i++) a.add(`a${i}`);
      expect(a.has('a1') && !a.has('b1')).toBe(true);
      a.dispose();
      const b = new UidSet();
      for (let i = 0; i < m; i++) b.add(`b${i}`);
      expect([b.has('a1'), b.has('a0'), b.has(`b${m - 1}`), b.has('b0'), b.size]).toEqual([
        false,
        false,
        true,
        true,
        m,
      ]);
      b.dispose();
    }
  });

  it('hashes a string as its UTF-8 bytes', () => {
    for (const s of ['', '_gid_abc==', 'é', '😀x', '\u0000'])
      expect(uidHash(s)).toBe(uidHashBytes(Buffer.from(s, 'utf8')));
  });
});
