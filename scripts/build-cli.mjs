// Bundles the CLI (and its worker entries) with esbuild into out/cli, in well under a second.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Chunk names carry content hashes: without a clean start, every build's chunks pile up.
rmSync(path.join(root, 'out/cli'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    'drop-inspector': 'src/cli/main.ts',
    'scan-worker': 'src/engine/workers/scan-worker.ts',
    'table-worker': 'src/engine/tables/table-worker.ts',
  },
  outdir: 'out/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Commands load what they need (`serve`, `rows`) in chunks of their own: a re-scan's
  // process start does not pay for the table engine or the HTTP host.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native addons and the big SDKs stay in node_modules; the small pure-JS readers (yauzl,
  // fast-xml-parser, papaparse, hyparquet) are bundled: loaded from node_modules, each CJS
  // package was resolved, read and lexed for its exports at every start of a scan worker.
  external: ['better-sqlite3', '@duckdb/*', '@aws-sdk/*', 'openpgp', 'electron'],
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
