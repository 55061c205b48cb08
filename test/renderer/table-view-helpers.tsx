// What the Tables view's tests share: the app over the fake API, a table opened, a row's cells.
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../src/renderer/App';
import { createFakeApi, FAKE_DROP, type FakeApiOptions } from './fake-api';
import { stubCanvas } from './setup-dom';

/** Each test with a stubbed canvas and real timers again after it (call once, at a file's top). */
export function useTableViewHooks(): void {
  beforeEach(() => {
    stubCanvas();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

export function renderApp(options: FakeApiOptions = {}) {
  const api = createFakeApi({ initialDrop: FAKE_DROP, ...options });
  const utils = render(<App api={api} />);
  return { api, ...utils };
}

export async function openTable(table: string) {
  fireEvent.click(await screen.findByTestId('tab-tables'));
  fireEvent.click(await screen.findByTestId(`table-item-${table}`));
  await screen.findByTestId('row-0');
  await waitFor(() =>
    expect(screen.getByTestId('row-0').querySelector('.tg-td')?.className).not.toMatch(/tg-missing/),
  );
  await waitFor(() => expect(screen.queryByTestId('table-busy')).toBeNull());
}

export function cellsOf(row: number): string[] {
  const el = screen.getByTestId(`row-${row}`);
  return [...el.querySelectorAll<HTMLElement>('[data-col]')]
    .sort((a, b) => Number(a.dataset.col) - Number(b.dataset.col))
    .map((c) => c.textContent ?? '');
}

export function grid(): HTMLElement {
  return screen.getByTestId('table-scroll');
}
