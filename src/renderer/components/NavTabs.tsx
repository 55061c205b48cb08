import { useRef, type KeyboardEvent } from 'react';
import { indexReport } from '../state/derive';
import { useApp } from '../state/context';
import { VIEWS, type ViewId } from '../state/app-state';
import { formatInt } from '../format';
import { useTableStoreOptional } from '../views/table/context';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';

/** The Tables tab lives outside the app store's views (its state is the table store's). */
type TabId = ViewId | 'tables';
const TABS: { id: TabId; label: string }[] = [...VIEWS, { id: 'tables', label: 'Tables' }];
const NO_TABLES = createStore(() => ({ active: false }));

export function NavTabs() {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const report = useApp((s) => s.report);
  const tableStore = useTableStoreOptional();
  const tablesActive = useStore(
    (tableStore ?? NO_TABLES) as unknown as StoreApi<{ active: boolean }>,
    (s) => s.active,
  );
  const current: TabId = tablesActive ? 'tables' : view;
  const refs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});
  const select = (id: TabId): void => {
    if (id === 'tables') tableStore?.getState().setActive(true);
    else {
      tableStore?.getState().setActive(false);
      setView(id);
    }
  };
  const counts: Partial<Record<TabId, string>> = report
    ? {
        chunks: formatInt(report.chunks.length),
        problems: formatInt(report.problems.length),
        coverage: formatInt(indexReport(report).tableNames.length),
      }
    : {};

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const tabs = tableStore ? TABS : VIEWS;
    const i = tabs.findIndex((v) => v.id === current);
    let next = -1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const id = tabs[next].id;
    select(id);
    refs.current[id]?.focus();
  }

  return (
    <nav className="nav" aria-label="Views">
      <div role="tablist" aria-orientation="vertical" onKeyDown={onKeyDown}>
        {(tableStore ? TABS : VIEWS).map((v) => (
          <button
            key={v.id}
            ref={(el) => {
              refs.current[v.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${v.id}`}
            aria-controls="view-panel"
            aria-selected={current === v.id}
            tabIndex={current === v.id ? 0 : -1}
            data-testid={`tab-${v.id}`}
            className="nav-tab"
            onClick={() => select(v.id)}
          >
            <span>{v.label}</span>
            {counts[v.id] !== undefined ? <span className="nav-count">{counts[v.id]}</span> : null}
          </button>
        ))}
      </div>
    </nav>
  );
}
