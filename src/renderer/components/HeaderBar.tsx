import { useEffect, useRef, type ReactNode } from 'react';
import type { ReportFormat } from '../../shared/api';
import { useApp } from '../state/context';
import { Verdict } from './Verdict';
import { HelpButton } from './HelpPanel';
import { JudgementButton } from './JudgementPanel';
import { NARROW, useMediaQuery } from './useMediaQuery';

const FORMATS: { id: ReportFormat; label: string; title: string }[] = [
  { id: 'md', label: 'Markdown', title: 'Gap report as Markdown (for a ticket)' },
  { id: 'csv', label: 'CSV', title: 'Problems as CSV (for a spreadsheet)' },
  { id: 'json', label: 'JSON', title: 'The full report as JSON (for scripts)' },
  { id: 'html', label: 'HTML', title: 'A self-contained HTML page' },
];

function WatchToggle({ watching, toggle }: { watching: boolean; toggle: () => Promise<void> }) {
  return (
    <label className="toggle" title="Re-scan by itself when new chunks arrive">
      <input type="checkbox" data-testid="watch-toggle" checked={watching} onChange={() => void toggle()} />
      <span>Watch for new chunks</span>
    </label>
  );
}

export function ExportButtons() {
  const exporting = useApp((s) => s.exporting);
  const exportReport = useApp((s) => s.exportReport);
  const hasReport = useApp((s) => s.report !== null);
  return (
    <div className="btn-group" role="group" aria-label="Export the report">
      <span className="btn-group-label" aria-hidden="true">
        Export
      </span>
      {FORMATS.map((f) => (
        <button
          key={f.id}
          type="button"
          className="btn btn-small"
          data-testid={`export-${f.id}`}
          title={f.title}
          disabled={!hasReport || exporting !== null}
          aria-busy={exporting === f.id}
          onClick={() => void exportReport(f.id)}
        >
          {exporting === f.id ? '…' : f.label}
          <span className="sr-only"> export</span>
        </button>
      ))}
    </div>
  );
}

/** The header's less used actions, folded into one menu on narrow windows. */
function MoreMenu({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDetailsElement>(null);
  // Like any menu: a click outside it, Esc, or choosing an action closes it.
  useEffect(() => {
    const close = (e: Event) => {
      const el = ref.current;
      if (!el?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  return (
    <details
      ref={ref}
      className="toolbar-more"
      data-testid="toolbar-more"
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('.toolbar-more-menu button')) e.currentTarget.open = false;
      }}
    >
      <summary className="btn" data-testid="toolbar-more-button">
        More <span aria-hidden="true">▾</span>
      </summary>
      <div className="toolbar-more-menu" role="group" aria-label="More actions">
        {children}
      </div>
    </details>
  );
}

export function HeaderBar() {
  const narrow = useMediaQuery(NARROW);
  const drop = useApp((s) => s.drop);
  const format = useApp((s) => s.report?.format ?? null);
  const scanning = useApp((s) => s.scanning);
  const watching = useApp((s) => s.watching);
  const rescan = useApp((s) => s.rescan);
  const toggleWatch = useApp((s) => s.toggleWatch);
  const setOpenScreen = useApp((s) => s.setOpenScreen);
  const openScreen = useApp((s) => s.openScreen);
  return (
    <header className="header">
      <div className="header-title">
        <span className="app-name">Drop Inspector</span>
        {drop ? (
          <span className="drop-path" title={drop} data-testid="drop-path">
            {format ? <span className="badge">{format}</span> : null}
            <span className="drop-path-text">
              <bdi dir="ltr">{drop}</bdi>
            </span>
          </span>
        ) : null}
      </div>
      {drop && !openScreen ? (
        <div className="header-actions">
          <Verdict />
          <button
            type="button"
            className="btn"
            data-testid="rescan"
            onClick={() => void rescan()}
            disabled={scanning}
            title="Scan the drop again (unchanged chunks are reused)"
          >
            Re-scan
          </button>
          {narrow ? (
            <MoreMenu>
              <WatchToggle watching={watching} toggle={toggleWatch} />
              <JudgementButton />
              <ExportButtons />
            </MoreMenu>
          ) : (
            <>
              <WatchToggle watching={watching} toggle={toggleWatch} />
              <JudgementButton />
              <ExportButtons />
            </>
          )}
          <button
            type="button"
            className="btn btn-quiet"
            data-testid="open-another"
            onClick={() => setOpenScreen(true)}
          >
            Open…
          </button>
          <HelpButton />
        </div>
      ) : drop ? (
        <div className="header-actions">
          <button type="button" className="btn btn-quiet" onClick={() => setOpenScreen(false)}>
            Back to {drop.split(/[\\/]/).filter(Boolean).pop() ?? drop}
          </button>
          <HelpButton />
        </div>
      ) : (
        <div className="header-actions">
          <HelpButton />
        </div>
      )}
    </header>
  );
}
