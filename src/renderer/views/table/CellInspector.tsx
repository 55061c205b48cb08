// The cell under the cursor in full (long and multi-line values), where its record comes from,
// and the whole record — extra fields of a malformed record included.
import { useState } from 'react';
import { formatInt } from '../../format';
import { useTableStore, useTables } from './context';
import { formatTimeValue, inspectorText, cellText, TIME_NAME, valueFacts } from './cells';
import { copyText, csvLines, tsvLines } from './clipboard';

export function CellInspector() {
  const store = useTableStore();
  const cursor = useTables((s) => s.cursor);
  const info = useTables((s) => s.info);
  useTables((s) => s.rowsVersion);
  const addFilter = useTables((s) => s.addFilter);
  const [copied, setCopied] = useState<string | null>(null);
  if (!info || !cursor)
    return (
      <p className="muted small">Click a cell (or move to one with the arrow keys) to see it in full here.</p>
    );
  const row = store.getState().getRow(cursor.row);
  if (!row) return <p className="muted small">Row {formatInt(cursor.row + 1)} is loading…</p>;
  const name = info.columns[cursor.col] ?? `extra field ${cursor.col - info.columns.length + 1}`;
  const value = row.cells[cursor.col];
  const facts = value === undefined ? null : valueFacts(value);
  const asDate = value !== undefined && TIME_NAME.test(name) ? formatTimeValue(value) : null;

  const copy = async (what: string, text: string) => {
    const ok = await copyText(text);
    setCopied(ok ? what : 'The clipboard refused the copy');
    setTimeout(() => setCopied(null), 1800);
  };

  return (
    <section className="ci" aria-label="Cell inspector" data-testid="cell-inspector">
      <div className="ci-head">
        <h3 className="mono ci-col">{name}</h3>
        <span className="small muted">row {formatInt(cursor.row + 1)} of the view</span>
      </div>
      <p className="small muted ci-origin" data-testid="ci-origin">
        Record {formatInt(row.record)} of <span className="mono">{row.chunk}</span>
        {row.rowNumber !== cursor.row ? ` · row ${formatInt(row.rowNumber + 1)} in natural order` : ''}
      </p>
      {row.malformed ? (
        <p className="ci-warn small" data-testid="ci-malformed">
          ⚠ Malformed record: its number of fields differs from the header’s, or it ends inside quotes. Shown
          as read, nothing dropped.
        </p>
      ) : null}
      {value === undefined ? (
        <p className="muted" data-testid="ci-value-missing">
          No field here: the record is shorter than the header.
        </p>
      ) : (
        <>
          <pre className={`ci-value${value === '' ? ' is-empty' : ''}`} data-testid="ci-value">
            {value === '' ? '(empty)' : inspectorText(value)}
          </pre>
          <p className="small muted" data-testid="ci-facts">
            {formatInt(facts!.chars)} character{facts!.chars === 1 ? '' : 's'}
            {facts!.lines > 1 ? ` · ${facts!.lines} lines` : ''}
            {facts!.invalid ? ` · ${facts!.invalid} × U+FFFD (bytes invalid in ${info.encoding})` : ''}
            {asDate ? ` · ${asDate} UTC` : ''}
          </p>
        </>
      )}
      <div className="btn-group ci-actions">
        <button
          type="button"
          className="btn btn-small"
          disabled={value === undefined}
          onClick={() => void copy('Copied the value', value ?? '')}
          data-testid="ci-copy-value"
        >
          Copy value
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void copy('Copied the row (tab-separated)', tsvLines([row.cells]))}
          data-testid="ci-copy-row"
        >
          Copy row
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            void copy('Copied the row as CSV with its header', csvLines([info.columns, row.cells]))
          }
        >
          Copy as CSV
        </button>
        {value !== undefined && cursor.col < info.columns.length ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void addFilter(
                value === ''
                  ? { column: name, op: 'empty' }
                  : { column: name, op: 'equals', value, caseSensitive: true },
              )
            }
          >
            Filter on this value
          </button>
        ) : null}
      </div>
      {copied ? (
        <p className="small ci-copied" role="status">
          {copied}
        </p>
      ) : null}
      <h4 className="ts-sub">Whole record</h4>
      <table className="mini-table ci-row" data-testid="ci-row">
        <tbody>
          {row.cells.map((c, i) => (
            <tr key={i} className={i === cursor.col ? 'is-current' : undefined}>
              <th scope="row" className="mono">
                <button
                  type="button"
                  className="link mono"
                  onClick={() => store.getState().setCursor({ row: cursor.row, col: i })}
                >
                  {info.columns[i] ?? `(extra ${i - info.columns.length + 1})`}
                </button>
              </th>
              <td className="mono">{c === '' ? <span className="muted">—</span> : cellText(c, 200)}</td>
            </tr>
          ))}
          {info.columns.slice(row.cells.length).map((c, k) => (
            <tr key={`m${k}`}>
              <th scope="row" className="mono">
                {c}
              </th>
              <td className="muted small">(no field)</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
