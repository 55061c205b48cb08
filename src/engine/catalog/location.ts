// Where the catalog lives by default: the user's data directory, never inside a drop.
import os from 'node:os';
import path from 'node:path';

export function defaultCatalogPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DROP_INSPECTOR_CATALOG) return path.resolve(env.DROP_INSPECTOR_CATALOG);
  const home = os.homedir();
  let base: string;
  if (platform === 'win32') base = env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
  else if (platform === 'darwin') base = path.join(home, 'Library', 'Application Support');
  else base = env.XDG_DATA_HOME ?? path.join(home, '.local', 'share');
  return path.join(base, 'drop-inspector', 'catalog.sqlite');
}

/** True when `file` is `dir` itself or lies below it. */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
