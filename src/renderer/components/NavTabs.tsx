import { useRef, type KeyboardEvent } from 'react';
import { indexReport } from '../state/derive';
import { useApp } from '../state/context';
import { VIEWS, type ViewId } from '../state/store';
import { formatInt } from '../format';

export function NavTabs() {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const report = useApp((s) => s.report);
  const refs = useRef<Partial<Record<ViewId, HTMLButtonElement | null>>>({});
  const counts: Partial<Record<ViewId, string>> = report
    ? {
        chunks: formatInt(report.chunks.length),
        problems: formatInt(report.problems.length),
        coverage: formatInt(indexReport(report).tableNames.length),
      }
    : {};

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = VIEWS.findIndex((v) => v.id === view);
    let next = -1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (i + 1) % VIEWS.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (i - 1 + VIEWS.length) % VIEWS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = VIEWS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const id = VIEWS[next].id;
    setView(id);
    refs.current[id]?.focus();
  }

  return (
    <nav className="nav" aria-label="Views">
      <div role="tablist" aria-orientation="vertical" onKeyDown={onKeyDown}>
        {VIEWS.map((v) => (
          <button
            key={v.id}
            ref={(el) => {
              refs.current[v.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${v.id}`}
            aria-controls="view-panel"
            aria-selected={view === v.id}
            tabIndex={view === v.id ? 0 : -1}
            data-testid={`tab-${v.id}`}
            className="nav-tab"
            onClick={() => setView(v.id)}
          >
            <span>{v.label}</span>
            {counts[v.id] !== undefined ? <span className="nav-count">{counts[v.id]}</span> : null}
          </button>
        ))}
      </div>
    </nav>
  );
}
