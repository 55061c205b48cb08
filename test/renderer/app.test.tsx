// @vitest-environment jsdom
// The app against the fake API: verdict, problems, selection, filters, export, errors, progress.
import { describe, expect, it, vi, beforeEach } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../src/renderer/App';
import { createFakeApi, FAKE_DROP, makeSampleReport, type FakeApiOptions } from './fake-api';
import { stubCanvas } from './setup-dom';
import { timeReport } from '../fixtures/time-report';

function renderApp(options: FakeApiOptions = {}) {
  const api = createFakeApi({ initialDrop: FAKE_DROP, ...options });
  const utils = render(<App api={api} />);
  return { api, ...utils };
}

async function finishedScan(api: ReturnType<typeof createFakeApi>) {
  // The scan starts on open; run it to the end so the full report shows.
  await waitFor(() => expect(api.runningJob()).not.toBeNull());
  await act(async () => {
    api.finish();
  });
}

const sample = makeSampleReport();
const gapIndex = sample.problems.findIndex((p) => p.kind === 'gap');
const dupIndex = sample.problems.findIndex((p) => p.kind === 'duplicate');

beforeEach(() => {
  stubCanvas();
});

describe('first screen', () => {
  it('shows the verdict with the number of problems', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    const verdict = await screen.findByTestId('verdict');
    await waitFor(() => expect(verdict.textContent).toContain('8 problems: 2 errors, 5 warnings, 1 info'));
    expect(verdict.getAttribute('data-problems')).toBe('8');
    // The overview shows verdict, timeline and problems together.
    expect(screen.getByTestId('verdict-large').textContent).toContain('8 problems');
    expect(screen.getByTestId('timeline-canvas')).toBeTruthy();
    expect(screen.getByTestId(`problem-row-${gapIndex}`)).toBeTruthy();
    // The worst problem's chunk is already selected: its detail shows without a click.
    expect(screen.getByTestId('chunk-detail').getAttribute('data-chunk')).toBeTruthy();
  });

  it('says "Whole" for a drop without problems', async () => {
    const whole = makeSampleReport('/drops/whole');
    whole.problems = [];
    const { api } = renderApp({ initialDrop: '/drops/whole', reports: { '/drops/whole': whole } });
    await finishedScan(api);
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toContain('Whole'));
  });

  it('lists the gap with its missing key range', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    const row = await screen.findByTestId(`problem-row-${gapIndex}`);
    expect(row.textContent).toContain('Gap');
    expect(within(row).getByTestId(`problem-extent-${gapIndex}`).textContent).toContain('missing keys 202340..203100');
  });

  it('shows the overview facts', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    await waitFor(() => expect(screen.getByTestId('stat-chunks').textContent).toContain('12'));
    expect(screen.getByTestId('stat-family').textContent).toContain('gim');
    expect(screen.getByTestId('stat-keys').textContent).toContain('13..208700');
  });
});

describe('selection', () => {
  it('clicking a problem selects its chunk and the detail pane shows it', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    const row = await screen.findByTestId(`problem-row-${dupIndex}`);
    fireEvent.click(row);
    const detail = screen.getByTestId('chunk-detail');
    expect(detail.getAttribute('data-chunk')).toBe(sample.problems[dupIndex].chunk);
    expect(screen.getByTestId('chunk-detail-name').textContent).toBe(sample.problems[dupIndex].chunk);
    expect(row.getAttribute('aria-selected')).toBe('true');
  });

  it('a chunk selected in the list is selected in every view', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    fireEvent.click(await screen.findByTestId('tab-chunks'));
    const name = sample.chunks[7].name;
    const row = await screen.findByTestId(`chunk-row-${name}`);
    fireEvent.click(row);
    expect(row.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('chunk-detail').getAttribute('data-chunk')).toBe(name);
    // Arrow down moves the selection to the next row.
    fireEvent.keyDown(row, { key: 'ArrowDown' });
    await waitFor(() => expect(screen.getByTestId('chunk-detail').getAttribute('data-chunk')).toBe(sample.chunks[8].name));
    fireEvent.click(screen.getByTestId('tab-problems'));
    expect(screen.getByTestId('chunk-detail').getAttribute('data-chunk')).toBe(sample.chunks[8].name);
  });

  it('sorts the chunk list', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    fireEvent.click(await screen.findByTestId('tab-chunks'));
    const order = () => Array.from(document.querySelectorAll('[data-testid^="chunk-row-"]')).map((el) => el.getAttribute('data-testid'));
    const before = order();
    expect(before).toHaveLength(12);
    fireEvent.click(screen.getByTestId('sort-rows'));
    expect(screen.getByTestId('sort-rows').closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('ascending');
    const asc = order();
    expect(asc).not.toEqual(before);
    // The chunk with the tiny interaction_fact table has the fewest rows.
    expect(asc[0]).toBe(`chunk-row-${sample.chunks[11].name}`);
  });
});

describe('chunk list columns per family', () => {
  const heads = () => Array.from(document.querySelectorAll('[role="columnheader"]')).map((el) => el.textContent?.replace(/[↕↑↓▲▼]/g, '').trim());

  it('Info Mart: audit keys, checksum and metadata columns', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    fireEvent.click(await screen.findByTestId('tab-chunks'));
    await screen.findByTestId(`chunk-row-${sample.chunks[0].name}`);
    expect(heads()).toEqual(expect.arrayContaining(['Audit keys', 'Checksum', 'Metadata']));
  });

  it('a bulk drop: its window instead of audit keys, and no checksum column for a family without checksum files', async () => {
    const { api } = renderApp({ reports: { [FAKE_DROP]: timeReport } });
    await finishedScan(api);
    fireEvent.click(await screen.findByTestId('tab-chunks'));
    const row = await screen.findByTestId(`chunk-row-${timeReport.chunks[0].name}`);
    const h = heads();
    expect(h).toContain('Window (UTC)');
    expect(h).toContain('Metadata');
    expect(h).not.toContain('Audit keys');
    expect(h).not.toContain('Checksum');
    expect(row.textContent).toContain('2026-11-01 00:00:00 → 2026-11-01 06:00:00');
    expect(row.textContent).not.toContain('?..?');
  });
});

describe('problems view', () => {
  it('filters by severity and kind', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    fireEvent.click(await screen.findByTestId('tab-problems'));
    const rows = () => document.querySelectorAll('[data-testid^="problem-row-"]');
    await waitFor(() => expect(rows()).toHaveLength(8));
    fireEvent.click(screen.getByTestId('filter-severity-warning'));
    fireEvent.click(screen.getByTestId('filter-severity-info'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    for (const r of rows()) expect(r.getAttribute('data-severity')).toBe('error');
    expect(screen.getByTestId('problems-count').textContent).toContain('Showing 2 of 8');
    fireEvent.click(screen.getByTestId('filter-severity-warning'));
    fireEvent.change(screen.getByTestId('filter-kind'), { target: { value: 'schema-change' } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].getAttribute('data-kind')).toBe('schema-change');
  });

  it('moves through problems with the arrow keys', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    fireEvent.click(await screen.findByTestId('tab-problems'));
    const first = await screen.findByTestId(`problem-row-${sample.problems.findIndex((p) => p.kind === 'checksum-mismatch')}`);
    fireEvent.click(first);
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    // Sorted by severity: the second error is the gap.
    await waitFor(() => expect(screen.getByTestId(`problem-row-${gapIndex}`).getAttribute('aria-selected')).toBe('true'));
  });
});

describe('export', () => {
  it('calls exportReport with each format and saves the content', async () => {
    const created: Blob[] = [];
    const createObjectURL = vi.fn((b: Blob) => {
      created.push(b);
      return `blob:fake/${created.length}`;
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    const { api } = renderApp();
    await finishedScan(api);
    for (const f of ['md', 'csv', 'json', 'html'] as const) {
      const button = await screen.findByTestId(`export-${f}`);
      await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
      fireEvent.click(button);
      await waitFor(() => expect(api.calls.some((c) => c.method === 'exportReport' && c.args[1] === f)).toBe(true));
    }
    const exports = api.calls.filter((c) => c.method === 'exportReport');
    expect(exports.map((c) => c.args)).toEqual([
      [FAKE_DROP, 'md'],
      [FAKE_DROP, 'csv'],
      [FAKE_DROP, 'json'],
      [FAKE_DROP, 'html'],
    ]);
    await waitFor(() => expect(clicks).toEqual(['drop-report-site-a.md', 'drop-report-site-a.csv', 'drop-report-site-a.json', 'drop-report-site-a.html']));
    expect(created[2].type).toBe('application/json');
  });

  it('shows an export failure as a message', async () => {
    const { api } = renderApp({ methodErrors: { exportReport: { code: 'internal', message: 'disk full' } } });
    await finishedScan(api);
    const button = await screen.findByTestId('export-csv');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    const err = await screen.findByTestId('error-message');
    expect(err.textContent).toContain('disk full');
  });
});

describe('errors', () => {
  it('shows an unknown drop family as a message, not a crash', async () => {
    renderApp({
      initialDrop: '/drops/mystery',
      dropErrors: { '/drops/mystery': { code: 'unknown-format', message: 'No known drop family matches /drops/mystery' } },
    });
    const err = await screen.findByTestId('error-message');
    expect(err.getAttribute('data-code')).toBe('unknown-format');
    expect(err.textContent).toContain('Unknown drop family');
    expect(err.textContent).toContain('No known drop family matches /drops/mystery');
    expect(err.textContent).toContain('unknown-format');
    // Nothing to show: back on the open screen with the path ready for correcting.
    await waitFor(() => expect((screen.getByTestId('open-path-input') as HTMLInputElement).value).toBe('/drops/mystery'));
    expect(screen.queryByTestId('verdict')).toBeNull();
  });

  it('shows a scan that fails later (unknown family) with its own message, not "not scanned yet"', async () => {
    renderApp({
      initialDrop: '/etc',
      scanFailures: { '/etc': '/etc holds no drop this version recognises (120 files; looked for Info Mart export_….zip)' },
    });
    const err = await screen.findByTestId('error-message');
    await waitFor(() => expect(err.getAttribute('data-code')).toBe('unknown-format'));
    expect(err.textContent).toContain('holds no drop this version recognises');
    expect(err.textContent).not.toContain('not been scanned');
    await waitFor(() => expect((screen.getByTestId('open-path-input') as HTMLInputElement).value).toBe('/etc'));
  });

  it('shows a catalog from a newer version as a message', async () => {
    renderApp({ methodErrors: { initialDrop: { code: 'catalog-too-new', message: 'The catalog was written by drop-inspector 3.0' } } });
    const err = await screen.findByTestId('error-message');
    expect(err.getAttribute('data-code')).toBe('catalog-too-new');
    expect(err.textContent).toContain('drop-inspector 3.0');
    // The open screen is still usable.
    expect(screen.getByTestId('open-path-input')).toBeTruthy();
  });

  it('shows an unreadable folder typed into the open screen', async () => {
    const api = createFakeApi({ dropErrors: { '/root/secret': { code: 'unreadable', message: 'EACCES: permission denied, scandir /root/secret' } } });
    render(<App api={api} />);
    const input = await screen.findByTestId('open-path-input');
    fireEvent.change(input, { target: { value: '/root/secret' } });
    fireEvent.click(screen.getByTestId('open-button'));
    const err = await screen.findByTestId('error-message');
    expect(err.getAttribute('data-code')).toBe('unreadable');
    expect(err.textContent).toContain('permission denied');
    fireEvent.click(within(err).getByRole('button', { name: /dismiss/i }));
    expect(screen.queryByTestId('error-message')).toBeNull();
  });

  it('Browse… with no native picker (the browser host) lists the host\u2019s folders and opens one', async () => {
    const api = createFakeApi();
    render(<App api={api} />);
    fireEvent.click(await screen.findByTestId('browse-button'));
    await screen.findByTestId('folder-browser');
    const places = await screen.findAllByTestId('folder-entry');
    fireEvent.click(places[0]!);
    await waitFor(() => expect(screen.getAllByTestId('folder-open-entry').length).toBeGreaterThan(0));
    fireEvent.click(screen.getAllByTestId('folder-open-entry')[0]!);
    await waitFor(() => expect(api.calls.some((c) => c.method === 'startScan')).toBe(true));
    expect(api.calls.some((c) => c.method === 'browseFolder' && c.args[0] === null)).toBe(true);
  });

  it('opens a recent drop', async () => {
    const api = createFakeApi();
    render(<App api={api} />);
    fireEvent.click(await screen.findByTestId('recent-drop-0'));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'startScan' && c.args[0] === FAKE_DROP)).toBe(true));
  });
});

describe('scan progress', () => {
  it('shows the progress bar during a scan, fills results in, and Cancel calls cancelScan', async () => {
    const { api } = renderApp({ catalogued: false });
    const bar = await screen.findByTestId('scan-progress');
    await waitFor(() => expect(api.runningJob()).not.toBeNull());
    await act(async () => {
      api.step();
      api.step();
      api.step();
    });
    await waitFor(() => expect(screen.getByTestId('scan-progress-chunks').textContent).toContain('3 / 12 chunks'));
    expect(bar.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')).not.toBeNull();
    expect(screen.getByTestId('scan-progress-eta').textContent).toMatch(/left/);
    // Partial results appear (re-fetched while the scan runs).
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toContain('1 problem'), { timeout: 3000 });
    expect(screen.getByTestId('verdict').textContent).toContain('so far');
    const job = api.runningJob();
    fireEvent.click(screen.getByTestId('scan-cancel'));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'cancelScan' && c.args[0] === job)).toBe(true));
    await waitFor(() => expect(screen.queryByTestId('scan-progress')).toBeNull());
  });

  it('marks a catalogued report "re-checking" until the scan confirms it, and says so if the scan stops first', async () => {
    const { api } = renderApp();
    const verdict = await screen.findByTestId('verdict-large');
    await waitFor(() => expect(api.runningJob()).not.toBeNull());
    await waitFor(() => expect(within(verdict).getByTestId('verdict-rechecking').textContent).toContain('re-checking'));
    expect(screen.getByTestId('view-overview').getAttribute('data-rechecking')).toBe('true');
    await act(async () => {
      api.finish();
    });
    await waitFor(() => expect(screen.queryByTestId('verdict-rechecking')).toBeNull());
    expect(screen.getByTestId('view-overview').getAttribute('data-rechecking')).toBeNull();
  });

  it('a re-check that finds the drop unchanged (the same counts) confirms the report on screen without fetching it again', async () => {
    for (const same of [true, false]) {
      const { api, unmount } = renderApp();
      const verdict = await screen.findByTestId('verdict-large');
      await waitFor(() => expect(api.runningJob()).not.toBeNull());
      await waitFor(() => expect(within(verdict).getByTestId('verdict-rechecking')).toBeTruthy());
      const s = sample.summary;
      const fetches = () => api.calls.filter((c) => c.method === 'getReport').length;
      const before = fetches();
      await act(async () => {
        api.emit({
          type: 'scan-progress',
          progress: {
            jobId: api.runningJob()!,
            drop: FAKE_DROP,
            phase: 'done',
            chunksDone: s.chunks,
            chunksTotal: s.chunks,
            chunksReused: s.chunks,
            bytesDone: 0,
            bytesTotal: 0,
            elapsedMs: 5,
            etaMs: null,
            // A time check that changed since the report was fetched changes the counts.
            unchanged: { errors: s.errors, warnings: s.warnings + (same ? 0 : 1), infos: s.infos, scannedAt: '2031-01-02T03:04:05.000Z' },
          },
        });
      });
      await waitFor(() => expect(screen.queryByTestId('verdict-rechecking')).toBeNull());
      if (same) {
        expect(fetches()).toBe(before);
        // The time shown is the scan that confirmed it.
        expect(screen.getByTestId('scanned-at').textContent).toBe('Scanned 2031-01-02 03:04:05 UTC');
      } else await waitFor(() => expect(fetches()).toBe(before + 1));
      unmount();
    }
  });

  it('a catalogued report whose re-check was cancelled says it was not re-checked', async () => {
    const { api } = renderApp();
    await screen.findByTestId('verdict-large');
    await waitFor(() => expect(api.runningJob()).not.toBeNull());
    fireEvent.click(await screen.findByTestId('scan-cancel'));
    await waitFor(() => expect(screen.getByTestId('verdict-large').textContent).toContain('not re-checked'));
  });

  it('a first scan (nothing catalogued) is "so far", never "re-checking"', async () => {
    const { api } = renderApp({ catalogued: false });
    await waitFor(() => expect(api.runningJob()).not.toBeNull());
    await act(async () => {
      api.step();
    });
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toContain('so far'), { timeout: 3000 });
    expect(screen.queryByTestId('verdict-rechecking')).toBeNull();
  });

  it('re-fetches the report at most every 500 ms while scanning', async () => {
    const { api } = renderApp({ catalogued: false });
    await waitFor(() => expect(api.runningJob()).not.toBeNull());
    const before = api.calls.filter((c) => c.method === 'getReport').length;
    await act(async () => {
      for (let i = 0; i < 10; i++) api.step();
    });
    await new Promise((r) => setTimeout(r, 50));
    const soon = api.calls.filter((c) => c.method === 'getReport').length - before;
    expect(soon).toBeLessThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 600));
    const later = api.calls.filter((c) => c.method === 'getReport').length - before;
    expect(later).toBeGreaterThanOrEqual(soon);
    expect(later).toBeLessThanOrEqual(2);
    // An engine that also sends report-updated after every chunk is held to the same rate.
    await act(async () => {
      for (let i = 0; i < 10; i++) api.emit({ type: 'report-updated', drop: FAKE_DROP });
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(api.calls.filter((c) => c.method === 'getReport').length - before - later).toBeLessThanOrEqual(1);
  });

  it('Re-scan starts a scan and Watch calls watchDrop', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    await waitFor(() => expect(screen.queryByTestId('scan-progress')).toBeNull());
    const starts = api.calls.filter((c) => c.method === 'startScan').length;
    fireEvent.click(screen.getByTestId('rescan'));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'startScan').length).toBe(starts + 1));
    await act(async () => api.finish());
    fireEvent.click(screen.getByTestId('watch-toggle'));
    await waitFor(() => expect(api.calls.find((c) => c.method === 'watchDrop')?.args).toEqual([FAKE_DROP, true]));
    await waitFor(() => expect((screen.getByTestId('watch-toggle') as HTMLInputElement).checked).toBe(true));
  });

  it('refreshes when a report-updated event arrives', async () => {
    const { api } = renderApp();
    await finishedScan(api);
    await screen.findByTestId('verdict');
    const n = api.calls.filter((c) => c.method === 'getReport').length;
    act(() => api.emit({ type: 'report-updated', drop: FAKE_DROP }));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'getReport').length).toBe(n + 1));
  });
});

describe('views render without a 2D canvas', () => {
  it('timeline, coverage and problems render in jsdom', async () => {
    // A canvas whose getContext throws (as some GPU-less setups do) must not take the view down.
    vi.restoreAllMocks();
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => {
      throw new Error('no canvas here');
    });
    const { api } = renderApp();
    await finishedScan(api);
    fireEvent.click(await screen.findByTestId('tab-timeline'));
    expect(screen.getByTestId('timeline-canvas')).toBeTruthy();
    fireEvent.keyDown(screen.getByTestId('timeline-canvas'), { key: '+' });
    fireEvent.click(screen.getByTestId('axis-time'));
    fireEvent.click(screen.getByTestId('tab-coverage'));
    const smallCell = await screen.findByTestId(`cov-interaction_fact-${sample.chunks[11].name}`);
    expect(smallCell.getAttribute('aria-label')).toContain('unusually small');
    const absent = screen.getByTestId(`cov-resource_-${sample.chunks[0].name}`);
    expect(absent.getAttribute('aria-label')).toContain('absent');
    const schema = screen.getByTestId(`cov-interaction_fact-${sample.chunks[5].name}`);
    expect(schema.getAttribute('aria-label')).toContain('columns changed');
    fireEvent.click(screen.getByTestId('coverage-as-table'));
    expect(screen.getByTestId('coverage-table').textContent).toContain('absent');
    expect(screen.queryByTestId('view-error')).toBeNull();
  });
});
