// @vitest-environment jsdom
// What a newcomer reads: the help panel (? / F1, not while typing), the timeline's legend in
// words, the key wording without internal file names, and a cancelled table read that is no
// error. Against the fake API.
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../src/renderer/App';
import { createFakeApi, FAKE_DROP, makeSampleReport, NASTY_TABLE } from './fake-api';
import { stubCanvas } from './setup-dom';

describe('help and wording', () => {
  it('? and F1 open the help, typing ? in a field does not; Esc closes it', async () => {
    stubCanvas();
    render(<App api={createFakeApi({ initialDrop: FAKE_DROP })} />);
    await screen.findByTestId('drop-path');
    fireEvent.keyDown(window, { key: '?' });
    const help = await screen.findByTestId('help-panel');
    for (const term of [
      'Audit key',
      'High-water mark',
      'Chunk',
      'Cadence',
      'Grace',
      'Name order',
      'Merged view',
    ])
      expect(help.textContent).toContain(term);
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('help-panel')).toBeNull());
    fireEvent.keyDown(window, { key: 'F1' });
    await screen.findByTestId('help-panel');
    fireEvent.click(screen.getByTestId('help-panel-close'));
    await waitFor(() => expect(screen.queryByTestId('help-panel')).toBeNull());
    // Typing a ? into a text field is typing.
    fireEvent.click(screen.getByTestId('tab-tables'));
    const find = await screen.findByPlaceholderText('Find a table…');
    fireEvent.keyDown(find, { key: '?' });
    expect(screen.queryByTestId('help-panel')).toBeNull();
  });

  it('the timeline legend says in words what each letter means; no internal wording is left', async () => {
    stubCanvas();
    render(<App api={createFakeApi({ initialDrop: FAKE_DROP })} />);
    fireEvent.click(await screen.findByTestId('tab-timeline'));
    const marks = await screen.findByTestId('timeline-legend-marks');
    expect(marks.textContent).toMatch(
      /N\s*out of name order: sorting by name puts it elsewhere than its audit keys do/,
    );
    expect(marks.textContent).not.toMatch(/N\s*name order\b/);
    // The mark of any other kind (a suspicious entry's) is in the legend too.
    expect(marks.textContent).toMatch(/•\s*another problem \(a suspicious or unreadable entry, …\): see the chunk's problems/);
    // The key the merged view uses, said without internal file names.
    fireEvent.click(screen.getByTestId('tab-tables'));
    fireEvent.click(await screen.findByTestId('table-item-interaction_fact'));
    fireEvent.change(await screen.findByTestId('scope-select'), { target: { value: 'merged' } });
    const key = await screen.findByTestId('key-info', {}, { timeout: 5000 });
    await waitFor(() => expect(key.getAttribute('data-source')).toBe('known'), { timeout: 5000 });
    expect(key.textContent).toContain('the usual primary key of this Info Mart table');
    expect(key.textContent).not.toContain('gim.md');
  });

  it('a table read cancelled by switching tables shows no error', async () => {
    stubCanvas();
    const api = createFakeApi({ initialDrop: FAKE_DROP, tableDelayMs: 400 });
    const getRows = api.getRows;
    api.getRows = async (h, r) => {
      if (r.sort) {
        const e = Object.assign(new Error('Cancelled: a newer request took its place.'), {
          code: 'cancelled' as const,
        });
        throw e;
      }
      return getRows(h, r);
    };
    render(<App api={api} />);
    fireEvent.click(await screen.findByTestId('tab-tables'));
    fireEvent.click(await screen.findByTestId(`table-item-${NASTY_TABLE}`));
    await screen.findByTestId('row-0', {}, { timeout: 5000 });
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull(), { timeout: 5000 });
    fireEvent.click(screen.getByTestId('sort-ID'));
    await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull(), { timeout: 5000 });
    expect(screen.queryByTestId('error-message')).toBeNull();
  });

  it('the judgement settings say which defaults this drop is judged by (its family\u2019s, not a fixed 8h)', async () => {
    stubCanvas();
    const report = makeSampleReport();
    report.options = {
      cadenceSeconds: 86400,
      graceSeconds: 86400,
      asOf: '2026-11-24T22:00:00Z',
      cadenceSource: 'family',
    };
    render(<App api={createFakeApi({ initialDrop: FAKE_DROP, reports: { [FAKE_DROP]: report } })} />);
    await screen.findByTestId('drop-path');
    fireEvent.click(await screen.findByTestId('settings-button'));
    await screen.findByTestId('settings-panel');
    expect(screen.getByTestId('settings-cadence').getAttribute('placeholder')).toBe(
      '1d (this kind of drop\u2019s default)',
    );
    expect(screen.getByTestId('settings-grace').getAttribute('placeholder')).toBe(
      '1d (this kind of drop\u2019s default)',
    );
  });
});
