// Opens a catalog's SQLite database with the settings every catalog uses.
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { CatalogOptions } from './catalog-types';

// Every CLI run opens the catalog first, so its start counts (an unchanged re-scan is mostly
// start). better-sqlite3 is required, not imported: an ESM import of a CommonJS package is
// parsed for its export names first. And its addon is opened by path: left to find it, the
// package loads `bindings`, which works out the package root from a stack trace and tries
// its candidate folders one by one, on every start.
const requireCjs = createRequire(import.meta.url);
const Database = requireCjs('better-sqlite3') as typeof BetterSqlite3;

let installedAddon: string | undefined | null = null;
/**
 * The addon npm installed (build/Release), when `bindings` would pick that one too (it looks
 * in build/ and build/Debug/ first); otherwise undefined, and `bindings` searches.
 */
function installedAddonPath(): string | undefined {
  if (installedAddon === null) {
    const build = path.join(path.dirname(requireCjs.resolve('better-sqlite3/package.json')), 'build');
    const release = path.join(build, 'Release', 'better_sqlite3.node');
    const earlier = [path.join(build, 'better_sqlite3.node'), path.join(build, 'Debug', 'better_sqlite3.node')];
    installedAddon = existsSync(release) && !earlier.some((f) => existsSync(f)) ? release : undefined;
  }
  return installedAddon;
}

/** The database of the catalog at `file` (':memory:' for none on disk), its folder made where missing. */
export function openCatalogDb(file: string, options: CatalogOptions): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const nativeBinding = options.nativeBinding ?? installedAddonPath();
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Reads through a memory map, not a pread per page (a re-scan of 3000 chunks reads
  // ~9000 pages); sorts and temporary b-trees in memory, not in a temporary file.
  db.pragma('mmap_size = 1073741824');
  db.pragma('temp_store = MEMORY');
  return db;
}
