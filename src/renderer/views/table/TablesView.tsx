// The Tables view: what is actually in the data. Pick a table, then its scope (one chunk, all
// chunks, or merged by primary key — the latest chunk's record wins), its encoding, and browse
// it in the virtual grid: sort, filter and search the whole table, column statistics, the cell
// inspector, go to row N, copy, save the view as CSV.
import { useEffect, useMemo, useState } from 'react';
import {
  TABLE_ENCODINGS,
  type KeyInfo,
  type TableEncoding,
  type TableScope,
  type TableSummary,
} from '../../../shared/table-api';
import type { Dialect } from '../../../shared/family';
import { formatBytes, formatInt, plural } from '../../format';
import { ErrorMessage } from '../../components/ErrorBanner';
import { describeView, scopeKey } from '../../state/table-store';
import { useTables } from './context';
import { Grid } from './Grid';
import { StatsPanel } from './StatsPanel';
import { CellInspector } from './CellInspector';
import { ViewBar } from './ViewBar';
import { NARROW, useMediaQuery } from '../../components/useMediaQuery';
import { ProgressLine } from './ProgressLine';
import './table.css';

const KEY_SOURCES: Record<KeyInfo['source'], string> = {
  known: 'the usual primary key of this Info Mart table',
  'table-name': 'named after the table',
  'unique-column': 'the first key-like column unique in every chunk',
  user: 'chosen by you',
  none: 'no key found: nothing is merged',
};

function TablePicker({ onCollapse }: { onCollapse: () => void }) {
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

function scopeLabel(scope: TableScope): string {
  if (scope === 'all') return 'All chunks';
  if (scope === 'merged') return 'Merged by key';
  return scope.chunk;
}

function ScopePicker({ summary }: { summary: TableSummary | undefined }) {
  const selection = useTables((s) => s.selection);
  const setScope = useTables((s) => s.setScope);
  if (!selection) return null;
  const value = scopeKey(selection.scope);
  return (
    <label className="tt-field">
      <span className="tt-label">Scope</span>
      <select
        className="select"
        value={value}
        data-testid="scope-select"
        onChange={(e) => {
          const v = e.target.value;
          void setScope(v === 'all' || v === 'merged' ? v : { chunk: v.slice('chunk:'.length) });
        }}
      >
        <option value="all">
          All chunks, one after another{summary ? ` (${plural(summary.totalRows, 'row')})` : ''}
        </option>
        <option value="merged">Merged by key — the latest chunk wins</option>
        <optgroup label="One chunk">
          {(
            summary?.chunks ??
            (typeof selection.scope === 'object'
              ? [{ chunk: selection.scope.chunk, rows: null, error: null }]
              : [])
          ).map((c) => (
            <option key={c.chunk} value={`chunk:${c.chunk}`} disabled={!!c.error}>
              {c.chunk} {c.error ? '(unreadable)' : c.rows !== null ? `(${plural(c.rows, 'row')})` : ''}
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
}

function EncodingPicker() {
  const selection = useTables((s) => s.selection);
  const detected = useTables((s) => s.info?.encoding ?? null);
  const setEncoding = useTables((s) => s.setEncoding);
  if (!selection) return null;
  return (
    <label className="tt-field">
      <span className="tt-label">Encoding</span>
      <select
        className="select"
        value={selection.encoding}
        onChange={(e) => void setEncoding(e.target.value as TableEncoding)}
        data-testid="encoding-select"
      >
        {TABLE_ENCODINGS.map((enc) => (
          <option key={enc} value={enc}>
            {enc}
          </option>
        ))}
      </select>
      {detected && detected !== selection.encoding ? (
        <span
          className="small muted"
          data-testid="encoding-detected"
          title="A byte-order mark chose the encoding"
        >
          read as {detected} (BOM)
        </span>
      ) : null}
    </label>
  );
}

const DELIMITERS: Array<[string, string]> = [
  [',', 'comma ,'],
  [';', 'semicolon ;'],
  ['|', 'pipe |'],
  ['\t', 'tab'],
];
const QUOTES: Array<[string, string]> = [
  ['"', 'double "'],
  ["'", "single '"],
  ['none', 'none'],
];
const HEADERS: Array<[string, string]> = [
  ['yes', 'first record is the header'],
  ['no', 'no header (column_1 …)'],
];
const showChar = (c: string | null): string => (c === null ? 'none' : c === '\t' ? 'tab' : c);

/**
 * How a delimited table is read: the dialect the scan detected, each part of which the user
 * may fix (a wrong guess on a file without a header, say); the table is then read again with
 * it, through the same typed API as the CLI's --delimiter / --no-header. Other layouts (JSON,
 * Parquet) have no dialect: nothing shown.
 */
function DialectPicker() {
  const selection = useTables((s) => s.selection);
  const info = useTables((s) => s.info);
  const setDialect = useTables((s) => s.setDialect);
  if (!selection || !info?.dialect) return null;
  const read = info.dialect;
  const fixed = selection.dialect ?? {};
  const change = (part: Partial<Dialect>): void => {
    const next: Partial<Dialect> = { ...fixed, ...part };
    for (const k of Object.keys(part) as Array<keyof Dialect>) if (part[k] === undefined) delete next[k];
    void setDialect(next);
  };
  const asked = Object.keys(fixed).length > 0;
  return (
    <span className="tt-field" data-testid="dialect-picker">
      <DialectSelect
        label="Delimiter"
        testId="dialect-delimiter"
        value={fixed.delimiter ?? 'auto'}
        detected={fixed.delimiter === undefined ? ` (${showChar(read.delimiter)})` : ''}
        options={DELIMITERS}
        onChange={(v) => change({ delimiter: v === 'auto' ? undefined : v })}
      />
      <DialectSelect
        label="Quote"
        testId="dialect-quote"
        value={fixed.quote === undefined ? 'auto' : fixed.quote === null ? 'none' : fixed.quote}
        detected={fixed.quote === undefined ? ` (${showChar(read.quote)})` : ''}
        options={QUOTES}
        onChange={(v) => change({ quote: v === 'auto' ? undefined : v === 'none' ? null : v })}
      />
      <DialectSelect
        label="Header"
        testId="dialect-header"
        value={fixed.header === undefined ? 'auto' : fixed.header ? 'yes' : 'no'}
        detected={fixed.header === undefined ? (read.header ? ' (yes)' : ' (no)') : ''}
        options={HEADERS}
        onChange={(v) => change({ header: v === 'auto' ? undefined : v === 'yes' })}
      />
      <span className="small muted" data-testid="dialect-read">
        read as {showChar(read.delimiter)}-separated, quote {showChar(read.quote)}, {read.header ? 'header' : 'no header'}
        {asked ? ' (as you chose)' : ' (detected)'}
      </span>
    </span>
  );
}

/** One part of the dialect: "detected" (with what was detected) or one of the choices. */
function DialectSelect(props: {
  label: string;
  testId: string;
  value: string;
  detected: string;
  options: Array<[string, string]>;
  onChange: (value: string) => void;
}) {
  return (
    <label className="tt-field">
      <span className="tt-label">{props.label}</span>
      <select className="select" value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        <option value="auto">detected{props.detected}</option>
        {props.options.map(([v, label]) => (
          <option key={label} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

function KeyChooser() {
  const info = useTables((s) => s.info);
  const selection = useTables((s) => s.selection);
  const busy = useTables((s) => s.busy);
  const setKey = useTables((s) => s.setKey);
  if (!selection || selection.scope !== 'merged') return null;
  const key = info?.key ?? null;
  const current = key?.columns.join(' + ') ?? '';
  const candidates = key?.candidates ?? info?.columns.filter((c) => c !== '_chunk') ?? [];
  const pending = !!busy && busy.kind === 'open';
  return (
    <div className="tt-key" data-testid="key-chooser">
      <label className="tt-field">
        <span className="tt-label">Key</span>
        <select
          className="select mono"
          value={selection.key?.length ? selection.key.join('\u0001') : ''}
          onChange={(e) => void setKey(e.target.value ? e.target.value.split('\u0001') : undefined)}
          data-testid="key-select"
        >
          <option value="">
            {pending && !key?.columns.length
              ? 'Inferred (working it out…)'
              : `Inferred${current ? `: ${current}` : ''}`}
          </option>
          {candidates.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      {key ? (
        <span
          className={`small ${key.source === 'none' ? 'sev sev-warning' : 'muted'}`}
          data-testid="key-info"
          data-source={key.source}
        >
          {key.columns.length ? (
            <>
              <strong className="mono">{current}</strong> — {KEY_SOURCES[key.source]}
            </>
          ) : (
            KEY_SOURCES[key.source]
          )}
          {key.replaced !== null ? ` · ${formatInt(key.replaced)} records replaced by a later chunk` : ''}
          {key.duplicatesWithinChunk
            ? ` · ${formatInt(key.duplicatesWithinChunk)} keys repeated inside a chunk (the later record wins)`
            : ''}
          {key.emptyKeys ? ` · ${formatInt(key.emptyKeys)} records with an empty key (kept)` : ''}
        </span>
      ) : null}
    </div>
  );
}

function Problems() {
  const info = useTables((s) => s.info);
  const addFilter = useTables((s) => s.addFilter);
  if (!info) return null;
  const p = info.problems;
  if (!p.malformedRows && !p.invalidChars && !p.unreadable.length) return null;
  return (
    <div className="tt-problems" data-testid="table-problems">
      {p.malformedRows ? (
        <button
          type="button"
          className="btn btn-small tt-problem"
          onClick={() => void addFilter({ op: 'malformed' })}
          title="Show only the malformed records"
          data-testid="problem-malformed"
        >
          <span className="sev-warning">⚠</span> {formatInt(p.malformedRows)} malformed record
          {p.malformedRows === 1 ? '' : 's'}
        </button>
      ) : null}
      {p.invalidChars ? (
        <span
          className="tt-problem small"
          data-testid="problem-invalid"
          title="Bytes that are not valid in this encoding are shown as U+FFFD. Try another encoding."
        >
          <span className="sev-warning">⚠</span> {formatInt(p.invalidChars)} invalid byte sequence
          {p.invalidChars === 1 ? '' : 's'} (shown as <span className="tg-bad">{'\ufffd'}</span>) — try
          another encoding
        </span>
      ) : null}
      {p.unreadable.map((u) => (
        <span key={u.chunk} className="tt-problem small sev-error" title={u.error}>
          ✖ {u.chunk}: {u.error}
        </span>
      ))}
    </div>
  );
}

function TableHead() {
  const info = useTables((s) => s.info);
  const selection = useTables((s) => s.selection);
  const tables = useTables((s) => s.tables);
  const ready = useTables((s) => s.ready);
  const saving = useTables((s) => s.saving);
  const saveView = useTables((s) => s.saveView);
  const viewTotal = useTables((s) => s.viewTotal);
  if (!selection) return null;
  const summary = tables?.find((t) => t.table.toLowerCase() === selection.table.toLowerCase());
  const chunkInfo =
    typeof selection.scope === 'object'
      ? summary?.chunks.find((c) => c.chunk === (selection.scope as { chunk: string }).chunk)
      : undefined;
  return (
    <header className="tt">
      <div className="tt-row">
        <h2 className="tt-title mono" data-testid="table-title">
          {selection.table}
        </h2>
        <ScopePicker summary={summary} />
        <EncodingPicker />
        <DialectPicker />
        {chunkInfo?.bytes ? <span className="small muted">{formatBytes(chunkInfo.bytes)}</span> : null}
        <span className="tt-spacer" />
        <button
          type="button"
          className="btn btn-small"
          disabled={!info || !ready || saving}
          onClick={() => void saveView()}
          data-testid="save-view"
          title={`Save the ${ready ? `${formatInt(viewTotal)} ` : ''}rows of this view (sorted, filtered) as CSV: RFC 4180, UTF-8, header first`}
        >
          {saving ? 'Saving…' : 'Save view as CSV'}
        </button>
      </div>
      <KeyChooser />
      <Problems />
    </header>
  );
}

function Overlay() {
  const busy = useTables((s) => s.busy);
  const progress = useTables((s) => s.progress);
  const ready = useTables((s) => s.ready);
  const cancel = useTables((s) => s.cancel);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!busy) return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [busy]);
  if (!busy) return null;
  const label = busy.kind === 'open' ? 'Opening the table' : describeView(busy.view);
  const p = progress && progress.phase !== 'done' && progress.phase !== 'cancelled' ? progress : null;
  return (
    <div
      className={`tg-overlay${ready ? ' over-rows' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="table-busy"
      data-kind={busy.kind}
    >
      <div className="tg-overlay-card">
        <strong>{label}…</strong>
        <ProgressLine progress={p} label={label} />
        <div className="btn-group">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void cancel()}
            data-testid="table-cancel"
          >
            Cancel
          </button>
          {ready ? (
            <span className="small muted">The previous view stays until the new one is ready.</span>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function Status() {
  const info = useTables((s) => s.info);
  const total = useTables((s) => s.viewTotal);
  const complete = useTables((s) => s.viewComplete);
  const view = useTables((s) => s.view);
  const firstRowsMs = useTables((s) => s.firstRowsMs);
  const progress = useTables((s) => s.progress);
  const busy = useTables((s) => s.busy);
  const notice = useTables((s) => s.notice);
  const dismissNotice = useTables((s) => s.dismissNotice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(dismissNotice, 6000);
    return () => clearTimeout(t);
  }, [notice, dismissNotice]);
  if (!info) return null;
  const reading = !busy && !info.complete && progress && progress.phase === 'reading' ? progress : null;
  const filtered = !!(view.filter?.length || view.search);
  return (
    <footer className="ts-status small" data-testid="table-status">
      <span data-testid="table-count" data-total={total}>
        {formatInt(total)}
        {complete ? '' : '+'} row{total === 1 ? '' : 's'}
        {filtered ? ` of ${formatInt(info.totalRows)}${info.complete ? '' : '+'}` : ''}
        {!complete && !filtered ? ' so far' : ''}
      </span>
      <span className="muted">
        {describeView(view, true)}
      </span>
      <span className="muted">
        {info.chunks.length} chunk{info.chunks.length === 1 ? '' : 's'} · {info.encoding}
      </span>
      {firstRowsMs !== null ? (
        <span className="muted" data-testid="first-rows-ms" data-ms={firstRowsMs}>
          first rows in {formatInt(firstRowsMs)} ms
        </span>
      ) : null}
      {reading ? <ProgressLine progress={reading} label="Reading" /> : null}
      {notice ? (
        <span className="ts-notice" role="status" data-testid="table-notice">
          {notice}
        </span>
      ) : null}
    </footer>
  );
}

function SidePanel() {
  const panel = useTables((s) => s.panel);
  const setPanel = useTables((s) => s.setPanel);
  if (!panel) return null;
  return (
    <aside
      className="tsp"
      aria-label={panel === 'cell' ? 'Cell inspector' : 'Column statistics'}
      data-testid="side-panel"
    >
      <div className="tsp-tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'cell'}
          className="btn btn-small"
          onClick={() => setPanel('cell')}
        >
          Cell
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'stats'}
          className="btn btn-small"
          onClick={() => setPanel('stats')}
        >
          Statistics
        </button>
        <span className="tt-spacer" />
        <button
          type="button"
          className="btn btn-small btn-quiet"
          onClick={() => setPanel(null)}
          aria-label="Close the panel"
        >
          ×
        </button>
      </div>
      <div className="tsp-body">{panel === 'cell' ? <CellInspector /> : <StatsPanel />}</div>
    </aside>
  );
}

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

function EmptyView() {
  const total = useTables((s) => s.viewTotal);
  const complete = useTables((s) => s.viewComplete);
  const view = useTables((s) => s.view);
  const clearView = useTables((s) => s.clearView);
  if (total > 0 || !complete) return null;
  const filtered = !!(view.filter?.length || view.search);
  return (
    <div className="tg-empty-state" data-testid="table-empty">
      <p>{filtered ? 'No row matches.' : 'The table has no rows.'}</p>
      {filtered ? (
        <button type="button" className="btn" onClick={() => void clearView()}>
          Clear the filters
        </button>
      ) : null}
    </div>
  );
}

export { scopeLabel };
