// The fake table service: the table browser's methods over the drop's members, open handles
// by id, every call recorded (and failing where the test scripted it).
import type { ColumnStats, RowsPage } from '../../../src/shared/table-api';
import { ApiError } from '../../../src/renderer/api/errors';
import { createDropSources } from './drop-sources';
import { growOne, startGrowth } from './growth';
import { colIndex, isHuge, naturalView, rowAt } from './handle-rows';
import { hugeStats } from './huge-table';
import { handleInfo, openHandle, tableSummaries } from './open-table';
import { createPacing } from './pacing';
import { statsOf } from './stats';
import type { FakeTables, FakeTablesOptions, Handle, SavedFakeView, View } from './types';
import { viewCsv } from './view-csv';
import { computeView, hasView } from './views';

export function createFakeTables(options: FakeTablesOptions): FakeTables {
  const { reports, emit, record } = options;
  const extras = options.extraTables !== false;
  const delayMs = options.delayMs ?? 0;
  const growMs = options.growMs ?? 0;
  const sources = createDropSources(reports, extras);
  const pacing = createPacing(emit, delayMs);
  const { progress, slow } = pacing;
  const handles = new Map<string, Handle>();
  const saved: SavedFakeView[] = [];
  let nextId = 1;

  function handleOf(id: string): Handle {
    const h = handles.get(id);
    if (!h) throw new ApiError({ code: 'not-found', message: `no open table ${id}` });
    return h;
  }

  const info = (h: Handle) => handleInfo(h, sources);

  return {
    saved,
    openHandles: () => [...handles.keys()],
    grow() {
      for (const h of handles.values()) growOne(h, emit);
    },

    async listTables(drop) {
      record('listTables', [drop]);
      return tableSummaries(sources(drop));
    },

    async openTable(drop, request) {
      record('openTable', [drop, request]);
      const h = openHandle(drop, request, sources, () => `ft${nextId++}`, growMs);
      handles.set(h.id, h);
      startGrowth(h, growMs, emit);
      return info(h);
    },

    async tableInfo(id) {
      record('tableInfo', [id]);
      return info(handleOf(id));
    },

    async getRows(id, req) {
      record('getRows', [id, req]);
      const h = handleOf(id);
      const offset = Math.max(0, Math.floor(req.offset));
      const limit = Math.max(0, Math.min(100_000, Math.floor(req.limit)));
      let view: View;
      let total: number;
      let complete: boolean;
      if (!hasView(req) && h.scope !== 'merged') {
        view = naturalView(h);
        total = h.available;
        complete = h.available >= h.total;
      } else {
        view = await computeView(h, req, pacing);
        total = view.rows;
        complete = true;
      }
      const n = Math.max(0, Math.min(limit, total - offset));
      const page: RowsPage = {
        offset,
        rows: [],
        rowNumbers: [],
        rowChunks: [],
        records: [],
        malformed: [],
        totalRows: total,
        complete,
      };
      for (let i = 0; i < n; i++) {
        const pos = view.at(offset + i);
        const r = rowAt(h, pos);
        page.rows.push(r.cells);
        page.rowNumbers.push(pos);
        page.rowChunks.push(r.chunk);
        page.records.push(r.record);
        page.malformed.push(r.malformed);
      }
      return page;
    },

    async columnStats(id, column, view = {}) {
      record('columnStats', [id, column, view]);
      const h = handleOf(id);
      const seq = h.seq;
      const started = Date.now();
      const ci = colIndex(h, column);
      const v = await computeView(h, view, pacing);
      await slow(h, seq, 'stats', started);
      let stats: ColumnStats;
      if (isHuge(h) && !hasView(view) && h.scope !== 'merged' && !(h.withChunk && ci === 0))
        stats = hugeStats(h.withChunk ? ci - 1 : ci);
      else if (v.rows > 2_000_000)
        throw new ApiError({
          code: 'bad-request',
          message: `the fake cannot compute statistics over ${v.rows} rows`,
        });
      else stats = statsOf(h, v, ci, column);
      progress(h, 'done', 100, 100, started);
      return stats;
    },

    async cancel(id) {
      record('cancel', [id]);
      const h = handleOf(id);
      h.seq++;
    },

    async closeTable(id) {
      record('closeTable', [id]);
      const h = handles.get(id);
      if (!h) return;
      h.closed = true;
      h.seq++;
      if (h.timer) clearInterval(h.timer);
      handles.delete(id);
    },

    async saveView(id, view) {
      record('saveView', [id, view]);
      const h = handleOf(id);
      const v = await computeView(h, view, pacing);
      // The fake builds the CSV only where a test can hold it.
      const csv = v.rows <= 200_000 ? viewCsv(h, v, info(h).columns) : null;
      saved.push({ handle: id, view, rows: v.rows, csv });
      return { saved: true, file: `/home/analyst/${h.table}.csv` };
    },
  };
}
