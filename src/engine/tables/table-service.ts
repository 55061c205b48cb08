// The table browser's engine: TableApi (src/shared/table-api.ts) over the catalog, the table
// cache and DuckDB. Hosts (CLI, HTTP, Electron) call it as is.
//
// A handle is a table in a scope (table-handle.ts). Its parts are the chunks' members in
// continuity order (table-sources.ts; found by table-parts.ts); each part is a cache entry,
// built on first need (part-builds.ts, build-runner.ts: worker threads) while its first rows
// are served from the build's early output. Positions in the scope's natural order run over
// the parts in order (row-reads.ts). Views (sort / filter / search: table-views.ts; the
// merged view: merged-view.ts) are files of positions computed by DuckDB over the parts'
// analysis stores (handle-stores.ts); a page of a view is a slice of that file, then the rows
// are read from the cache entries. Exports: view-export.ts. This file holds the handles'
// life cycle.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type {
  ColumnStats,
  ExportResult,
  OpenTableRequest,
  RowsPage,
  RowsRequest,
  TableApi,
  TableEvent,
  TableHandleInfo,
  TableScope,
  TableSummary,
  ViewSpec,
} from '../../shared/table-api';
import { CHUNK_COLUMN } from '../../shared/table-api';
import type { Catalog } from '../catalog/catalog';
import type { InflateLimits } from '../parts/limits';
import { EngineError } from '../model';
import { configureDuck } from './duck';
import { TableReadError } from './entry-bytes';
import { readHeader } from './first-rows';
import { BuildRunner } from './build-runner';
import { TableCache } from './cache';
import { isTableEncoding } from './encoding';
import { HandleStores } from './handle-stores';
import { keyGuess, MergedViews } from './merged-view';
import { PartBuilds, partErrorWithin } from './part-builds';
import { readNatural, readPositions, shape, type GotRow } from './row-reads';
import { TableEvents } from './table-events';
import { entryDialectOf, readSlice, readWaysOf, unionColumns, type Handle } from './table-handle';
import { tableParts } from './table-parts';
import type { TableServiceOptions } from './table-service-options';
import { chunksOf, listTables } from './table-sources';
import { TableViews } from './table-views';
import { TextPacker } from './text-packer';
import { ViewExport } from './view-export';

export { columnMap, csvField, unionColumns } from './table-handle';
export { TableReadError };
export type { TableServiceOptions } from './table-service-options';

export class TableService implements TableApi {
  readonly cache: TableCache;
  /** Background packing of built segments' text, service-wide (outlives handles). */
  readonly packer: TextPacker;
  private readonly runner: BuildRunner;
  private readonly catalog: Catalog;
  private readonly limits: Partial<InflateLimits>;
  private readonly handles = new Map<string, Handle>();
  private readonly events = new TableEvents();
  private readonly builds: PartBuilds;
  private readonly stores: HandleStores;
  private readonly merged: MergedViews;
  private readonly views: TableViews;
  private readonly exports: ViewExport;
  private readonly eager: boolean;
  private nextHandle = 1;

  constructor(options: TableServiceOptions) {
    this.catalog = options.catalog;
    this.cache = new TableCache({ dir: options.cacheDir, maxBytes: options.cacheMaxBytes });
    this.limits = options.limits ?? {};
    void this.cache.reclaim().catch(() => undefined); // folders of builds killed in an earlier run
    this.runner = new BuildRunner(options.workers ?? undefined, options.workers === 0);
    this.eager = options.eagerAnalysis ?? options.workers !== 0;
    this.packer = new TextPacker(
      (key) => this.cache.pin(key),
      (key, k, allPacked) => {
        // The open readers let the deleted CSV go (its disk space back while the table stays open).
        for (const h of this.handles.values())
          for (const p of h.parts) if (p.key === key) p.reader?.released(k, allPacked);
      },
    );
    this.builds = new PartBuilds({
      cache: this.cache,
      runner: this.runner,
      limits: this.limits,
      firstRows: options.firstRows ?? 200,
      segmentBytes: options.segmentBytes,
      events: this.events,
    });
    this.stores = new HandleStores(this.cache, this.builds, this.events, (options.packText ?? true) ? this.packer : null);
    this.merged = new MergedViews(this.cache, this.builds, this.stores, this.events);
    this.views = new TableViews(this.builds, this.stores, this.merged, this.events);
    this.exports = new ViewExport(this.builds, this.stores, this.merged, this.events, (h) => this.info(h), (id, req) =>
      this.getRows(id, req),
    );
    configureDuck({
      tempDir: path.join(this.cache.dir, '.duckdb-tmp'),
      ...(options.duckMemory ? { memoryLimit: options.duckMemory } : {}),
    });
  }

  onTableEvent(listener: (event: TableEvent) => void): () => void {
    return this.events.on(listener);
  }

  async listTables(dropPath: string): Promise<TableSummary[]> {
    return listTables(this.catalog, this.cache, dropPath);
  }

  async openTable(dropPath: string, req: OpenTableRequest): Promise<TableHandleInfo> {
    const encoding = req.encoding ?? 'utf-8';
    if (!isTableEncoding(encoding))
      throw new EngineError('bad-request', `unknown encoding ${String(encoding)}`);
    const { drop, chunks, family } = await chunksOf(this.catalog, this.cache, dropPath);
    const { parts, unreadable, tableName, scopeChunk } = tableParts(this.cache, drop, chunks, req, encoding);
    const scope: TableScope =
      scopeChunk !== null ? { chunk: scopeChunk } : req.scope === 'merged' ? 'merged' : 'all';
    const policy = family?.merge ?? 'upsert-by-key';
    // Full snapshots: the warehouse holds the newest one, not an upsert of all of them.
    if (scope === 'merged' && policy === 'latest-snapshot' && parts.length > 1) {
      for (const p of parts.splice(0, parts.length - 1)) p.unpin?.();
    }
    const h: Handle = {
      id: `t${this.nextHandle++}`,
      drop,
      table: tableName,
      scope,
      encoding,
      requestedKey: req.key && req.key.length ? req.key : undefined,
      parts,
      unreadable,
      columns: [],
      withChunk: scope === 'all' || scope === 'merged',
      key: null,
      policy,
      familyKey: family?.keyOf ? (cols: string[]) => family.keyOf!(tableName, cols) : null,
      merged: null,
      merging: null,
      views: new Map(),
      viewsDone: new Map(),
      kinds: new Map(),
      sessionDir: null,
      control: new AbortController(),
      closed: false,
      lastTotal: -1,
      lastComplete: false,
      background: [],
    };
    this.handles.set(h.id, h);
    try {
      // Headers decoded in the chosen encoding: the first part's from its first read; the
      // others (many-chunk scopes) read just their header.
      // A first part that cannot be read leaves (part-builds.ts), and the next one is first.
      while (h.parts.length && !h.parts[0].columnsExact) {
        const first = h.parts[0];
        this.builds.startBuild(h, first, true);
        try {
          await this.builds.waitFirst(first);
        } catch (e) {
          if (h.parts.includes(first)) throw e;
        }
      }
      await Promise.all(
        h.parts.slice(1).map(async (p) => {
          if (p.columnsExact) return;
          const r = await readHeader(p.source, this.limits).catch(() => null);
          if (r) {
            p.columns = r.header;
            p.headerFields = r.header.length;
            p.columnsExact = true;
          }
        }),
      );
      h.columns = unionColumns(h.parts.map((p) => p.columns));
      if (scope === 'merged') h.key = keyGuess(h);
      // Start reading the first part now (its first page is what the user sees first).
      if (h.parts.length && !h.parts[0].meta) this.builds.startBuild(h, h.parts[0], true);
      if (this.eager) {
        // The merged view (or, for the others, the analysis stores) gets ready meanwhile.
        const bg = scope === 'merged' ? this.merged.ensureMerged(h) : this.stores.ensureAnalysis(h);
        h.background.push(bg.catch(() => undefined));
      }
    } catch (e) {
      await this.closeTable(h.id);
      throw e;
    }
    return this.info(h);
  }

  private handle(id: string): Handle {
    const h = this.handles.get(id);
    if (!h || h.closed) throw new EngineError('not-found', `no open table ${id}`);
    return h;
  }

  private info(h: Handle): TableHandleInfo {
    const { total, complete } = this.builds.totals(h);
    return {
      handle: h.id,
      table: h.table,
      scope: h.scope,
      encoding:
        h.parts.find((p) => p.meta)?.meta?.encoding ??
        h.parts.find((p) => p.first)?.first?.encoding ??
        h.encoding,
      columns: h.withChunk ? [CHUNK_COLUMN, ...h.columns] : [...h.columns],
      totalRows: total,
      complete,
      key: h.key,
      problems: {
        malformedRows: h.parts.reduce((s, p) => s + (p.meta?.malformed ?? 0), 0),
        invalidChars: h.parts.reduce((s, p) => s + (p.meta?.invalidChars ?? 0), 0),
        unreadable: [
          ...h.unreadable,
          ...h.parts.filter((p) => p.error).map((p) => ({ chunk: p.chunk, error: partErrorWithin(p) })),
        ],
      },
      // A chunk's table may come in several parts (a bulk request's sections): each chunk once.
      chunks: [...new Set(h.parts.map((p) => p.chunk))],
      dialect: h.parts.length ? entryDialectOf(h.parts[0].source) : null,
      layout: h.parts[0]?.source.part?.layout.kind ?? (h.parts.length ? 'dsv' : null),
      ...readWaysOf(h.parts),
      merge: h.policy,
    };
  }

  async tableInfo(id: string): Promise<TableHandleInfo> {
    return this.info(this.handle(id));
  }

  async getRows(id: string, req: RowsRequest): Promise<RowsPage> {
    const h = this.handle(id);
    const offset = Math.max(0, Math.floor(req.offset));
    const limit = Math.max(0, Math.min(100_000, Math.floor(req.limit)));
    const hasView = !!(req.sort || (req.filter && req.filter.length) || (req.search && req.search !== ''));
    if (req.thenBy?.length && !req.sort) throw new EngineError('bad-request', 'thenBy needs a sort');
    let got: GotRow[];
    let total: number;
    let complete: boolean;
    if (!hasView && h.scope !== 'merged') {
      got = limit > 0 ? await readNatural(this.builds, h, offset, limit) : [];
      ({ total, complete } = this.builds.totals(h));
    } else {
      const spec: ViewSpec = hasView
        ? { sort: req.sort, thenBy: req.thenBy, filter: req.filter, search: req.search }
        : {};
      const head = spec.sort ? await this.views.sortedHead(h, spec, offset + limit) : null;
      if (head) {
        total = head.rows;
        got = await readPositions(h, head.positions.subarray(offset, offset + limit));
      } else {
        const view = await this.views.view(h, spec);
        total = view.rows;
        const n = Math.max(0, Math.min(limit, view.rows - offset));
        got = n > 0 ? await readPositions(h, await readSlice(view.file, offset, n)) : [];
      }
      complete = true;
    }
    this.builds.grown(h);
    return {
      offset,
      rows: got.map((g) => shape(h, g.p, g.r)),
      rowNumbers: got.map((g) => g.pos),
      rowChunks: got.map((g) => g.p.chunk),
      records: got.map((g) => g.r.info.record),
      malformed: got.map((g) => g.r.info.malformed),
      totalRows: total,
      complete,
    };
  }

  async columnStats(id: string, column: string, view: ViewSpec = {}): Promise<ColumnStats> {
    return this.views.columnStats(this.handle(id), column, view);
  }

  async exportView(id: string, view: ViewSpec, file: string): Promise<ExportResult> {
    return this.exports.exportView(this.handle(id), view, file);
  }

  async cancel(id: string): Promise<void> {
    const h = this.handle(id);
    h.control.abort();
    h.control = new AbortController();
  }

  async closeTable(id: string): Promise<void> {
    const h = this.handles.get(id);
    if (!h || h.closed) return;
    h.closed = true;
    h.control.abort();
    this.handles.delete(id);
    await Promise.allSettled(h.background);
    for (const p of h.parts) {
      p.unpin?.();
      await p.reader?.close();
    }
    if (h.sessionDir) await fsp.rm(h.sessionDir, { recursive: true, force: true }).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const id of [...this.handles.keys()]) await this.closeTable(id);
    await this.packer.close();
    await this.runner.close();
  }

  /** Waits until the background packing of text has nothing left (tests, the bench). */
  async packed(): Promise<void> {
    await this.packer.settled();
  }

  /** Makes totalRows exact: reads the parts whose row count is not known yet. */
  async exactTotal(id: string): Promise<number> {
    const h = this.handle(id);
    if (h.scope === 'merged') {
      await this.merged.ensureMerged(h);
      return h.merged!.rows;
    }
    for (const p of h.parts) if (this.builds.partRows(h, p) === null) await this.builds.build(h, p, true);
    return this.builds.totals(h).total;
  }

  /** Waits for every first read the handle started (CLI: leave the cache whole before exiting). */
  async settle(id: string): Promise<void> {
    const h = this.handles.get(id);
    if (!h) return;
    await Promise.allSettled(h.parts.map((p) => p.building ?? Promise.resolve()));
  }
}
