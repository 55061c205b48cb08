#!/usr/bin/env node
// The CLI's entry point where bin/drop-inspector (the installed command, a POSIX shell
// script) cannot run, e.g. `node bin/drop-inspector.mjs …` on Windows: runs the bundled CLI,
// building it first when the checkout has not been built yet (esbuild takes well under a
// second).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}out/cli/drop-inspector.mjs`;
if (!existsSync(cli)) {
  execFileSync(process.execPath, [`${root}scripts/build-cli.mjs`], { stdio: ['ignore', 'ignore', 'inherit'] });
}
await import(pathToFileURL(cli).href);
