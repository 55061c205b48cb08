// A packing to kill (packed-text.test.ts): packs segment K of the entry in DIR (its meta.json
// read from there), prints "mid" after a few blocks and then waits, never finishing, until
// the test kills it (SIGKILL: no cleanup runs, as when the app is killed).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EntryMeta } from '../../src/engine/tables/cache';
import { packSegment } from '../../src/engine/tables/packed-text';

const [dir, k] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as EntryMeta;
let blocks = 0;
void packSegment(dir, meta, Number(k), undefined, () => {
  if (++blocks < 4) return null;
  process.stdout.write('mid\n');
  return new Promise<void>(() => setInterval(() => undefined, 1000));
});
