// better-sqlite3 under Electron: the addon must be built for Electron's ABI, while plain-Node
// runs (CLI, tests) use node_modules/better-sqlite3's own build. scripts/start.mjs builds the
// Electron one once into resources/native/electron-<version>-<platform>-<arch>/ (keep the
// two namings in step); the main process passes its path to the engine as `nativeBinding`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const NATIVE_ADDON_FILE = 'better_sqlite3.node';

/** resources/native/<this>/better_sqlite3.node */
export function nativeAddonDirName(electronVersion: string, platform: string, arch: string): string {
  return `electron-${electronVersion}-${platform}-${arch}`;
}

/** Where the Electron-ABI addon lives for this runtime (whether or not it exists). */
export function electronSqliteBindingPath(
  appPath: string,
  runtime: { electronVersion?: string; platform?: string; arch?: string } = {},
): string {
  const electronVersion = runtime.electronVersion ?? process.versions.electron;
  if (!electronVersion) throw new Error('Not running under Electron: no Electron-ABI addon applies.');
  const dir = nativeAddonDirName(
    electronVersion,
    runtime.platform ?? process.platform,
    runtime.arch ?? process.arch,
  );
  return join(appPath, 'resources', 'native', dir, NATIVE_ADDON_FILE);
}

/** The addon's path if it has been built, else undefined. */
export function findElectronSqliteBinding(
  appPath: string,
  runtime?: { electronVersion?: string; platform?: string; arch?: string },
): string | undefined {
  const path = electronSqliteBindingPath(appPath, runtime);
  return existsSync(path) ? path : undefined;
}
