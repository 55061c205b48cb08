// The Tables view's store (src/renderer/state/table-store.ts, with its table-row-cache.ts and
// table-opening.ts) against the fake API: the page cache stays bounded while 10,000,000 rows
// go by, fast scrolls are debounced, a new view keeps the old rows until its first page
// comes, cancel restores, growth and stats.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../../src/renderer/state/store';
import { createTableStore } from '../../src/renderer/state/table-store';
import { BLOCK_ROWS, MAX_BLOCKS } from '../../src/renderer/state/table-row-cache';
import type { TableStore } from '../../src/renderer/state/table-types';
import { columnIds, viewKey } from '../../src/renderer/state/table-view-spec';
import {
  createFakeApi,
  FAKE_DROP,
  HUGE_ROWS,
  HUGE_TABLE,
  hugeRow,
  NASTY_TABLE,
  nastyRecords,
  type FakeApi,
  type FakeApiOptions,
} from './fake-api';

const LAST_CHUNK_TABLES = async (api: FakeApi) =>
  (await api.listTables(FAKE_DROP)).find((t) => t.table === HUGE_TABLE)!.chunks[0].chunk;

let cleanup: Array<() => void> = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
  vi.useRealTimers();
});

function setup(options: FakeApiOptions = {}): { api: FakeApi; store: TableStore } {
  const api = createFakeApi(options);
  const store = createTableStore(api);
  cleanup.push(store.getState().init());
  store.getState().setDrop(FAKE_DROP);
  return { api, store };
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const rowsCalls = (api: FakeApi) => api.calls.filter((c) => c.method === 'getRows');

describe('opening a table', () => {
  it('lists the tables and opens one: first page at once, totals, default scope', async () => {
    const { api, store } = setup();
    await store.getState().loadTables();
    const tables = store.getState().tables!;
    expect(tables.map((t) => t.table)).toContain(HUGE_TABLE);
    await store.getState().open({ table: HUGE_TABLE });
    const s = store.getState();
    // A table in one chunk opens scoped to that chunk.
    expect(s.selection!.scope).toEqual({ chunk: await LAST_CHUNK_TABLES(api) });
    expect(s.ready).toBe(true);
    expect(s.viewTotal).toBe(HUGE_ROWS);
    expect(s.firstRowsMs).not.toBeNull();
    expect(s.getRow(0)!.cells).toEqual(hugeRow(0));
    expect(s.getRow(199)!.cells).toEqual(hugeRow(199));
    expect(s.getRow(200)).toBeUndefined();
    // Only one page was asked for to show the first rows.
    expect(rowsCalls(api)).toHaveLength(1);
    expect(rowsCalls(api)[0].args[1]).toMatchObject({ offset: 0, limit: BLOCK_ROWS });
  });

  it('a table opened during a first scan widens to all chunks when the scan adds more, unless the user chose the scope', async () => {
    const { api, store } = setup();
    await store.getState().loadTables();
    await store.getState().open({ table: HUGE_TABLE });
    const only = await LAST_CHUNK_TABLES(api);
    expect(store.getState().selection!.scope).toEqual({ chunk: only });
    // The scan records a second chunk holding the table.
    const list = api.listTables.bind(api);
    api.listTables = async (drop) =>
      (await list(drop)).map((t) => (t.table === HUGE_TABLE ? { ...t, chunks: [...t.chunks, { ...t.chunks[0], chunk: `${only}-b` }] } : t));
    await store.getState().loadTables();
    await until(() => store.getState().selection?.scope === 'all' && store.getState().ready);
    // A third chunk arrives while the table is open across all: the view takes it in.
    const list2 = api.listTables;
    api.listTables = async (drop) =>
      (await list2(drop)).map((t) => (t.table === HUGE_TABLE ? { ...t, chunks: [...t.chunks, { ...t.chunks[0], chunk: `${only}-c` }] } : t));
    const opens = api.calls.filter((c) => c.method === 'openTable').length;
    await store.getState().loadTables();
    await until(() => api.calls.filter((c) => c.method === 'openTable').length > opens && store.getState().ready);
    // Nothing new: no reopen.
    const opens2 = api.calls.filter((c) => c.method === 'openTable').length;
    await store.getState().loadTables();
    expect(api.calls.filter((c) => c.method === 'openTable').length).toBe(opens2);
    // A scope the user picks stays, however the list changes.
    await store.getState().setScope({ chunk: only });
    await store.getState().loadTables();
    expect(store.getState().selection!.scope).toEqual({ chunk: only });
  });

  it('reads a view anew when a re-scan replaced one of its chunks, and only then', async () => {
    const { api, store } = setup();
    const list = api.listTables.bind(api);
    // The chunks' versions as the list gives them; a re-scan of a re-transferred file changes one.
    const versions = new Map<string, string>();
    api.listTables = async (drop) =>
      (await list(drop)).map((t) => ({ ...t, chunks: t.chunks.map((c) => ({ ...c, version: versions.get(c.chunk) ?? 'v1' })) }));
    const opens = () => api.calls.filter((c) => c.method === 'openTable').length;
    await store.getState().loadTables();
    for (const scope of ['all', 'merged'] as const) {
      await store.getState().open({ table: NASTY_TABLE, scope });
      await until(() => store.getState().ready);
      const chunk = store.getState().tables!.find((t) => t.table === NASTY_TABLE)!.chunks[1].chunk;
      const before = opens();
      await store.getState().loadTables();
      expect(opens(), `${scope}: nothing changed`).toBe(before);
      versions.set(chunk, `v-${scope}`);
      await store.getState().loadTables();
      await until(() => opens() > before && store.getState().ready);
      expect(store.getState().selection!.scope).toBe(scope);
      const after = opens();
      await store.getState().loadTables();
      expect(opens(), `${scope}: read anew once`).toBe(after);
    }
    // One chunk's view: another chunk replaced leaves it; its own replaced reads it anew.
    const [first, second] = store.getState().tables!.find((t) => t.table === NASTY_TABLE)!.chunks.map((c) => c.chunk);
    await store.getState().setScope({ chunk: first });
    await until(() => store.getState().ready);
    const before = opens();
    versions.set(second, 'v3');
    await store.getState().loadTables();
    expect(opens()).toBe(before);
    versions.set(first, 'v3');
    await store.getState().loadTables();
    await until(() => opens() > before && store.getState().ready);
    expect(store.getState().selection!.scope).toEqual({ chunk: first });
  });

  it('a table in several chunks opens across all of them, the chunk first', async () => {
    const { store } = setup();
    await store.getState().loadTables();
    await store.getState().open({ table: NASTY_TABLE });
    const s = store.getState();
    expect(s.selection!.scope).toBe('all');
    expect(s.info!.columns[0]).toBe('_chunk');
    expect(s.viewTotal).toBe(313 + 50);
    const nasty = nastyRecords(0);
    expect(s.getRow(1)!.cells.slice(1)).toEqual(nasty.records[1].cells);
  });

  it('closes the previous handle when another table opens, and ignores a late answer', async () => {
    const { api, store } = setup();
    await store.getState().open({ table: NASTY_TABLE });
    const first = store.getState().info!.handle;
    await store.getState().open({ table: HUGE_TABLE });
    expect(api.tables.openHandles()).toEqual([store.getState().info!.handle]);
    expect(api.calls.some((c) => c.method === 'closeTable' && c.args[0] === first)).toBe(true);
  });

  it('shows an open failure as an error, not a crash', async () => {
    const { store } = setup({
      methodErrors: { openTable: { code: 'unreadable', message: 'the member is damaged' } },
    });
    await store.getState().open({ table: NASTY_TABLE });
    expect(store.getState().error).toMatchObject({
      code: 'unreadable',
      message: 'the member is damaged',
      context: `Opening ${NASTY_TABLE}`,
    });
    expect(store.getState().busy).toBeNull();
  });
});

describe('the page cache', () => {
  it('stays under MAX_BLOCKS while the whole 10M-row table is scrolled through', async () => {
    const { api, store } = setup();
    await store.getState().open({ table: HUGE_TABLE });
    const s = () => store.getState();
    // Visit 60 places from top to bottom, waiting for each to load.
    for (let k = 0; k <= 60; k++) {
      const first = Math.min(HUGE_ROWS - 30, Math.floor((k / 60) * HUGE_ROWS));
      s().requestRows(first, first + 29);
      await until(() => !!s().getRow(first) && !!s().getRow(first + 29));
      expect(s().getRow(first)!.cells).toEqual(hugeRow(first));
      expect(s().cacheInfo().blocks).toBeLessThanOrEqual(MAX_BLOCKS);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(s().getRow(HUGE_ROWS - 1)!.cells).toEqual(hugeRow(HUGE_ROWS - 1));
    expect(s().cacheInfo().rows).toBeLessThanOrEqual(MAX_BLOCKS * BLOCK_ROWS);
    // Each fetch asked for a bounded page.
    for (const c of rowsCalls(api))
      expect((c.args[1] as { limit: number }).limit).toBeLessThanOrEqual(4 * BLOCK_ROWS);
  });

  it('debounces a burst of requests during a fast scroll: only the last range is fetched', async () => {
    const { api, store } = setup();
    await store.getState().open({ table: HUGE_TABLE });
    const before = rowsCalls(api).length;
    // 100 scroll positions within a few ms (a scrollbar drag).
    for (let k = 1; k <= 100; k++) store.getState().requestRows(k * 90_000, k * 90_000 + 30);
    await until(() => !!store.getState().getRow(100 * 90_000));
    await new Promise((r) => setTimeout(r, 80));
    const made = rowsCalls(api).slice(before);
    // The first ask may go at once (idle); the burst after it collapses into the last range.
    expect(made.length).toBeLessThanOrEqual(3);
    expect(
      made.some(
        (c) =>
          (c.args[1] as { offset: number }).offset <= 100 * 90_000 &&
          (c.args[1] as { offset: number; limit: number }).offset + (c.args[1] as { limit: number }).limit >
            100 * 90_000,
      ),
    ).toBe(true);
    // The skipped middle positions were never fetched.
    expect(store.getState().getRow(50 * 90_000)).toBeUndefined();
  });

  it('prefetches half a block around the visible rows', async () => {
    const { store } = setup();
    await store.getState().open({ table: HUGE_TABLE });
    store.getState().requestRows(1000, 1030);
    await until(() => !!store.getState().getRow(1030));
    expect(store.getState().getRow(1000 - BLOCK_ROWS / 2)).toBeDefined();
    expect(store.getState().getRow(1030 + BLOCK_ROWS / 2)).toBeDefined();
  });
});

describe('views', () => {
  it('sorts over the whole table (not the loaded page) and keeps the old rows until the new first page', async () => {
    const { store } = setup();
    await store.getState().open({ table: HUGE_TABLE });
    const p = store.getState().setSort({ column: 'ID', desc: true });
    // While it computes, the rows on screen are still the natural order.
    expect(store.getState().busy?.kind).toBe('view');
    expect(store.getState().getRow(0)!.cells[0]).toBe('1');
    await p;
    expect(store.getState().view.sort).toEqual({ column: 'ID', desc: true });
    expect(store.getState().getRow(0)!.cells[0]).toBe(String(HUGE_ROWS));
    expect(store.getState().scrollRequest?.row).toBe(0);
  });

  it('filters and searches the whole table, with a total of the matches', async () => {
    const { store } = setup();
    await store.getState().open({ table: NASTY_TABLE });
    await store.getState().addFilter({ op: 'malformed' });
    expect(store.getState().viewTotal).toBe(3);
    expect(store.getState().getRow(0)!.malformed).toBe(true);
    await store.getState().removeFilter(0);
    await store.getState().setSearch('smith, john');
    expect(store.getState().viewTotal).toBe(1);
    expect(store.getState().getRow(0)!.cells).toContain('Smith, John');
    await store.getState().clearView();
    expect(store.getState().viewTotal).toBe(363);
  });

  it('reports progress of a long view and cancels it back to the previous view', async () => {
    const { api, store } = setup({ tableDelayMs: 400 });
    await store.getState().open({ table: NASTY_TABLE });
    const p = store.getState().setSort({ column: 'ID', desc: true });
    await until(() => store.getState().progress?.phase === 'sorting');
    expect(store.getState().busy).not.toBeNull();
    await store.getState().cancel();
    await p;
    const s = store.getState();
    expect(s.busy).toBeNull();
    expect(s.view.sort).toBeUndefined();
    expect(s.notice).toMatch(/Cancelled/);
    expect(s.error).toBeNull();
    expect(s.getRow(0)!.cells[1]).toBe('1');
    expect(api.calls.some((c) => c.method === 'cancel')).toBe(true);
  });

  it('a new view while one computes cancels the stale one; only the last applies', async () => {
    const { api, store } = setup({ tableDelayMs: 100 });
    await store.getState().open({ table: NASTY_TABLE });
    const a = store.getState().setSort({ column: 'ID', desc: true });
    const b = store.getState().setSort({ column: 'NAME' });
    await Promise.all([a, b]);
    expect(store.getState().view.sort).toEqual({ column: 'NAME' });
    expect(api.calls.filter((c) => c.method === 'cancel')).toHaveLength(1);
  });

  it('shows a bad view (an invalid regex) as an error and keeps the previous rows', async () => {
    const { store } = setup();
    await store.getState().open({ table: NASTY_TABLE });
    await store.getState().addFilter({ column: 'NAME', op: 'regex', value: '([' });
    expect(store.getState().error).toMatchObject({ code: 'bad-request' });
    expect(store.getState().view.filter).toBeUndefined();
    expect(store.getState().getRow(0)).toBeDefined();
  });

  it('keys views by their content', () => {
    expect(viewKey({ search: '' })).toBe(viewKey({}));
    expect(viewKey({ filter: [] })).toBe(viewKey({}));
    expect(viewKey({ sort: { column: 'A' } })).not.toBe(viewKey({ sort: { column: 'A', desc: true } }));
    expect(columnIds(['A', 'B', 'A', 'A'])).toEqual(['A', 'B', 'A#2', 'A#3']);
  });
});

describe('scope, encoding, key', () => {
  it('merged: one row per key, the later chunk wins, the key and what it replaced are told', async () => {
    const { store } = setup();
    await store.getState().open({ table: NASTY_TABLE, scope: 'merged' });
    await until(
      () =>
        store.getState().info?.key?.replaced !== null && store.getState().info?.key?.replaced !== undefined,
    );
    const s = store.getState();
    expect(s.viewTotal).toBe(313);
    expect(s.info!.key).toMatchObject({ columns: ['ID'], source: 'unique-column', replaced: 50 });
    // Keys 1..50 come from the second chunk, after the first chunk's survivors.
    const last = await s.fetchRows(s.viewTotal - 50, 50);
    expect(last[0].cells.slice(1, 3)).toEqual(['1', 'name 1 (updated)']);
  });

  it('choosing another key re-merges by it, keeping the search', async () => {
    const { store } = setup();
    await store.getState().open({ table: NASTY_TABLE, scope: 'merged' });
    await store.getState().setSearch('name 4');
    await store.getState().setKey(['NAME']);
    await until(() => store.getState().info?.key?.source === 'user' && store.getState().ready);
    expect(store.getState().selection!.key).toEqual(['NAME']);
    expect(store.getState().view.search).toBe('name 4');
  });

  it('switching the encoding re-reads the bytes: U+FFFD in UTF-8, é in windows-1252', async () => {
    const { store, api } = setup();
    const chunk = (await api.listTables(FAKE_DROP)).find((t) => t.table === NASTY_TABLE)!.chunks[0].chunk;
    await store.getState().open({ table: NASTY_TABLE, scope: { chunk } });
    expect(store.getState().getRow(5)!.cells[1]).toBe('caf\ufffd');
    expect(store.getState().info!.problems.invalidChars).toBe(2);
    await store.getState().setEncoding('windows-1252');
    expect(store.getState().getRow(5)!.cells[1]).toBe('café');
    expect(store.getState().info!.problems.invalidChars).toBe(0);
    expect(store.getState().selection!.scope).toEqual({ chunk });
  });

  it('a UTF-16 member with a BOM is read as UTF-16 by itself', async () => {
    const { store } = setup();
    await store.getState().open({ table: 'utf16_notes' });
    expect(store.getState().info!.encoding).toBe('utf-16le');
    expect(store.getState().getRow(0)!.cells).toEqual(['1', 'Grüße']);
    expect(store.getState().getRow(2)!.cells).toEqual(['3', 'two\r\nlines']);
  });
});

describe('growth, stats, save, app links', () => {
  it('a plain view grows with table-grown events while the first read runs', async () => {
    // Growth steps driven by hand (grow()); the timer is far away.
    const api2 = createFakeApi({ tableGrowMs: 60_000 });
    const store2 = createTableStore(api2);
    cleanup.push(store2.getState().init());
    store2.getState().setDrop(FAKE_DROP);
    await store2.getState().open({ table: 'sm_res_state_fact' });
    const total = (await api2.listTables(FAKE_DROP)).find((t) => t.table === 'sm_res_state_fact')!.totalRows;
    expect(store2.getState().viewTotal).toBe(200);
    expect(store2.getState().viewComplete).toBe(false);
    api2.tables.grow();
    expect(store2.getState().viewTotal).toBeGreaterThan(200);
    for (let i = 0; i < 4; i++) api2.tables.grow();
    expect(store2.getState().viewTotal).toBe(total);
    expect(store2.getState().viewComplete).toBe(true);
  });

  it('a part that left the handle (table-part-left): the rows held are dropped, asked again, and the info fetched', async () => {
    const { api, store } = setup();
    await store.getState().open({ table: NASTY_TABLE });
    const s0 = store.getState();
    const handle = s0.info!.handle;
    expect(s0.getRow(0)).toBeDefined();
    s0.requestRows(0, 50);
    const version = s0.rowsVersion;
    const asked = rowsCalls(api).length;
    const infos = () => api.calls.filter((c) => c.method === 'tableInfo').length;
    const infosBefore = infos();
    api.emit({ type: 'table-part-left', handle, chunk: 'export_x', error: 'x.csv cannot be read: damaged' });
    expect(store.getState().getRow(0)).toBeUndefined();
    expect(store.getState().rowsVersion).toBe(version + 1);
    await until(() => rowsCalls(api).length > asked && infos() > infosBefore);
    await until(() => store.getState().getRow(0) !== undefined);
    // Another handle's event changes nothing.
    const v = store.getState().rowsVersion;
    api.emit({ type: 'table-part-left', handle: 'other', chunk: 'export_x', error: 'e' });
    expect(store.getState().rowsVersion).toBe(v);
    expect(store.getState().getRow(0)).toBeDefined();
  });

  it('column statistics over the whole view', async () => {
    const { store } = setup();
    await store.getState().open({ table: NASTY_TABLE });
    await store.getState().loadStats('ID');
    const st = store.getState().stats!;
    expect(st.loading).toBe(false);
    expect(st.data).toMatchObject({
      column: 'ID',
      rows: 363,
      empty: 0,
      distinct: 313,
      kind: 'number',
      min: '1',
      max: '9003',
    });
    expect(st.data!.histogram!.length).toBeGreaterThan(0);
    expect(store.getState().panel).toBe('stats');
  });

  it('saves the view on screen (sorted, filtered) as CSV', async () => {
    const { api, store } = setup();
    await store.getState().open({ table: NASTY_TABLE });
    await store.getState().addFilter({ column: 'ID', op: 'lte', value: '3' });
    await store.getState().setSort({ column: 'ID', desc: true });
    await store.getState().saveView();
    const saved = api.tables.saved[0];
    expect(saved.view).toEqual({
      sort: { column: 'ID', desc: true },
      filter: [{ column: 'ID', op: 'lte', value: '3' }],
    });
    expect(saved.rows).toBe(6);
    const lines = saved.csv!.split('\r\n');
    expect(lines[0]).toBe('_chunk,ID,NAME,NOTE,AMOUNT,CREATED_TS,START_DATE_TIME_KEY');
    expect(lines[1]).toMatch(/,3,"Smith, John","He said ""hi""",/);
    expect(store.getState().notice).toMatch(/Saved/);
  });

  it('follows the app: a new drop closes the table; another view leaves the Tables tab', async () => {
    const api = createFakeApi({ initialDrop: FAKE_DROP });
    const app = createAppStore(api);
    const tables = createTableStore(api, app);
    cleanup.push(app.getState().init(), tables.getState().init());
    await until(() => app.getState().drop === FAKE_DROP);
    expect(tables.getState().drop).toBe(FAKE_DROP);
    tables
      .getState()
      .openInChunk(
        'interaction_fact',
        app.getState().report?.chunks[0].name ?? (await api.getReport(FAKE_DROP)).chunks[0].name,
      );
    expect(tables.getState().active).toBe(true);
    await until(() => tables.getState().ready);
    expect(typeof tables.getState().selection!.scope).toBe('object');
    app.getState().setView('problems');
    expect(tables.getState().active).toBe(false);
    await app.getState().openDrop('/drops/other');
    expect(tables.getState().info).toBeNull();
    expect(tables.getState().drop).toBe(app.getState().drop);
  });
});
