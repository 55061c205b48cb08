// The Tables view: what is actually in the data. Pick a table, then its scope (one chunk, all
// chunks, or merged by primary key — the latest chunk's record wins), its encoding, and browse
// it in the virtual grid: sort, filter and search the whole table, column statistics, the cell
// inspector, go to row N, copy, save the view as CSV.
//
// This file lays the view out; its parts are TablePicker.tsx (the list of tables), TableHead.tsx
// (how the open table is read), ViewBar.tsx, Grid.tsx, TableStatus.tsx (overlay, empty view,
// status line) and SidePanel.tsx (cell inspector, statistics).
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorBanner';
import { useTables } from './context';
import { Grid } from './Grid';
import { ViewBar } from './ViewBar';
import { NARROW, useMediaQuery } from '../../components/useMediaQuery';
import { SidePanel } from './SidePanel';
import { TableHead } from './TableHead';
import { TablePicker } from './TablePicker';
import { EmptyView, Overlay, Status } from './TableStatus';
import './table.css';

export function TablesView() {
  const selection = useTables((s) => s.selection);
  const info = useTables((s) => s.info);
  const ready = useTables((s) => s.ready);
  const busy = useTables((s) => s.busy);
  const error = useTables((s) => s.error);
  const dismissError = useTables((s) => s.dismissError);
  const retry = useTables((s) => s.retry);
  const tables = useTables((s) => s.tables);
  const loadTables = useTables((s) => s.loadTables);
  const tablesLoading = useTables((s) => s.tablesLoading);
  const tablesError = useTables((s) => s.tablesError);
  useEffect(() => {
    // Once (a failure is shown in the picker, with ↻ to try again).
    if (!tables && !tablesLoading && !tablesError) void loadTables();
  }, [tables, tablesLoading, tablesError, loadTables]);
  const panel = useTables((s) => s.panel);
  // On a narrow window the list folds away once a table is open; a rail brings it back.
  const narrow = useMediaQuery(NARROW);
  const [listOpen, setListOpen] = useState<boolean | null>(null);
  const showList = listOpen ?? !(narrow && selection);
  return (
    <div
      className={`tables-view${panel ? ' with-panel' : ''}${showList ? '' : ' list-folded'}`}
      data-testid="tables-view"
    >
      {showList ? (
        <TablePicker onCollapse={() => setListOpen(false)} />
      ) : (
        <button
          type="button"
          className="tp-rail"
          onClick={() => setListOpen(true)}
          title="Show the list of tables"
          data-testid="table-list-expand"
        >
          <span aria-hidden="true">»</span>
          <span className="tp-rail-label">Tables</span>
        </button>
      )}
      <section className="tv-main" aria-label="Table">
        {selection ? (
          <>
            <TableHead />
            {error ? <ErrorMessage error={error} onDismiss={dismissError} /> : null}
            {info ? <ViewBar /> : null}
            <div className="tv-grid">
              {info ? <Grid /> : null}
              <Overlay />
              {!busy && !ready ? (
                <div className="tg-empty-state">
                  <p>{info ? 'The rows are not shown.' : 'The table is not open.'}</p>
                  <button
                    type="button"
                    className="btn"
                    onClick={() => void retry()}
                    data-testid="table-retry"
                  >
                    Try again
                  </button>
                </div>
              ) : null}
              {ready && info && !busy ? <EmptyView /> : null}
            </div>
            <Status />
          </>
        ) : (
          <div className="tv-welcome">
            <h2>What is in the data</h2>
            <p className="muted">
              Pick a table on the left. It opens across all chunks; switch the scope to one chunk, or to the
              table as the warehouse would hold it after merging every chunk by primary key.
            </p>
          </div>
        )}
      </section>
      <SidePanel />
    </div>
  );
}
