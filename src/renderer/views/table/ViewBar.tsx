// The view's controls: search, filters, the sort, go to row, dates, columns.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { FilterOp } from '../../../shared/table-api';
import { filterLabel } from '../../state/table-view-spec';
import { formatInt } from '../../format';
import { useTables } from './context';
import { NARROW, useMediaQuery } from '../../components/useMediaQuery';
import { ColumnsPopover } from './ColumnsPopover';

const OPS: Array<{ op: FilterOp; label: string; needsValue: boolean }> = [
  { op: 'contains', label: 'contains', needsValue: true },
  { op: 'not-contains', label: 'does not contain', needsValue: true },
  { op: 'equals', label: 'equals', needsValue: true },
  { op: 'not-equals', label: 'does not equal', needsValue: true },
  { op: 'starts-with', label: 'starts with', needsValue: true },
  { op: 'ends-with', label: 'ends with', needsValue: true },
  { op: 'gt', label: '>', needsValue: true },
  { op: 'gte', label: '≥', needsValue: true },
  { op: 'lt', label: '<', needsValue: true },
  { op: 'lte', label: '≤', needsValue: true },
  { op: 'regex', label: 'matches regex', needsValue: true },
  { op: 'empty', label: 'is empty', needsValue: false },
  { op: 'not-empty', label: 'is not empty', needsValue: false },
];

export const SEARCH_DEBOUNCE_MS = 400;

function SearchBox() {
  const applied = useTables((s) => (s.busy?.kind === 'view' ? s.busy.view.search : s.view.search) ?? '');
  const setSearch = useTables((s) => s.setSearch);
  const [text, setText] = useState(applied);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => setText(applied), [applied]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const apply = (v: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    void setSearch(v);
  };
  return (
    <form
      className="vb-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        apply(text);
      }}
    >
      <input
        type="search"
        className="text-input"
        placeholder="Search every column…"
        aria-label="Search every column of the whole table"
        value={text}
        data-testid="table-search"
        onChange={(e) => {
          const v = e.target.value;
          setText(v);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => apply(v), SEARCH_DEBOUNCE_MS);
        }}
      />
    </form>
  );
}

function FilterEditor({ onDone, initialColumn }: { onDone(): void; initialColumn: string | null }) {
  const columns = useTables((s) => s.info?.columns ?? []);
  const addFilter = useTables((s) => s.addFilter);
  const [column, setColumn] = useState<string>(initialColumn ?? '');
  const [op, setOp] = useState<FilterOp>('contains');
  const [value, setValue] = useState('');
  const [cs, setCs] = useState(false);
  const valueRef = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    setColumn(initialColumn ?? '');
    valueRef.current?.focus();
  }, [initialColumn]);
  const needsValue = OPS.find((o) => o.op === op)?.needsValue ?? true;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void addFilter({
      ...(column ? { column } : {}),
      op,
      ...(needsValue ? { value } : {}),
      ...(cs ? { caseSensitive: true } : {}),
    });
    setValue('');
    onDone();
  };
  return (
    <form className="vb-filter-editor" onSubmit={submit} aria-label="New filter" data-testid="filter-editor">
      <select
        className="select"
        value={column}
        onChange={(e) => setColumn(e.target.value)}
        aria-label="Column"
        data-testid="filter-column"
      >
        <option value="">Any column</option>
        {columns.map((c, i) => (
          <option key={i} value={c}>
            {c}
          </option>
        ))}
      </select>
      <select
        className="select"
        value={op}
        onChange={(e) => setOp(e.target.value as FilterOp)}
        aria-label="Condition"
        data-testid="filter-op"
      >
        {OPS.map((o) => (
          <option key={o.op} value={o.op}>
            {o.label}
          </option>
        ))}
      </select>
      {needsValue ? (
        <input
          ref={valueRef}
          className="text-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-label="Value"
          placeholder="value"
          data-testid="filter-value"
        />
      ) : null}
      <label className="toggle small" title="Match upper and lower case exactly">
        <input type="checkbox" checked={cs} onChange={(e) => setCs(e.target.checked)} />
        Aa
      </label>
      <button type="submit" className="btn btn-small btn-primary" data-testid="filter-add">
        Add
      </button>
      <button type="button" className="btn btn-small btn-quiet" onClick={onDone}>
        Close
      </button>
    </form>
  );
}

function JumpBox() {
  const total = useTables((s) => s.viewTotal);
  const jumpTo = useTables((s) => s.jumpTo);
  const [text, setText] = useState('');
  const [bad, setBad] = useState(false);
  return (
    <form
      className="vb-jump"
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(text.replace(/[\s,_]/g, ''));
        if (!Number.isInteger(n) || n < 1 || n > total) {
          setBad(true);
          return;
        }
        setBad(false);
        jumpTo(n - 1);
        document.querySelector<HTMLElement>('[data-testid="table-scroll"]')?.focus();
      }}
    >
      <input
        className={`text-input vb-jump-input${bad ? ' is-bad' : ''}`}
        inputMode="numeric"
        placeholder="Row №"
        aria-label={`Go to row (1 to ${formatInt(total)})`}
        aria-invalid={bad}
        title={`Go to row 1 … ${formatInt(total)}`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setBad(false);
        }}
        data-testid="jump-input"
      />
      <button type="submit" className="btn btn-small" disabled={total <= 0} data-testid="jump-go">
        Go
      </button>
    </form>
  );
}

export function ViewBar() {
  const view = useTables((s) => (s.busy?.kind === 'view' ? s.busy.view : s.view));
  const removeFilter = useTables((s) => s.removeFilter);
  const setSearch = useTables((s) => s.setSearch);
  const setSort = useTables((s) => s.setSort);
  const clearView = useTables((s) => s.clearView);
  const showDates = useTables((s) => s.showDates);
  const setShowDates = useTables((s) => s.setShowDates);
  const draft = useTables((s) => s.filterDraft);
  const [editing, setEditing] = useState(false);
  const [draftColumn, setDraftColumn] = useState<string | null>(null);
  const [columnsOpen, setColumnsOpen] = useState(false);
  useEffect(() => {
    if (!draft) return;
    setDraftColumn(draft.column);
    setEditing(true);
  }, [draft]);
  const filters = view.filter ?? [];
  const any = filters.length > 0 || !!view.sort || !!view.search;
  // On a narrow window the row jump and the dates toggle fold into a menu: one toolbar line.
  const narrow = useMediaQuery(NARROW);
  const datesToggle = (
    <label className="toggle small" title="Show *_TS and *_DATE_TIME_KEY values (UTC seconds) as dates">
      <input
        type="checkbox"
        checked={showDates}
        onChange={(e) => setShowDates(e.target.checked)}
        data-testid="show-dates"
      />
      Times as dates
    </label>
  );
  return (
    <div className="vb" data-testid="view-bar">
      <div className="vb-row">
        <SearchBox />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setEditing((e) => !e)}
          aria-expanded={editing}
          data-testid="filter-toggle"
        >
          + Filter
        </button>
        {narrow ? null : <JumpBox />}
        {narrow ? null : datesToggle}
        {narrow ? (
          <details className="toolbar-more vb-more" data-testid="view-bar-more">
            <summary className="btn btn-small" data-testid="view-bar-more-button">
              More <span aria-hidden="true">▾</span>
            </summary>
            <div className="toolbar-more-menu">
              <JumpBox />
              {datesToggle}
            </div>
          </details>
        ) : null}
        <div className="vb-columns">
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={columnsOpen}
            onClick={() => setColumnsOpen((o) => !o)}
            data-testid="columns-toggle"
          >
            Columns ▾
          </button>
          {columnsOpen ? <ColumnsPopover onClose={() => setColumnsOpen(false)} /> : null}
        </div>
      </div>
      {editing ? <FilterEditor initialColumn={draftColumn} onDone={() => setEditing(false)} /> : null}
      {any ? (
        <div className="vb-chips" aria-label="The view" data-testid="view-chips">
          {view.search ? (
            <span className="chip vb-chip" data-testid="search-chip">
              Search “{view.search}”
              <button
                type="button"
                className="vb-x"
                aria-label="Remove the search"
                onClick={() => void setSearch('')}
                data-testid="search-chip-remove"
              >
                ×
              </button>
            </span>
          ) : null}
          {filters.map((f, i) => (
            <span key={i} className="chip vb-chip" data-testid={`filter-chip-${i}`}>
              {filterLabel(f)}
              <button
                type="button"
                className="vb-x"
                aria-label={`Remove the filter ${filterLabel(f)}`}
                onClick={() => void removeFilter(i)}
              >
                ×
              </button>
            </span>
          ))}
          {view.sort ? (
            <span className="chip vb-chip" data-testid="sort-chip">
              Sorted by <span className="mono">{view.sort.column}</span> {view.sort.desc ? '▼' : '▲'}
              {view.sort.as === 'text' ? ' (as text)' : ''}
              <button
                type="button"
                className="vb-x"
                aria-label="Remove the sort"
                onClick={() => void setSort(null)}
              >
                ×
              </button>
            </span>
          ) : null}
          <button
            type="button"
            className="btn btn-small btn-quiet"
            onClick={() => void clearView()}
            data-testid="clear-view"
          >
            Clear all
          </button>
        </div>
      ) : null}
    </div>
  );
}
