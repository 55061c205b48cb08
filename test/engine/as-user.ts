// Runs the CLI as an unprivileged user. Permission tests mean nothing as root (root reads a
// mode-0000 folder), so under root the CLI runs as `nobody` through setpriv; a normal user
// runs it directly.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'out/cli/drop-inspector.mjs');
const NOBODY = 65534;
export const isRoot = process.getuid?.() === 0;

/** Folders the unprivileged user must be able to reach (temp folders are 0700). */
export function openUp(...dirs: string[]): void {
  for (const d of dirs) chmodSync(d, 0o777);
}

export function runCliUnprivileged(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const [cmd, argv] = isRoot
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, CLI, ...args]]
    : [process.execPath, [CLI, ...args]];
  return spawnSync(cmd, argv as string[], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: '/nonexistent', ...env } });
}
