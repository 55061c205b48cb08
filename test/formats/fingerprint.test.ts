// A chunk's fingerprint is what the catalog compares to decide whether to read it again: its
// text must never change for the same files (else every chunk of every drop is read again
// after an upgrade), whatever way it is computed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../src/engine/fs/walk';
import { fingerprintOf, versionOf } from '../../src/engine/formats/types';

/** The fingerprint as releases up to 0.1 wrote it. */
const asReleased = (files: FileEntry[]): string =>
  files
    .map((f) => `${f.rel}:${f.size}:${versionOf(f)}`)
    .sort()
    .join('|');

describe('fingerprintOf', () => {
  it('is the released text for any files, in any order, with ETags or mtimes', () => {
    const file = fc.record({
      rel: fc.string({
        unit: fc.constantFrom('a', 'B', 'é', '/', '.', ':', '|', '0', '\u{1F600}'),
        maxLength: 8,
      }),
      size: fc.nat(),
      mtimeMs: fc.double({ min: 0, max: 4e12, noNaN: true }),
      version: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(file, { maxLength: 7 }), (files) => {
        const entries = files.map((f) => ({ ...f, abs: `/d/${f.rel}` })) as FileEntry[];
        expect(fingerprintOf(entries)).toBe(asReleased(entries));
      }),
      { numRuns: 500 },
    );
  });

  it('names a chunk of one file, of none, and of the same file twice', () => {
    const f: FileEntry = { rel: 'x/a.zip', abs: '/d/x/a.zip', size: 3, mtimeMs: 1500.7 };
    expect(fingerprintOf([f])).toBe('x/a.zip:3:1500');
    expect(fingerprintOf([])).toBe('');
    expect(fingerprintOf([f, f])).toBe('x/a.zip:3:1500|x/a.zip:3:1500');
  });
});
