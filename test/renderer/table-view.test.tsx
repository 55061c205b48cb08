// @vitest-environment jsdom
// The Tables view in the app, against the fake API: the tab, the picker, the grid's cells as
// decoded (multi-line, commas, quotes, empty, malformed), sort / filter / search over the
// whole table, progress and cancel, the inspector, copy, columns (resize, reorder, hide,
// pin), scope / encoding / key, go to row, the 10M-row table's last row, save the view.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../src/renderer/App';
import { createHttpApi } from '../../src/renderer/api/http-client';
import { SAVE_VIEW_PATH, TOKEN_HEADER } from '../../src/shared/http-protocol';
import {
  createFakeApi,
  FAKE_DROP,
  HUGE_ROWS,
  HUGE_TABLE,
  hugeRow,
  NASTY_TABLE,
  nastyRecords,
  type FakeApiOptions,
} from './fake-api';
import { stubCanvas } from './setup-dom';

beforeEach(() => {
  stubCanvas();
});
afterEach(() => {
  vi.useRealTimers();
});

function renderApp(options: FakeApiOptions = {}) {
  const api = createFakeApi({ initialDrop: FAKE_DROP, ...options });
  const utils = render(<App api={api} />);
  return { api, ...utils };
}

async function openTable(table: string) {
  fireEvent.click(await screen.findByTestId('tab-tables'));
  fireEvent.click(await screen.findByTestId(`table-item-${table}`));
  await screen.findByTestId('row-0');
  await waitFor(() =>
    expect(screen.getByTestId('row-0').querySelector('.tg-td')?.className).not.toMatch(/tg-missing/),
  );
  await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
}

/** What a cell shows for a value: line breaks and tabs as symbols, long values cut at 400 characters. */
function shown(v: string): string {
  const cut = v.length > 400 ? v.slice(0, 400) : v;
  return (
    cut
      .replace(/\r\n|\n/g, '↵')
      .replace(/\r/g, '␍')
      .replace(/\t/g, '⇥') + (cut.length < v.length ? '…' : '')
  );
}

function cellsOf(row: number): string[] {
  const el = screen.getByTestId(`row-${row}`);
  return [...el.querySelectorAll<HTMLElement>('[data-col]')]
    .sort((a, b) => Number(a.dataset.col) - Number(b.dataset.col))
    .map((c) => c.textContent ?? '');
}

function grid(): HTMLElement {
  return screen.getByTestId('table-scroll');
}

describe('the Tables tab', () => {
  it('lists the tables with rows and chunks, and leaves for another tab', async () => {
    const { api } = renderApp();
    fireEvent.click(await screen.findByTestId('tab-tables'));
    expect(screen.getByTestId('tab-tables').getAttribute('aria-selected')).toBe('true');
    const item = await screen.findByTestId(`table-item-${HUGE_TABLE}`);
    expect(item.textContent).toContain('10,000,000 rows');
    expect(screen.getByTestId(`table-item-${NASTY_TABLE}`).textContent).toContain('2 chunks');
    expect(api.calls.filter((c) => c.method === 'listTables')).toHaveLength(1);
    fireEvent.click(screen.getByTestId('tab-problems'));
    expect(screen.queryByTestId('tables-view')).toBeNull();
    expect(screen.getByTestId('tab-problems').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('tab-tables').getAttribute('aria-selected')).toBe('false');
  });

  it('shows a failure to list the tables in the picker, without retrying in a loop', async () => {
    const { api } = renderApp({ methodErrors: { listTables: { code: 'unreadable', message: 'catalog locked' } } });
    fireEvent.click(await screen.findByTestId('tab-tables'));
    const err = await screen.findByTestId('error-message');
    expect(err.textContent).toContain('catalog locked');
    await new Promise((r) => setTimeout(r, 100));
    expect(api.calls.filter((c) => c.method === 'listTables').length).toBeLessThanOrEqual(2);
  });

  it('shows every cell as decoded: multi-line, commas, quotes, empty, non-ASCII, U+FFFD', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    const { records } = nastyRecords(0);
    // 'all' scope: the chunk first, then the member's fields.
    for (let r = 0; r < 16; r++) {
      const cells = cellsOf(r);
      expect(cells.slice(1)).toEqual(records[r].cells.map(shown));
    }
    // Empty fields are empty (no placeholder text).
    expect(cellsOf(3).slice(2)).toEqual(['', '', '', '', '']);
    // U+FFFD is marked.
    const bad = screen.getByTestId('row-5').querySelector('.tg-bad');
    expect(bad?.textContent).toBe('\ufffd');
    // The problems are counted.
    expect(screen.getByTestId('problem-malformed').textContent).toContain('3 malformed records');
    expect(screen.getByTestId('problem-invalid').textContent).toContain('2 invalid byte sequences');
    expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('363');
  });

  it('marks malformed records and shows them as read, never dropped', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.click(screen.getByTestId('problem-malformed'));
    await waitFor(() => expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('3'));
    const rows = [0, 1, 2].map((i) => screen.getByTestId(`row-${i}`));
    for (const r of rows) expect(r.className).toContain('is-malformed');
    // The short record: fields past its end are shown as missing, not as empty.
    const short = rows[1];
    expect(cellsOf(1).slice(1, 3)).toEqual(['9002', 'short']);
    expect(short.querySelectorAll('.tg-missing').length).toBe(0); // 'all' scope pads with ''…
    // …but in one chunk the record keeps its own number of fields.
    fireEvent.click(screen.getByTestId('clear-view'));
    const chunk = (screen.getByTestId('scope-select') as HTMLSelectElement).querySelectorAll(
      'optgroup option',
    )[0] as HTMLOptionElement;
    fireEvent.change(screen.getByTestId('scope-select'), { target: { value: chunk.value } });
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
    expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('313');
    fireEvent.change(screen.getByTestId('jump-input'), { target: { value: '302' } });
    fireEvent.submit(screen.getByTestId('jump-input').closest('form')!);
    await waitFor(() =>
      expect(screen.getByTestId('row-301').querySelector('[data-col="0"]')?.textContent).toBe('9002'),
    );
    expect(screen.getByTestId('row-301').querySelectorAll('.tg-missing')).toHaveLength(4);
    expect(screen.getByTestId('row-301').querySelector('.tg-malformed-mark')).toBeTruthy();
  });
});

describe('sort, filter, search over the whole table', () => {
  it('sorts by a header click (numeric order for numbers), then descending, then off', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.click(screen.getByTestId('sort-ID'));
    await waitFor(() => expect(screen.getByTestId('th-ID').getAttribute('aria-sort')).toBe('ascending'));
    fireEvent.click(screen.getByTestId('sort-ID'));
    await waitFor(() => expect(screen.getByTestId('th-ID').getAttribute('aria-sort')).toBe('descending'));
    await waitFor(() => expect(cellsOf(0)[1]).toBe('9003'));
    expect(cellsOf(1)[1]).toBe('9002');
    expect(cellsOf(3)[1]).toBe('310');
    expect(screen.getByTestId('sort-chip').textContent).toContain('ID');
    fireEvent.click(screen.getByTestId('sort-ID'));
    await waitFor(() => expect(screen.getByTestId('th-ID').getAttribute('aria-sort')).toBe('none'));
    await waitFor(() => expect(cellsOf(0)[1]).toBe('1'));
  });

  it('filters with the filter editor and removes the filter with its chip', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.click(screen.getByTestId('filter-toggle'));
    fireEvent.change(screen.getByTestId('filter-column'), { target: { value: 'NAME' } });
    fireEvent.change(screen.getByTestId('filter-op'), { target: { value: 'contains' } });
    fireEvent.change(screen.getByTestId('filter-value'), { target: { value: 'SMITH' } });
    fireEvent.click(screen.getByTestId('filter-add'));
    await waitFor(() => expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('1'));
    expect(cellsOf(0)[2]).toBe('Smith, John');
    expect(screen.getByTestId('table-count').textContent).toContain('of 363');
    fireEvent.click(within(screen.getByTestId('filter-chip-0')).getByRole('button'));
    await waitFor(() => expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('363'));
  });

  it('searches every column after a pause in typing', async () => {
    const { api } = renderApp();
    await openTable(NASTY_TABLE);
    const input = screen.getByTestId('table-search');
    for (const v of ['s', 'sh', 'sho', 'shor', 'short']) fireEvent.change(input, { target: { value: v } });
    await waitFor(() => expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('1'), {
      timeout: 3000,
    });
    // One view for the whole burst of typing.
    const searches = api.calls.filter(
      (c) => c.method === 'getRows' && (c.args[1] as { search?: string }).search,
    );
    expect(new Set(searches.map((c) => (c.args[1] as { search: string }).search))).toEqual(
      new Set(['short']),
    );
  });

  it('marks the search hits in the cells; the search chip removes the search; the status says "Sorted by" once done', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    fireEvent.change(screen.getByTestId('table-search'), { target: { value: 'smith' } });
    await waitFor(() => expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('1'), { timeout: 3000 });
    const hits = [...screen.getByTestId('row-0').querySelectorAll('mark.tg-hit')].map((m) => m.textContent);
    expect(hits).toEqual(['Smith']);
    expect(cellsOf(0)[2]).toBe('Smith, John');
    fireEvent.click(screen.getByTestId('search-chip-remove'));
    await waitFor(() => expect(screen.getByTestId('table-count').getAttribute('data-total')).toBe('363'));
    expect(screen.queryByTestId('search-chip')).toBeNull();
    expect((screen.getByTestId('table-search') as HTMLInputElement).value).toBe('');
    fireEvent.click(screen.getByTestId('sort-ID'));
    await waitFor(() => expect(screen.getByTestId('th-ID').getAttribute('aria-sort')).toBe('ascending'));
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
    expect(screen.getByTestId('table-status').textContent).toContain('Sorted by ID');
    expect(screen.getByTestId('table-status').textContent).not.toContain('Sorting');
  });

  it('shows the progress of a long view and cancels it back to the rows before', async () => {
    const { api } = renderApp({ tableDelayMs: 1500 });
    await openTable(NASTY_TABLE);
    fireEvent.click(screen.getByTestId('sort-NAME'));
    const busy = await screen.findByTestId('table-busy');
    expect(busy.textContent).toContain('Sorting by NAME');
    await waitFor(() =>
      expect(within(busy).getByRole('progressbar').getAttribute('aria-valuenow')).not.toBeNull(),
    );
    // The previous rows stay on screen meanwhile.
    expect(cellsOf(0)[2]).toBe('name 1');
    fireEvent.click(screen.getByTestId('table-cancel'));
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
    expect(screen.getByTestId('table-notice').textContent).toMatch(/Cancelled/);
    expect(screen.getByTestId('th-NAME').getAttribute('aria-sort')).toBe('none');
    expect(api.calls.some((c) => c.method === 'cancel')).toBe(true);
  });
});

describe('cells and rows', () => {
  it('the inspector shows a multi-line value in full; Ctrl+C copies it exactly', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const cell = screen.getByTestId('row-1').querySelector('[data-col="3"]')!;
    fireEvent.click(cell);
    fireEvent.keyDown(grid(), { key: 'Enter' });
    const insp = await screen.findByTestId('cell-inspector');
    expect(screen.getByTestId('ci-value').textContent).toBe('first line↵\nsecond line↵\nthird line');
    expect(screen.getByTestId('ci-facts').textContent).toContain('3 lines');
    expect(within(insp).getByTestId('ci-origin').textContent).toContain('Record 2');
    fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('first line\nsecond line\r\nthird line'));
    // Copy the row from the inspector: tab-separated, quoted where a field needs it.
    fireEvent.click(screen.getByTestId('ci-copy-row'));
    await waitFor(() =>
      expect(writeText).toHaveBeenLastCalledWith(
        expect.stringContaining('\t2\tname 2\t"first line\nsecond line\r\nthird line"\t'),
      ),
    );
    // Arrow keys move the cursor; the inspector follows.
    fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    await waitFor(() => expect(screen.getByTestId('ci-value').textContent).toBe('He said "hi"'));
  });

  it('copies with execCommand where the Clipboard API is missing or refuses', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    const exec = vi.fn(() => true);
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true });
    fireEvent.click(screen.getByTestId('row-2').querySelector('[data-col="2"]')!);
    fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(exec).toHaveBeenCalledWith('copy'));
    expect(screen.getByTestId('table-notice').textContent).toContain('Copied the cell');
  });

  it('selects rows by their numbers and copies them', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    fireEvent.click(screen.getByTestId('row-2').querySelector('[data-gutter]')!);
    fireEvent.click(screen.getByTestId('row-4').querySelector('[data-gutter]')!, { shiftKey: true });
    expect(screen.getByTestId('row-3').className).toContain('is-selected');
    fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(writeText).toHaveBeenCalled());
    const text = writeText.mock.calls[0][0] as string;
    expect(text.split('\r\n')).toHaveLength(3);
    expect(text).toContain('\t3\tSmith, John\t"He said ""hi"""\t');
  });

  it('shows times as UTC dates on demand', async () => {
    renderApp();
    await openTable(NASTY_TABLE);
    const col = 5; // CREATED_TS in the 'all' scope
    const raw = cellsOf(0)[col];
    expect(raw).toMatch(/^\d{10}$/);
    fireEvent.click(screen.getByTestId('show-dates'));
    await waitFor(() =>
      expect(cellsOf(0)[col]).toBe(new Date(Number(raw) * 1000).toISOString().slice(0, 19).replace('T', ' ')),
    );
    expect(screen.getByTestId('th-CREATED_TS').textContent).toContain('time');
  });
});

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
