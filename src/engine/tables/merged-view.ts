// The merged view of a table: what the family's warehouse holds after loading the chunks in
// order (upsert by key, or the latest snapshot), as a positions file over the parts, cached
// across runs per parts + key; and how its key is chosen (the user's, the family's, a named
// key column, else the first key-like column unique within every chunk and never empty).
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { KeyInfo } from '../../shared/table-api';
import { EngineError } from '../model';
import { choosableKeys, keyCandidates, namedKey } from '../../shared/table-keys';
import { keyUniqueness, mergeByKey } from './merge-by-key';
import { hashKey, type TableCache } from './cache';
import { withConnection } from './duck';
import type { HandleStores } from './handle-stores';
import type { PartBuilds } from './part-builds';
import type { TableEvents } from './table-events';
import { abortable, now, type Handle } from './table-handle';

export function keyGuess(h: Handle): KeyInfo {
  if (h.requestedKey) {
    const missing = h.requestedKey.filter((k) => !h.columns.includes(k));
    if (missing.length)
      throw new EngineError(
        'bad-request',
        `no column ${missing.map((m) => JSON.stringify(m)).join(', ')} in ${h.table}`,
      );
    return {
      columns: h.requestedKey,
      source: 'user',
      candidates: choosableKeys(h.columns),
      duplicatesWithinChunk: null,
      emptyKeys: null,
      replaced: null,
    };
  }
  const fromFamily = h.policy === 'upsert-by-key' ? h.familyKey?.(h.columns) : null;
  const named = fromFamily?.length ? { column: fromFamily[0], source: 'known' as const } : h.policy === 'upsert-by-key' ? namedKey(h.table, h.columns) : null;
  return {
    columns: fromFamily?.length ? fromFamily : named ? [named.column] : [],
    source: named ? named.source : 'none',
    candidates: choosableKeys(h.columns),
    duplicatesWithinChunk: null,
    emptyKeys: null,
    replaced: null,
  };
}

export class MergedViews {
  constructor(
    private readonly cache: TableCache,
    private readonly builds: PartBuilds,
    private readonly stores: HandleStores,
    private readonly events: TableEvents,
  ) {}

  /** The merged view's positions (cached across runs per parts + key). */
  async ensureMerged(h: Handle): Promise<void> {
    if (h.merged) return;
    h.merging ??= this.merge(h);
    try {
      await h.merging;
    } catch (e) {
      h.merging = null;
      throw e;
    }
  }

  private async merge(h: Handle): Promise<void> {
    const { cache, builds, stores, events } = this;
    await abortable(builds.ensureAllBuilt(h), h.control.signal);
    const vkey = hashKey(['merged', h.parts.map((p) => p.key), h.requestedKey ?? null]);
    const dir = cache.viewDir(vkey);
    const metaFile = path.join(dir, 'meta.json');
    if (existsSync(metaFile)) {
      try {
        const m = JSON.parse(await fsp.readFile(metaFile, 'utf8')) as { key: KeyInfo; rows: number };
        cache.touch(metaFile);
        h.key = m.key;
        h.merged = {
          parquet: path.join(dir, 'merged.parquet'),
          positions: path.join(dir, 'merged.pos'),
          rows: m.rows,
        };
        builds.grown(h);
        return;
      } catch {
        // rebuild
      }
    }
    await stores.ensureAnalysis(h);
    const started = now();
    events.progress(h, 'merging', 0, 100, started);
    const tmp = await cache.tempDir('v', vkey);
    try {
      const scope = stores.scope(h);
      await withConnection(
        {
          signal: h.control.signal,
          onProgress: (f) => events.progress(h, 'merging', Math.round(f * 100), 100, started),
          what: `merging ${h.table} by key`,
        },
        async (con) => {
          let key = h.key ?? keyGuess(h);
          if (key.source === 'none' && h.policy === 'upsert-by-key') {
            // Rule 3: the first key-like column unique within every chunk and never empty.
            const cands = keyCandidates(h.columns);
            const sqlCols = cands.map((c) => scope.cols[h.columns.indexOf(c)]);
            const u = await keyUniqueness(con, scope, sqlCols);
            const k = u.findIndex((x) => x.duplicates === 0 && x.empty === 0);
            if (k >= 0) key = { ...key, columns: [cands[k]], source: 'unique-column' };
          }
          const keySql = key.columns.map((c) => scope.cols[h.columns.indexOf(c)]);
          const r = await mergeByKey(
            con,
            scope,
            keySql,
            path.join(tmp, 'merged.parquet'),
            path.join(tmp, 'merged.pos'),
            h.parts.length,
          );
          key = {
            ...key,
            duplicatesWithinChunk: r.duplicatesWithinChunk,
            emptyKeys: r.emptyKeys,
            replaced: r.replaced,
          };
          await fsp.writeFile(path.join(tmp, 'meta.json'), JSON.stringify({ key, rows: r.rows }));
          h.key = key;
        },
      );
      await cache.commit(tmp, dir);
    } catch (e) {
      await fsp.rm(tmp, { recursive: true, force: true });
      throw e;
    }
    const m = JSON.parse(await fsp.readFile(metaFile, 'utf8')) as { key: KeyInfo; rows: number };
    h.key = m.key;
    h.merged = {
      parquet: path.join(dir, 'merged.parquet'),
      positions: path.join(dir, 'merged.pos'),
      rows: m.rows,
    };
    events.progress(h, 'done', 100, 100, started);
    builds.grown(h);
    await cache.evict([vkey, ...h.parts.map((p) => p.key)]).catch(() => 0);
  }
}
