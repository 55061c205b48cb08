// The list of the drop's tables, to pick one from: a filter box, each table's rows and chunks
// (and unreadable chunks), the open one marked, ↻ to list them again, « to fold the list away.
import { useMemo, useState } from 'react';
import { plural } from '../../format';
import { ErrorMessage } from '../../components/ErrorBanner';
import { useTables } from './context';

export function TablePicker({ onCollapse }: { onCollapse: () => void }) {
  const tables = useTables((s) => s.tables);
  const loading = useTables((s) => s.tablesLoading);
  const error = useTables((s) => s.tablesError);
  const selection = useTables((s) => s.selection);
  const open = useTables((s) => s.open);
  const loadTables = useTables((s) => s.loadTables);
  const [q, setQ] = useState('');
  const list = useMemo(
    () => (tables ?? []).filter((t) => t.table.toLowerCase().includes(q.trim().toLowerCase())),
    [tables, q],
  );
  return (
    <nav className="tp" aria-label="Tables">
      <div className="tp-head">
        <h2>Tables</h2>
        <button
          type="button"
          className="btn btn-small btn-quiet"
          onClick={() => void loadTables()}
          title="List the tables again"
          aria-label="Refresh the list of tables"
        >
          ↻
        </button>
        <button
          type="button"
          className="btn btn-small btn-quiet"
          onClick={onCollapse}
          title="Hide the list of tables (more room for the rows)"
          aria-label="Hide the list of tables"
          data-testid="table-list-collapse"
        >
          «
        </button>
      </div>
      <input
        className="text-input tp-filter"
        type="search"
        placeholder="Find a table…"
        aria-label="Find a table"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {error ? <ErrorMessage error={error} /> : null}
      {loading && !tables ? <p className="muted small">Listing the tables…</p> : null}
      {tables && !tables.length ? <p className="muted small">No tables in this drop.</p> : null}
      <ul className="tp-list" data-testid="table-list">
        {list.map((t) => {
          const current = selection?.table.toLowerCase() === t.table.toLowerCase();
          const unreadable = t.chunks.filter((c) => c.error).length;
          return (
            <li key={t.table}>
              <button
                type="button"
                className={`tp-item${current ? ' is-current' : ''}`}
                aria-current={current ? 'true' : undefined}
                onClick={() => void open({ table: t.table })}
                data-testid={`table-item-${t.table}`}
                title={`${t.table}: ${plural(t.totalRows, 'row')} in ${plural(t.chunks.length, 'chunk')}`}
              >
                <span className="tp-name mono">{t.table}</span>
                <span className="tp-meta small muted">
                  {plural(t.totalRows, 'row')} · {plural(t.chunks.length, 'chunk')}
                  {unreadable ? <span className="sev-error"> · {unreadable} unreadable</span> : null}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
