// @vitest-environment jsdom
// The Tables view in the app, against the fake API: the tab and the picker, sort / filter /
// search over the whole table with progress and cancel, and the grid's cells as decoded
// (multi-line, commas, quotes, empty, malformed), the inspector and copy. Columns, scope,
// the 10M-row table and saving a view: table-view-columns.test.tsx.
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HUGE_TABLE, NASTY_TABLE, nastyRecords } from './fake-api';
import { renderApp, openTable, cellsOf, grid, useTableViewHooks } from './table-view-helpers';
import { shown } from './fake-tables';

useTableViewHooks();

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
