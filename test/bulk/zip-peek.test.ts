// peekZipNames (recognising request ZIPs on the coordinating thread) lists what unzip lists,
// whatever the length of the archive comment: none, one that pushes the end record out of the
// first short read of the tail, one that leaves it at the very start of that read, the longest
// there is. Archives made by Info-ZIP's zip, ZIP64 (streamed from stdin) included.
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peekZipNames } from '../../src/engine/formats/bulk/zip-peek';
import { removeDir, tempDir } from '../engine/harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function makeZip(dir: string, name: string, comment: string | null, zip64 = false): string {
  const zip = path.join(dir, name);
  for (const m of ['a.csv.gz', 'exportstats_x.csv', 'b.csv.gz']) writeFileSync(path.join(dir, m), `${m}\n`.repeat(50));
  if (zip64) {
    // zip reading stdin writes a ZIP64 archive (it cannot know the size in advance).
    execFileSync('bash', ['-c', `printf 'x%.0s' {1..500} | zip -q '${zip}' -`], { cwd: dir });
  } else execFileSync('zip', ['-q', zip, 'a.csv.gz', 'exportstats_x.csv', 'b.csv.gz'], { cwd: dir });
  if (comment !== null) execFileSync('zip', ['-q', '-z', zip], { cwd: dir, input: comment });
  return zip;
}

const unzipNames = (zip: string): string[] => execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');

describe('peekZipNames', () => {
  const cases: Array<[string, string | null, boolean]> = [
    ['no comment', null, false],
    ['a short comment', 'made by the export job', false],
    ['a comment past the first 4 KiB read', 'c'.repeat(10_000), false],
    ['an end record at the start of the first read', 'd'.repeat(4096 - 22 - 5), false],
    ['an end record just inside the first read', 'e'.repeat(4096 - 22 - 30), false],
    ['the longest comment', 'f'.repeat(0xffff - 10), false],
    ['ZIP64 from stdin', null, true],
    ['ZIP64 with a comment past the first read', 'g'.repeat(5000), true],
  ];
  for (const [what, comment, zip64] of cases) {
    it(`lists the members of a zip with ${what}`, () => {
      const dir = tempDir('di-peek-');
      dirs.push(dir);
      const zip = makeZip(dir, 'x.zip', comment, zip64);
      expect(peekZipNames(zip, statSync(zip).size)).toEqual(unzipNames(zip));
    });
  }

  it('is null for what is not a zip or is cut short', () => {
    const dir = tempDir('di-peek-');
    dirs.push(dir);
    const zip = makeZip(dir, 'x.zip', 'c'.repeat(10_000));
    const cut = path.join(dir, 'cut.zip');
    const bytes = execFileSync('head', ['-c', String(statSync(zip).size - 10_100), zip]);
    writeFileSync(cut, bytes);
    expect(peekZipNames(cut, statSync(cut).size)).toBeNull();
    const text = path.join(dir, 'text.zip');
    writeFileSync(text, 'not a zip at all\n'.repeat(1000));
    expect(peekZipNames(text, statSync(text).size)).toBeNull();
  });
});
