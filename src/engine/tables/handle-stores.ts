// A handle's analysis stores (store.ts: a typed DuckDB database per segment of every part,
// attached to the query instance once built) and the SQL
// scope over them that the views, statistics, merge and export query. A segment's store is
// built once, shared by the handles that need it; once built, its text is queued for packing
// in the background (text-packer.ts): the store answers first.
import path from 'node:path';
import type { ViewSpec } from '../../shared/table-api';
import { CHUNK_COLUMN } from '../../shared/table-api';
import type { ViewContext } from './analysis';
import { scopeSql, type ScopePart, type ScopeSql } from './scope-sql';
import { segmentRows, segmentStore, type TableCache } from './cache';
import { attachStore } from './duck';
import type { PartBuilds } from './part-builds';
import { bases } from './row-reads';
import { ensureStore } from './store';
import { readSegmentInfo } from './store-schema';
import type { TableEvents } from './table-events';
import { abortable, columnMap, now, type Handle, type Part } from './table-handle';
import type { TextPacker } from './text-packer';

export class HandleStores {
  /** One build per segment store at a time, shared by the handles that need it. */
  private readonly analysing = new Map<string, Promise<string>>();

  constructor(
    private readonly cache: TableCache,
    private readonly builds: PartBuilds,
    private readonly events: TableEvents,
    /** Packs a segment's text once its store is built; null: the CSV stays. */
    private readonly packer: TextPacker | null,
  ) {}

  /** Every part's analysis store: its segments two at a time (each is one DuckDB thread). */
  async ensureAnalysis(h: Handle): Promise<void> {
    await abortable(this.builds.ensureAllBuilt(h), h.control.signal);
    const started = now();
    const tasks = h.parts.flatMap((p) => p.meta!.segments.map((_, k) => ({ p, k })));
    let done = 0;
    let next = 0;
    const signal = h.control.signal;
    const worker = async (): Promise<void> => {
      while (next < tasks.length) {
        const { p, k } = tasks[next++];
        await this.analysed(p, k, signal);
        done++;
        this.events.progress(h, 'analysing', done, tasks.length, started, { chunk: p.chunk });
      }
    };
    await Promise.all([worker(), worker()]);
  }

  private analysed(p: Part, k: number, signal: AbortSignal): Promise<string> {
    const id = `${p.key}:${k}`;
    let a = this.analysing.get(id);
    if (!a) {
      const dir = this.cache.entryDir(p.key);
      const meta = p.meta!;
      // The CSV is packed once its store is built (packed-text.ts: the cache at ~0.55x the
      // CSV instead of 1.4x), in the background: the store answers first. Queued again on
      // every use, so a packing killed in an earlier run is finished (a no-op when packed).
      a = ensureStore(dir, meta, k, { signal })
        .then(async (out) => {
          this.packer?.add(p.key, dir, meta, k);
          // Attached before any scope names it (scope() follows ensureAnalysis).
          await attachStore(out);
          return out;
        })
        .finally(() => this.analysing.delete(id));
      this.analysing.set(id, a);
    }
    return a;
  }

  scope(h: Handle): ScopeSql {
    const bs = bases(h);
    const parts: ScopePart[] = h.parts.map((p, i) => ({
      chunk: p.chunk,
      pieces: p.meta!.segments.map((seg, k) => ({
        store: path.join(this.cache.entryDir(p.key), segmentStore(k)),
        base: bs[i] + seg.firstRow,
        rows: segmentRows(p.meta!, k),
        info: readSegmentInfo(this.cache.entryDir(p.key), k, Math.max(1, p.meta!.headerFields)),
      })),
      columnMap: columnMap(p.columns, h.columns),
    }));
    return scopeSql(parts, h.columns.length, h.withChunk);
  }

  ctx(h: Handle, scope: ScopeSql): ViewContext {
    return {
      scope,
      names: h.columns,
      kinds: h.kinds,
      restrict: h.scope === 'merged' ? h.merged!.parquet : null,
    };
  }

  async sessionDir(h: Handle): Promise<string> {
    if (!h.sessionDir) h.sessionDir = await this.cache.tempDir('v', `view-${h.id}`);
    return h.sessionDir;
  }

  /** The view with CHUNK_COLUMN written as the SQL chunk column. */
  sqlView(h: Handle, spec: ViewSpec): ViewSpec {
    const c = (name: string | undefined): string | undefined =>
      h.withChunk && name === CHUNK_COLUMN ? '__chunk' : name;
    return {
      ...(spec.sort ? { sort: { ...spec.sort, column: c(spec.sort.column)! } } : {}),
      ...(spec.sort && spec.thenBy?.length
        ? { thenBy: spec.thenBy.map((k) => ({ ...k, column: c(k.column)! })) }
        : {}),
      ...(spec.filter ? { filter: spec.filter.map((f) => ({ ...f, column: c(f.column) })) } : {}),
      ...(spec.search !== undefined ? { search: spec.search } : {}),
    };
  }
}
