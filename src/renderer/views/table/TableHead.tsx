// The open table's header: its name, how it is read (scope, encoding, dialect, and the merge
// key in the merged scope), the table's problems (malformed records, invalid bytes,
// unreadable chunks) and saving the view as CSV. What sits above the view bar and the grid.
import {
  TABLE_ENCODINGS,
  type KeyInfo,
  type TableEncoding,
  type TableScope,
  type TableSummary,
} from '../../../shared/table-api';
import type { MergePolicy } from '../../../shared/family';
import { formatBytes, formatInt, plural } from '../../format';
import { scopeKey } from '../../state/table-view-spec';
import { useTables } from './context';
import { DialectPicker } from './DialectPicker';

const KEY_SOURCES: Record<KeyInfo['source'], string> = {
  known: 'the usual primary key of this Info Mart table',
  'table-name': 'named after the table',
  'unique-column': 'the first key-like column unique in every chunk',
  user: 'chosen by you',
  none: 'no key found: nothing is merged',
};

/** The merged scope as the family's warehouse holds the table. */
function mergedLabel(merge: MergePolicy | undefined): string {
  if (merge === 'latest-snapshot') return 'Merged — the newest dump (each is a full snapshot)';
  if (merge === 'concat') return 'Merged — every chunk appended';
  return 'Merged by key — the latest chunk wins';
}

export function scopeLabel(scope: TableScope): string {
  if (scope === 'all') return 'All chunks';
  if (scope === 'merged') return 'Merged by key';
  return scope.chunk;
}

function ScopePicker({ summary }: { summary: TableSummary | undefined }) {
  const selection = useTables((s) => s.selection);
  const setScope = useTables((s) => s.setScope);
  const info = useTables((s) => s.info);
  if (!selection) return null;
  const value = scopeKey(selection.scope);
  // What the open view learnt since the scan counted: chunks that could not be read when
  // their rows were (part-builds.ts), and the all-chunks total once every chunk is read.
  const failed = new Set(info?.problems.unreadable.map((u) => u.chunk) ?? []);
  const allRows = info?.scope === 'all' && info.complete ? info.totalRows : summary?.totalRows;
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
          All chunks, one after another{allRows !== undefined ? ` (${plural(allRows, 'row')})` : ''}
        </option>
        <option value="merged">{mergedLabel(summary?.merge)}</option>
        <optgroup label="One chunk">
          {(
            summary?.chunks ??
            (typeof selection.scope === 'object'
              ? [{ chunk: selection.scope.chunk, rows: null, error: null }]
              : [])
          ).map((c) => (
            <option key={c.chunk} value={`chunk:${c.chunk}`} disabled={!!c.error}>
              {c.chunk}{' '}
              {c.error ? '(unreadable)' : failed.has(c.chunk) ? '(cannot be read)' : c.rows !== null ? `(${plural(c.rows, 'row')})` : ''}
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
      {key && key.source === 'none' && info?.merge === 'latest-snapshot' ? (
        // A full snapshot is not merged: the warehouse holds the newest dump as it is.
        <span className="small muted" data-testid="key-info" data-source="snapshot">
          the newest dump{info.chunks.length ? `, ${info.chunks[info.chunks.length - 1]},` : ''} as it is: each dump is a full
          snapshot of the table, so nothing is merged (choose a key to keep one record per key)
        </span>
      ) : key ? (
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

export function TableHead() {
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
