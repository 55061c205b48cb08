// A table opened for one CLI command (rows, stats): the arguments every table command shares
// (--chunk / --merged [--key] / --encoding / --catalog / --max-ratio / --max-member-bytes), the checks that keep the catalog and
// the table cache out of the drop, a scan first when the catalog does not know the drop (or
// its files changed), then the engine's TableService, as the app's hosts use it.
import path from 'node:path';
import { Catalog } from '../engine/catalog/catalog';
import { defaultCatalogPath } from '../engine/catalog/location';
import { refuseInsideDrop } from '../engine/fs/write-guard';
import { EngineError } from '../engine/model';
import { ensureScanned } from '../engine/fresh-catalog';
import { resolveDrop } from '../engine/scan';
import { defaultCacheDir } from '../engine/tables/cache';
import { parseEncoding } from '../engine/tables/encoding';
import { TableService } from '../engine/tables/table-service';
import { dialectFrom } from './read-options';
import type { TableHandleInfo, TableScope } from '../shared/table-api';

export interface SessionValues {
  chunk?: string;
  merged?: boolean;
  catalog?: string;
  encoding?: string;
  /** Merge key column(s), comma-separated (with --merged). */
  key?: string;
  quiet?: boolean;
  /** Read delimited files with this delimiter / without a header (instead of what the scan detected). */
  delimiter?: string;
  'no-header'?: boolean;
  /** Zip-bomb limits of a first read (src/engine/parts/limits.ts; the scan's by default). */
  'max-member-bytes'?: string;
  'max-ratio'?: string;
}

export interface TableSession {
  service: TableService;
  info: TableHandleInfo;
  scope: TableScope;
  close(): Promise<void>;
}

const bad = (msg: string): EngineError => new EngineError('bad-request', msg);

function positive(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) throw bad(`--${name} must be a positive number (not "${v}")`);
  return n;
}

/** args: <drop> <table>. */
export async function openTableSession(
  args: string[],
  values: SessionValues,
  options: { firstRows?: number; quietScan: boolean },
): Promise<TableSession> {
  if (values.chunk !== undefined && values.merged) throw bad('--chunk and --merged exclude each other');
  if (values.key !== undefined && !values.merged) throw bad('--key goes with --merged');
  const limits = {
    maxMemberBytes: positive(values['max-member-bytes'], 'max-member-bytes'),
    maxRatio: positive(values['max-ratio'], 'max-ratio'),
  };
  const encoding = values.encoding === undefined ? 'utf-8' : parseEncoding(values.encoding);
  if (!encoding)
    throw bad(
      `--encoding must be utf-8, windows-1252, latin1, utf-16, utf-16le or utf-16be (not "${values.encoding}")`,
    );
  const scope: TableScope =
    values.chunk !== undefined ? { chunk: values.chunk } : values.merged ? 'merged' : 'all';
  const key = values.key
    ? values.key
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
    : undefined;

  const drop = await resolveDrop(args[0]);
  const catalogFile = values.catalog ? path.resolve(values.catalog) : defaultCatalogPath();
  refuseInsideDrop(catalogFile, drop, 'the catalog', 'choose another with --catalog');
  const cacheDir = defaultCacheDir();
  refuseInsideDrop(cacheDir, drop, 'the table cache', 'set DROP_INSPECTOR_CACHE elsewhere');

  const catalog = new Catalog(catalogFile);
  const service = new TableService({ catalog, cacheDir, workers: 0, limits, firstRows: options.firstRows });
  const close = async (): Promise<void> => {
    await service.close();
    catalog.close();
  };
  try {
    await ensureScanned(drop, catalog, () => {
      if (!options.quietScan) process.stderr.write(`drop-inspector: scanning ${drop} first…\n`);
    });
    const dialect = dialectFrom(values);
    const info = await service.openTable(drop, { table: args[1], scope, encoding, key, ...(dialect ? { dialect } : {}) });
    return { service, info, scope, close };
  } catch (e) {
    await close();
    throw e;
  }
}
