// Writes the small Info Mart sample drop that ships with the app (resources/sample-drop/), so
// a new user sees real findings: 8 export runs of 4 tables with a few hundred rows each,
// one chunk missing (a gap), one archive whose .sha1 does not match, and one table that
// gains a column. Deterministic: running it again writes the same bytes.
//
//   node --import tsx scripts/make-sample-drop.ts [outDir]
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash32, writeGimDrop, type GimDropSpec } from '../test/fixtures/gim-drop';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(root, 'resources/sample-drop'));
const LIMIT = 300 * 1024;

const SAMPLE_SPEC: GimDropSpec = {
  seed: 2016,
  chunks: 9, // one of them is missing: 8 on disk
  tables: ['interaction_fact', 'interaction_resource_fact', 'sm_res_state_fact', 'resource_'],
  rowsPerTable: (i, t) =>
    t === 'resource_' ? 60 + (hash32('sample', i, t) % 61) : 180 + (hash32('sample', i, t) % 121),
  defects: {
    3: ['missing'],
    5: ['checksum-mismatch'],
    6: ['schema-change'],
  },
  layout: 'folders',
  extras: false,
  clean: true,
};

function du(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

const m = await writeGimDrop(out, SAMPLE_SPEC);
const size = du(out);
process.stderr.write(
  `wrote ${m.chunks.length} chunks, ${m.totals.rows} rows, ${(size / 1024).toFixed(0)} KiB to ${out}\n`,
);
for (const p of m.expectedProblems)
  process.stderr.write(`  expect ${p.kind} at ${p.chunk}${p.table ? ` (${p.table})` : ''}\n`);
if (size > LIMIT) {
  process.stderr.write(`sample drop is ${size} bytes, over the ${LIMIT} byte budget\n`);
  process.exitCode = 1;
}
