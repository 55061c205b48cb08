// Builds what the suite runs the way a user does, once before it: the CLI bundle (CLI,
// server and end-to-end tests spawn it) and the renderer (the server serves it). Both take
// a few seconds, so `npm test` works on a fresh checkout with no separate build step.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): () => void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // The suite's own table cache, catalogs and settings (XDG dirs, inherited by every test
  // and the processes they spawn): never the user's, and never shared with another run of
  // the suite on the same machine (one run's cache eviction must not touch another's
  // builds). HOME stays, so npm's config (nodedir) still applies.
  const xdg = mkdtempSync(path.join(os.tmpdir(), 'di-suite-xdg-'));
  process.env.XDG_CACHE_HOME = path.join(xdg, 'cache');
  process.env.XDG_DATA_HOME = path.join(xdg, 'data');
  process.env.XDG_CONFIG_HOME = path.join(xdg, 'config');
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  return () => rmSync(xdg, { recursive: true, force: true });
}
