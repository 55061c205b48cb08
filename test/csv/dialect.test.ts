// Dialect detection from a file's first records: delimiter, quote, header; given parts kept.
import { describe, expect, it } from 'vitest';
import { detectDialect } from '../../src/engine/csv/dialect';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const det = (s: string, given = {}, complete = true) => detectDialect(b(s), given, complete).dialect;

// Seed 002's flattened file (profile.likes): no header, every field quoted, the UID second.
const SEED_FLAT = `"0c36479f81f351afd321bab4700ca0","_gid_XeCEe4oZYgvnp9DPA+g==","","Musician/band","Just About Time"
"1b2e0455067c63c5c54024777661ea","_gid_XeCEe4oZYgvnp9DPA+g==","","Movie","Who Framed Roger Rabbit"
"0ef8bd14d89ea45627dd6104f90c01","_gid_XeCEe4oZYgvnp9DPA+g==","","Musician/band","Janis Joplin"
"b831d4cc8854ca9fb7cd447aa2be28","_gid_XeCEe4oZYgvnp9DPA+g==","","Movie","Pineapple Express"
`;

describe('detectDialect', () => {
  it("seed 002's flattened example: ',' quoted, no header", () => {
    expect(det(SEED_FLAT)).toEqual({ delimiter: ',', quote: '"', header: false });
  });

  it('each delimiter, with a header', () => {
    for (const d of [',', ';', '|', '\t']) {
      const text = ['UID', 'email', 'created', 'age'].join(d) + '\n' +
        Array.from({ length: 20 }, (_, i) => [`_gid_${i}`, `u${i}@x.org`, `2025-11-${10 + (i % 9)}T02:00:00Z`, String(20 + i)].join(d)).join('\n') + '\n';
      expect(det(text), JSON.stringify(d)).toEqual({ delimiter: d, quote: '"', header: true });
    }
  });

  it('semicolons with decimal commas; quoted delimiters', () => {
    expect(det('id;amount;note\n1;3,5;a\n2;4,25;"b;c"\n3;0,5;d\n')).toEqual({ delimiter: ';', quote: '"', header: true });
    expect(det('a,b\n"1,2",3\n"4,5",6\n')).toMatchObject({ delimiter: ',', quote: '"' });
  });

  it('headerless data: numbers, empty fields, repeated values', () => {
    expect(det('1|2|3\n4|5|6\n').header).toBe(false);
    expect(det('alice|x|\nbob|y|z\n').header).toBe(false);
    expect(det('red\tred\nblue\tgreen\n').header).toBe(false);
    expect(det('alpha,beta\ngamma,delta\nalpha,epsilon\n').header).toBe(false);
  });

  it('a header of names over text data', () => {
    expect(det('name,city\nAda Lovelace,London\nAlan Turing,Wilmslow\n').header).toBe(true);
  });

  it('no quoting when quotes would swallow the file', () => {
    expect(det('a;b\n"x;1\ny;2\nz;3\n')).toMatchObject({ delimiter: ';', quote: null });
  });

  it('one column: RFC 4180; a cut last record is ignored', () => {
    expect(det('id\n1\n2\n')).toEqual({ delimiter: ',', quote: '"', header: true });
    // the sample ends mid-record: that record does not count against the rest
    expect(detectDialect(b('a;b;c\n1;2;3\n4;5;6\n7;8'), {}, false).dialect.delimiter).toBe(';');
  });

  it('given parts are kept; the rest is detected', () => {
    const r = detectDialect(b('a;b\n1;2\n'), { header: false }, true);
    expect(r.dialect).toEqual({ delimiter: ';', quote: '"', header: false });
    expect(r.detected).toEqual({ delimiter: true, quote: true, header: false });
    expect(det('a;b\n1;2\n', { delimiter: ',' })).toMatchObject({ delimiter: ',' });
    expect(detectDialect(b('x|y\n1|2\n'), {}, true).evidence).toMatch(/2 fields/);
  });

  it('a BOM is skipped', () => {
    expect(det('\uFEFFk\tv\nx\t1\n')).toEqual({ delimiter: '\t', quote: '"', header: true });
  });
});
