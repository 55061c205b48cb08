// Views of a handle (sort / filter / search) and column statistics, by DuckDB over the
// analysis stores: a view is a file of positions written once per handle and spec (later
// pages are slices of it); a sort's first pages come from a top-N query while the full sort
// is written in the background.
import path from 'node:path';
import type { ColumnStats, TablePhase, ViewSpec } from '../../shared/table-api';
import { CHUNK_COLUMN } from '../../shared/table-api';
import { viewPositions } from './analysis';
import { columnStatistics } from './column-stats';
import { viewHead } from './top-n';
import { withConnection } from './duck';
import type { HandleStores } from './handle-stores';
import type { MergedViews } from './merged-view';
import type { PartBuilds } from './part-builds';
import type { TableEvents } from './table-events';
import { now, type Handle, type ViewFile } from './table-handle';

/** A sort's page this far in comes from a top-N query; further in, from the full sort. */
const TOP_N_MAX = 10_000;

const viewKey = (spec: ViewSpec): string =>
  JSON.stringify([spec.sort ?? null, spec.thenBy ?? [], spec.filter ?? [], spec.search ?? '']);

export class TableViews {
  constructor(
    private readonly builds: PartBuilds,
    private readonly stores: HandleStores,
    private readonly merged: MergedViews,
    private readonly events: TableEvents,
  ) {}

  /**
   * The first `n` rows of a sorted view by a top-N query, while its full sort is not written
   * yet (which then starts in the background for the later pages); null when the full sort
   * is there or `n` is too far in for a top-N to pay.
   */
  async sortedHead(
    h: Handle,
    spec: ViewSpec,
    n: number,
  ): Promise<{ positions: Float64Array; rows: number } | null> {
    if (n > TOP_N_MAX) return null;
    const { stores, events } = this;
    const sql = stores.sqlView(h, spec);
    const vk = viewKey(sql);
    if (h.viewsDone.has(vk)) return null;
    if (h.scope === 'merged') await this.merged.ensureMerged(h);
    await stores.ensureAnalysis(h);
    const started = now();
    const scope = stores.scope(h);
    const sortOnly = !(sql.filter && sql.filter.length) && !(sql.search && sql.search !== '');
    const known = sortOnly ? (h.scope === 'merged' ? h.merged!.rows : this.builds.totals(h).total) : null;
    const head = await withConnection(
      { signal: h.control.signal, what: `sorting ${h.table} by ${spec.sort!.column}` },
      (con) => viewHead(con, stores.ctx(h, scope), sql, n, known),
    );
    events.progress(h, 'done', 100, 100, started);
    // The whole sort for the pages further in, meanwhile.
    if (!h.views.has(vk)) h.background.push(this.view(h, spec).catch(() => undefined));
    return head;
  }

  async view(h: Handle, spec: ViewSpec): Promise<ViewFile> {
    const { stores, events } = this;
    spec = stores.sqlView(h, spec);
    if (h.scope === 'merged') await this.merged.ensureMerged(h);
    const plain = !spec.sort && !(spec.filter && spec.filter.length) && !(spec.search && spec.search !== '');
    if (plain) {
      if (h.scope === 'merged') return { file: h.merged!.positions, rows: h.merged!.rows };
      throw new Error('internal: plain view of a non-merged scope');
    }
    const vk = viewKey(spec);
    let v = h.views.get(vk);
    if (!v) {
      v = (async () => {
        await stores.ensureAnalysis(h);
        const started = now();
        const phase: TablePhase =
          spec.sort && !(spec.filter?.length || spec.search) ? 'sorting' : 'filtering';
        const file = path.join(await stores.sessionDir(h), `view-${h.views.size}.pos`);
        const scope = stores.scope(h);
        const rows = await withConnection(
          {
            signal: h.control.signal,
            onProgress: (f) => events.progress(h, phase, Math.round(f * 100), 100, started),
            what: spec.sort ? `sorting ${h.table} by ${spec.sort.column}` : `filtering ${h.table}`,
          },
          (con) => viewPositions(con, stores.ctx(h, scope), spec, file),
        );
        events.progress(h, 'done', 100, 100, started);
        const done = { file, rows };
        h.viewsDone.set(vk, done);
        return done;
      })();
      h.views.set(vk, v);
      v.catch(() => h.views.delete(vk));
    }
    return v;
  }

  async columnStats(h: Handle, column: string, view: ViewSpec = {}): Promise<ColumnStats> {
    const { stores, events } = this;
    if (h.scope === 'merged') await this.merged.ensureMerged(h);
    await stores.ensureAnalysis(h);
    const started = now();
    const scope = stores.scope(h);
    const col = column === CHUNK_COLUMN && h.withChunk ? '__chunk' : column;
    const stats = await withConnection(
      {
        signal: h.control.signal,
        onProgress: (f) => events.progress(h, 'stats', Math.round(f * 100), 100, started),
        what: `statistics of ${h.table}.${column}`,
      },
      (con) => columnStatistics(con, stores.ctx(h, scope), col, stores.sqlView(h, view)),
    );
    events.progress(h, 'done', 100, 100, started);
    return { ...stats, column };
  }
}
