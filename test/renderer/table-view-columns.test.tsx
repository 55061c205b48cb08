// @vitest-environment jsdom
// The Tables view's columns (resize, reorder, hide, pin), scope / encoding / key, the
// 10M-row table's last row and go to row, and saving a view over the browser transport.
import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createHttpApi } from '../../src/renderer/api/http-client';
import { SAVE_VIEW_PATH, TOKEN_HEADER } from '../../src/shared/http-protocol';
import { HUGE_ROWS, HUGE_TABLE, hugeRow, NASTY_TABLE } from './fake-api';
import { renderApp, openTable, cellsOf, grid, useTableViewHooks } from './table-view-helpers';
import { shown } from './fake-tables';

useTableViewHooks();

describe('columns', () => {
  it('hides, shows, pins and moves columns', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.click(screen.getByTestId('menu-NOTE'));
    fireEvent.click(within(screen.getByTestId('column-menu')).getByTestId('menu-hide'));
    expect(screen.queryByTestId('th-NOTE')).toBeNull();
    fireEvent.click(screen.getByTestId('columns-toggle'));
    fireEvent.click(screen.getByTestId('col-visible-NOTE'));
    expect(screen.getByTestId('th-NOTE')).toBeTruthy();
    fireEvent.click(screen.getByTestId('columns-toggle'));
    expect(screen.queryByTestId('columns-popover')).toBeNull();
    // Pin NAME: it moves into the pinned block, first after the row numbers.
    fireEvent.click(screen.getByTestId('menu-NAME'));
    fireEvent.click(within(screen.getByTestId('column-menu')).getByTestId('menu-pin'));
    const pinnedHeaders = [...document.querySelectorAll('.tg-header .tg-pinned [data-column]')].map((e) =>
      e.getAttribute('data-column'),
    );
    expect(pinnedHeaders).toEqual(['NAME']);
    expect(screen.getByTestId('row-0').querySelector('.tg-pinned [data-col="2"]')?.textContent).toBe(
      'name 1',
    );
    // Move AMOUNT left (before NOTE).
    fireEvent.click(screen.getByTestId('menu-AMOUNT'));
    fireEvent.click(within(screen.getByTestId('column-menu')).getByText('Move left'));
    const order = [...document.querySelectorAll('.tg-header [data-column]')].map((e) =>
      e.getAttribute('data-column'),
    );
    expect(order.indexOf('AMOUNT')).toBeLessThan(order.indexOf('NOTE'));
    fireEvent.click(screen.getByTestId('columns-toggle'));
    fireEvent.click(screen.getByTestId('columns-reset'));
    expect(
      [...document.querySelectorAll('.tg-header [data-column]')]
        .map((e) => e.getAttribute('data-column'))
        .slice(0, 3),
    ).toEqual(['_chunk', 'ID', 'NAME']);
  });

  it('resizes a column by dragging its edge, and reorders by dragging its name', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    const th = screen.getByTestId('th-NAME');
    const before = parseFloat(th.style.width);
    fireEvent.mouseDown(screen.getByTestId('resize-NAME'), { clientX: 300 });
    fireEvent.mouseMove(document, { clientX: 360 });
    fireEvent.mouseUp(document, { clientX: 360 });
    await waitFor(() => expect(parseFloat(screen.getByTestId('th-NAME').style.width)).toBe(before + 60));
    const data = new Map<string, string>();
    const dataTransfer = {
      setData: (k: string, v: string) => data.set(k, v),
      getData: (k: string) => data.get(k) ?? '',
      get types() {
        return [...data.keys()];
      },
      effectAllowed: 'move',
    };
    fireEvent.dragStart(screen.getByTestId('sort-START_DATE_TIME_KEY'), { dataTransfer });
    fireEvent.dragOver(screen.getByTestId('th-ID'), { dataTransfer, clientX: 0 });
    fireEvent.drop(screen.getByTestId('th-ID'), { dataTransfer, clientX: 0 });
    const order = [...document.querySelectorAll('.tg-header [data-column]')].map((e) =>
      e.getAttribute('data-column'),
    );
    expect(order.slice(0, 3)).toEqual(['_chunk', 'START_DATE_TIME_KEY', 'ID']);
  });

  it('column statistics over the whole table; a top value filters', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.click(screen.getByTestId('menu-AMOUNT'));
    fireEvent.click(screen.getByTestId('menu-stats'));
    const panel = await screen.findByTestId('stats-panel');
    await waitFor(() => expect(screen.getByTestId('stats-rows').textContent).toBe('363'));
    expect(screen.getByTestId('stats-empty').textContent).toContain('4');
    const top = within(panel).getByTestId('stats-top');
    expect(top.textContent).toContain('(empty)');
    const second = within(top).getAllByRole('button')[1];
    const count = Number(second.querySelector('.ts-top-n')!.textContent);
    expect(count).toBeGreaterThanOrEqual(2);
    fireEvent.click(second);
    await waitFor(() =>
      expect(Number(screen.getByTestId('table-count').getAttribute('data-total'))).toBe(count),
    );
  });
});

describe('scope, encoding, key', () => {
  it('switches the encoding: the same bytes read as windows-1252', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    expect(cellsOf(5)[2]).toBe('caf\ufffd');
    fireEvent.change(screen.getByTestId('encoding-select'), { target: { value: 'windows-1252' } });
    await waitFor(() => expect(cellsOf(5)[2]).toBe('café'));
    expect(screen.queryByTestId('problem-invalid')).toBeNull();
  });

  it('shows the dialect a delimited table is read with, and reads it again with the one chosen', async () => {
    const { api } = renderApp();
    await openTable(NASTY_TABLE);
    expect(screen.getByTestId('dialect-read').textContent).toBe('read as ,-separated, quote ", header (detected)');
    fireEvent.change(screen.getByTestId('dialect-delimiter'), { target: { value: ';' } });
    await waitFor(() => expect(screen.getByTestId('dialect-read').textContent).toBe('read as ;-separated, quote ", header (as you chose)'));
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
    fireEvent.change(await screen.findByTestId('dialect-header'), { target: { value: 'no' } });
    await waitFor(() => expect(screen.getByTestId('dialect-read').textContent).toContain('no header (as you chose)'));
    const opens = api.calls.filter((c) => c.method === 'openTable').map((c) => (c.args[1] as { dialect?: unknown }).dialect);
    expect(opens.slice(-2)).toEqual([{ delimiter: ';' }, { delimiter: ';', header: false }]);
    // Back to what the scan detected: no dialect sent.
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
    fireEvent.change(await screen.findByTestId('dialect-delimiter'), { target: { value: 'auto' } });
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
    fireEvent.change(await screen.findByTestId('dialect-header'), { target: { value: 'auto' } });
    await waitFor(() => expect(screen.getByTestId('dialect-read').textContent).toContain('(detected)'));
    const last = api.calls.filter((c) => c.method === 'openTable').pop()!;
    expect((last.args[1] as { dialect?: unknown }).dialect).toBeUndefined();
  });

  it('the merged view tells which key it chose and what it replaced, and takes another', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.change(screen.getByTestId('scope-select'), { target: { value: 'merged' } });
    await waitFor(() => expect(screen.getByTestId('key-info').textContent).toContain('50 records replaced'));
    expect(screen.getByTestId('key-info').textContent).toContain('ID');
    expect(screen.getByTestId('key-info').getAttribute('data-source')).toBe('unique-column');
    expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('313');
    fireEvent.change(screen.getByTestId('key-select'), { target: { value: 'NAME' } });
    await waitFor(() => expect(screen.getByTestId('key-info').getAttribute('data-source')).toBe('user'));
  });

  it('the merged view of a full-snapshot family (daily dumps) says it is the newest dump, not that no key was found', async () => {
    const { api } = renderApp();
    // The family's policy as the engine gives it: the fake's tables are upserts otherwise.
    const snapshot = <T extends { key: unknown; merge?: unknown }>(info: T): T => ({
      ...info,
      merge: 'latest-snapshot',
      key: info.key ? { ...(info.key as object), columns: [], source: 'none', replaced: 0 } : null,
    });
    const open = api.openTable.bind(api);
    const info = api.tableInfo.bind(api);
    const list = api.listTables.bind(api);
    api.openTable = async (drop, req) => snapshot(await open(drop, req));
    api.tableInfo = async (h) => snapshot(await info(h));
    api.listTables = async (drop) => (await list(drop)).map((t) => ({ ...t, merge: 'latest-snapshot' as const }));
    await openTable(NASTY_TABLE);
    const option = screen.getByTestId('scope-select').querySelector('option[value="merged"]')!;
    expect(option.textContent).toBe('Merged — the newest dump (each is a full snapshot)');
    fireEvent.change(screen.getByTestId('scope-select'), { target: { value: 'merged' } });
    await waitFor(() => expect(screen.getByTestId('key-info').getAttribute('data-source')).toBe('snapshot'));
    expect(screen.getByTestId('key-info').textContent).toMatch(/^the newest dump, .+, as it is: each dump is a full snapshot of the table/);
    expect(screen.getByTestId('key-info').textContent).not.toContain('no key found');
  });

  it('the scope menu tells what the open view learnt: a chunk that could not be read when its rows were, and the readable total', async () => {
    const { api } = renderApp();
    const info = api.tableInfo.bind(api);
    const open = api.openTable.bind(api);
    let left: string | null = null;
    // As the engine answers once a part has left the handle (table-part-left).
    const leave = <T extends { problems: { unreadable: unknown[] }; totalRows: number; complete: boolean }>(i: T): T =>
      left ? { ...i, totalRows: 7, complete: true, problems: { ...i.problems, unreadable: [{ chunk: left, error: 'x.csv cannot be read: damaged' }] } } : i;
    api.openTable = async (drop, req) => leave(await open(drop, req));
    api.tableInfo = async (h) => leave(await info(h));
    await openTable(NASTY_TABLE);
    const select = screen.getByTestId('scope-select');
    const chunks = [...select.querySelectorAll('optgroup option')].map((o) => o.getAttribute('value')!.slice('chunk:'.length));
    expect(chunks.length).toBeGreaterThan(1);
    left = chunks[1];
    fireEvent.change(select, { target: { value: 'all' } });
    await waitFor(() => expect(select.querySelector('option[value="all"]')!.textContent).toBe('All chunks, one after another (7 rows)'));
    expect(select.querySelector(`option[value="chunk:${left}"]`)!.textContent).toBe(`${left} (cannot be read)`);
  });

  it('a chunk’s table list opens the table scoped to that chunk', async () => {
    const { api } = renderApp();
    fireEvent.click(await screen.findByTestId('tab-chunks'));
    const detail = await screen.findByTestId('chunk-detail');
    const chunk = detail.getAttribute('data-chunk')!;
    fireEvent.click(within(detail).getByTestId('open-table-interaction_fact'));
    await screen.findByTestId('tables-view');
    await screen.findByTestId('row-0');
    expect((screen.getByTestId('scope-select') as HTMLSelectElement).value).toBe(`chunk:${chunk}`);
    expect(api.calls.find((c) => c.method === 'openTable')!.args[1]).toMatchObject({
      table: 'interaction_fact',
      scope: { chunk },
    });
  });
});

describe('the 10,000,000-row table', () => {
  it('goes to the last row and to row N, with the cells of those rows', async () => {
    renderApp();
    await openTable(HUGE_TABLE);
    expect(screen.getByTestId('table-grid').getAttribute('data-scaled')).toBe('true');
    fireEvent.keyDown(grid(), { key: 'End', ctrlKey: true });
    await waitFor(() =>
      expect(screen.getByTestId(`row-${HUGE_ROWS - 1}`).querySelector('[data-col="0"]')?.textContent).toBe(
        String(HUGE_ROWS),
      ),
    );
    expect(cellsOf(HUGE_ROWS - 1)).toEqual(hugeRow(HUGE_ROWS - 1).map(shown));
    fireEvent.change(screen.getByTestId('jump-input'), { target: { value: '7,654,321' } });
    fireEvent.submit(screen.getByTestId('jump-input').closest('form')!);
    await waitFor(() =>
      expect(screen.getByTestId('row-7654320').querySelector('[data-col="0"]')?.textContent).toBe('7654321'),
    );
    expect(cellsOf(7654320)).toEqual(hugeRow(7654320).map(shown));
    expect(screen.getByTestId('row-7654320').querySelector('.is-cursor')).toBeTruthy();
    // Only a window of rows is in the DOM.
    expect(document.querySelectorAll('.tg-row').length).toBeLessThan(60);
  });

  it('saves the view as CSV through the API', async () => {
    const { api } = renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.click(screen.getByTestId('sort-ID'));
    await waitFor(() => expect(screen.getByTestId('th-ID').getAttribute('aria-sort')).toBe('ascending'));
    fireEvent.click(screen.getByTestId('save-view'));
    await waitFor(() => expect(api.tables.saved).toHaveLength(1));
    expect(api.tables.saved[0].view).toEqual({ sort: { column: 'ID' } });
    await waitFor(() => expect(screen.getByTestId('table-notice').textContent).toContain('Saved the view'));
  });
});

describe('the browser transport', () => {
  it('calls the table methods as POST /api/call/<method>, and saves a view as a download', async () => {
    const fetch = vi.fn(
      async (_url: string, _init: RequestInit) =>
        new Response(JSON.stringify({ ok: true, value: { rows: [] } }), { status: 200 }),
    );
    const download = vi.fn();
    const api = createHttpApi({ token: 'tok', fetch, download });
    await api.getRows('t1', { offset: 10, limit: 200, sort: { column: 'ID' } });
    await api.columnStats('t1', 'ID');
    await api.listTables('/d');
    await api.openTable('/d', { table: 'x', scope: 'merged', key: ['ID'] });
    await api.tableInfo('t1');
    await api.cancel('t1');
    await api.closeTable('t1');
    const urls = fetch.mock.calls.map((c) => c[0]);
    expect(urls).toEqual(
      ['getRows', 'columnStats', 'listTables', 'openTable', 'tableInfo', 'cancel', 'closeTable'].map(
        (m) => `/api/call/${m}`,
      ),
    );
    expect(JSON.parse(fetch.mock.calls[0][1].body as string)).toEqual({
      args: ['t1', { offset: 10, limit: 200, sort: { column: 'ID' } }],
    });
    expect(JSON.parse(fetch.mock.calls[1][1].body as string)).toEqual({ args: ['t1', 'ID'] });
    expect((fetch.mock.calls[0][1].headers as Record<string, string>)[TOKEN_HEADER]).toBe('tok');
    const view = { filter: [{ column: 'A B', op: 'equals' as const, value: 'x&y=z' }] };
    await expect(api.saveView('t 1', view)).resolves.toEqual({ saved: true });
    const url = new URL(download.mock.calls[0][0] as string, 'http://127.0.0.1:1');
    expect(url.pathname).toBe(SAVE_VIEW_PATH);
    expect(url.searchParams.get('handle')).toBe('t 1');
    expect(JSON.parse(url.searchParams.get('view')!)).toEqual(view);
    expect(url.searchParams.get('token')).toBe('tok');
  });

  it('the default download clicks a hidden <a download>', async () => {
    const clicked: string[] = [];
    const spy = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.getAttribute('href')!);
      expect(this.hasAttribute('download')).toBe(true);
    });
    const api = createHttpApi({ token: null, fetch: vi.fn() });
    await act(async () => {
      await api.saveView('h', {});
    });
    expect(clicked).toEqual([`${SAVE_VIEW_PATH}?handle=h&view=${encodeURIComponent('{}')}`]);
    expect(document.querySelector('a[download]')).toBeNull();
    spy.mockRestore();
  });
});
