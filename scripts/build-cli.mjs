// Bundles the CLI (and its worker entry) with esbuild into out/cli. Dependencies stay in
// node_modules; only our TypeScript is bundled, so a build takes well under a second.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
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
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
