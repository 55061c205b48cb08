import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ScanReport } from '../../shared/report';
import type { AxisKind } from '../../shared/family';
import { reportAxis } from '../../shared/coverage-view';
import { useApp } from '../state/context';
import { formatCompact, formatInt, plural } from '../format';
import { observeRectWithFallback } from '../components/virtual';
import { columnHead, coverageModel, type Cell, type CoverageModel } from './coverage-model';

const CELL_W = 46;
const ROW_H = 28;
/** The column heads' least height; a longer label (a run time beside its #) gets more. */
const HEAD_MIN_H = 92;
/** Pixels per character of a head's label (small monospace, set on end) and its padding. */
const HEAD_CHAR_W = 7.4;
const HEAD_PAD = 16;

function headHeight(report: ScanReport): number {
  let longest = 0;
  report.chunks.forEach((c, i) => (longest = Math.max(longest, columnHead(c, i).length)));
  return Math.max(HEAD_MIN_H, Math.min(200, Math.ceil(longest * HEAD_CHAR_W + HEAD_PAD)));
}

/** How the legend names what is missing and what a column's label is, per continuity axis. */
const AXIS_LEGEND: Record<AxisKind, { absent: string; columns: string }> = {
  'audit-key': { absent: 'absent (GIM leaves unchanged tables out)', columns: 'audit key' },
  'time-range': { absent: 'absent (no records of this type in the request)', columns: 'start of its window (UTC)' },
  'run-date': { absent: 'absent (the table is not in that day’s dump)', columns: 'run date' },
  'run-time': { absent: 'absent (no such file in the run)', columns: 'run time (UTC)' },
};
const LEFT_W = 250;

function describe(model: CoverageModel, report: ScanReport, ti: number, ci: number): string {
  const t = model.tables[ti];
  const c = report.chunks[ci];
  const cell = model.cell(ti, ci);
  const median = t.median === null ? '' : ` (median ${formatInt(t.median)})`;
  let what: string;
  if (cell.state === 'absent') what = 'absent (no changes exported, or missing)';
  else if (cell.state === 'unreadable') what = 'unreadable';
  else what = `${cell.rows === null ? '— rows' : plural(cell.rows, 'row')}${median}${cell.small ? ' — unusually small' : ''}`;
  return `${t.name} in ${c.name}: ${what}${cell.schemaChange ? ' — columns changed here' : ''}`;
}

function cellText(cell: Cell): string {
  if (cell.state === 'absent') return '·';
  if (cell.state === 'unreadable') return '✕';
  return `${cell.small ? '↓' : ''}${formatCompact(cell.rows)}`;
}

export function CoverageView() {
  const report = useApp((s) => s.report);
  const [asTable, setAsTable] = useState(false);
  if (!report) return null;
  const model = coverageModel(report);
  const legend = AXIS_LEGEND[reportAxis(report)];
  return (
    <div className="coverage">
      <div className="coverage-head">
        <p className="muted small" data-testid="coverage-legend">
          Rows per table and chunk. Darker = more rows (relative to the table). <b>·</b> {legend.absent} · <b>↓</b> under a tenth of the table's median, or a
          volume drop · <b>✕</b> unreadable (also every table of an archive that cannot be read) · <b className="schema-flag">S</b> columns changed. Columns are the
          chunks by position (#) and {legend.columns}.
        </p>
        <button type="button" className="btn btn-small" aria-pressed={asTable} onClick={() => setAsTable(!asTable)} data-testid="coverage-as-table">
          {asTable ? 'Show as heat map' : 'Show numbers as a table'}
        </button>
      </div>
      {model.tables.length === 0 ? (
        <p className="empty">No table was read from any chunk.</p>
      ) : asTable ? (
        <CoverageTable report={report} model={model} />
      ) : (
        <CoverageMatrix report={report} model={model} />
      )}
    </div>
  );
}

function CoverageMatrix({ report, model }: { report: ScanReport; model: CoverageModel }) {
  const selected = useApp((s) => s.selectedChunk);
  const selectChunk = useApp((s) => s.selectChunk);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const [active, setActive] = useState<{ t: number; c: number }>({ t: 0, c: 0 });
  const [readout, setReadout] = useState<string>('');
  const headH = useMemo(() => headHeight(report), [report]);
  const rowV = useVirtualizer({
    count: model.tables.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 6,
    scrollMargin: headH,
    scrollPaddingStart: headH,
    observeElementRect: observeRectWithFallback,
  });
  const colV = useVirtualizer({
    horizontal: true,
    count: report.chunks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CELL_W,
    overscan: 8,
    scrollMargin: LEFT_W,
    scrollPaddingStart: LEFT_W,
    observeElementRect: observeRectWithFallback,
  });
  const totalW = LEFT_W + colV.getTotalSize();
  const cols = colV.getVirtualItems();
  const rows = rowV.getVirtualItems();

  function move(t: number, c: number) {
    const nt = Math.max(0, Math.min(model.tables.length - 1, t));
    const nc = Math.max(0, Math.min(report.chunks.length - 1, c));
    setActive({ t: nt, c: nc });
    setReadout(describe(model, report, nt, nc));
    rowV.scrollToIndex(nt, { align: 'auto' });
    colV.scrollToIndex(nc, { align: 'auto' });
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const map: Record<string, [number, number]> = {
      ArrowUp: [active.t - 1, active.c],
      ArrowDown: [active.t + 1, active.c],
      ArrowLeft: [active.t, active.c - 1],
      ArrowRight: [active.t, active.c + 1],
      Home: [active.t, 0],
      End: [active.t, report.chunks.length - 1],
      PageUp: [active.t, active.c - 10],
      PageDown: [active.t, active.c + 10],
    };
    if (e.key in map) {
      e.preventDefault();
      move(...map[e.key]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      selectChunk(report.chunks[active.c].name, { focus: true });
    }
  }

  const activeId = `cov-${active.t}-${active.c}`;
  return (
    <>
      <p className="readout mono small" aria-live="polite" data-testid="coverage-readout">
        {readout || 'Hover or focus a cell (arrow keys move, Enter selects the chunk).'}
      </p>
      <div
        className="matrix"
        ref={scrollRef}
        role="grid"
        tabIndex={0}
        aria-label={`Rows per table (${model.tables.length}) and chunk (${report.chunks.length})`}
        aria-rowcount={model.tables.length + 1}
        aria-colcount={report.chunks.length + 1}
        aria-activedescendant={activeId}
        onKeyDown={onKeyDown}
        onFocus={() => setReadout(describe(model, report, active.t, active.c))}
        data-testid="coverage-matrix"
      >
        <div className="matrix-head" role="row" aria-rowindex={1} style={{ width: totalW, height: headH }}>
          <div className="matrix-corner" role="columnheader" style={{ width: LEFT_W, height: headH }}>
            table \ chunk
          </div>
          {cols.map((v) => {
            const c = report.chunks[v.index];
            return (
              <div
                key={v.index}
                role="columnheader"
                aria-colindex={v.index + 2}
                className={`matrix-col-head${c.name === selected ? ' is-selected' : ''}`}
                style={{ left: v.start, width: v.size, height: headH }}
                title={c.name}
                onClick={() => selectChunk(c.name)}
              >
                <span>{columnHead(c, v.index)}</span>
              </div>
            );
          })}
        </div>
        <div className="matrix-body" style={{ width: totalW, height: rowV.getTotalSize() }}>
          {rows.map((rv) => {
            const t = model.tables[rv.index];
            return (
              <div key={rv.index} className="matrix-row" role="row" aria-rowindex={rv.index + 2} style={{ top: rv.start - headH, height: rv.size, width: totalW }}>
                <div
                  className="matrix-name mono"
                  role="rowheader"
                  style={{ width: LEFT_W }}
                  title={`${t.name}: in ${t.present} of ${report.chunks.length} chunks${t.median !== null ? `, median ${formatInt(t.median)} rows` : ''}`}
                >
                  <span className="matrix-name-text">{t.name}</span>
                  {t.present < report.chunks.length ? (
                    <span className="muted small">
                      {formatInt(t.present)}/{formatInt(report.chunks.length)}
                    </span>
                  ) : null}
                </div>
                {cols.map((cv) => {
                  const cell = model.cell(rv.index, cv.index);
                  const chunk = report.chunks[cv.index];
                  const isActive = active.t === rv.index && active.c === cv.index;
                  const pct = Math.round(12 + cell.heat * 70);
                  const cls = [
                    'mcell',
                    `mcell-${cell.state}`,
                    cell.small ? 'mcell-small' : '',
                    cell.schemaChange ? 'mcell-schema' : '',
                    cell.heat > 0.6 ? 'mcell-dark' : '',
                    chunk.name === selected ? 'is-selected' : '',
                    isActive ? 'is-active' : '',
                  ]
                    .filter(Boolean)
                    .join(' ');
                  const label = describe(model, report, rv.index, cv.index);
                  return (
                    <div
                      key={cv.index}
                      id={`cov-${rv.index}-${cv.index}`}
                      role="gridcell"
                      aria-colindex={cv.index + 2}
                      aria-label={label}
                      title={label}
                      className={cls}
                      data-testid={`cov-${t.name}-${chunk.name}`}
                      style={{
                        left: cv.start,
                        width: cv.size - 1,
                        height: rv.size - 1,
                        background: cell.state === 'rows' ? `color-mix(in srgb, var(--heat) ${pct}%, var(--surface))` : undefined,
                      }}
                      onMouseEnter={() => setReadout(label)}
                      onClick={() => {
                        setActive({ t: rv.index, c: cv.index });
                        setReadout(label);
                        selectChunk(chunk.name);
                      }}
                    >
                      {cellText(cell)}
                      {cell.schemaChange ? <span className="schema-flag" aria-hidden="true">S</span> : null}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}

const PAGE = 200;

/** The same numbers as a plain, paged HTML table (screen readers, copying). */
function CoverageTable({ report, model }: { report: ScanReport; model: CoverageModel }) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(report.chunks.length / PAGE));
  const from = page * PAGE;
  const chunks = report.chunks.slice(from, from + PAGE);
  return (
    <div className="coverage-table-wrap">
      <div className="pager">
        <button type="button" className="btn btn-small" disabled={page === 0} onClick={() => setPage(page - 1)}>
          ‹ Previous
        </button>
        <span>
          Chunks {formatInt(from + 1)}–{formatInt(from + chunks.length)} of {formatInt(report.chunks.length)}
        </span>
        <button type="button" className="btn btn-small" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
          Next ›
        </button>
      </div>
      <div className="table-scroll">
        <table className="mini-table coverage-table" data-testid="coverage-table">
          <caption className="sr-only">Rows per chunk (rows of this table) and table (columns)</caption>
          <thead>
            <tr>
              <th scope="col">Chunk</th>
              {model.tables.map((t) => (
                <th key={t.name} scope="col" className="num mono">
                  {t.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {chunks.map((c, k) => (
              <tr key={from + k}>
                <th scope="row" className="mono">
                  {c.name}
                </th>
                {model.tables.map((t, ti) => {
                  const cell = model.cell(ti, from + k);
                  return (
                    <td key={t.name} className="num">
                      {cell.state === 'absent' ? 'absent' : cell.state === 'unreadable' ? 'unreadable' : formatInt(cell.rows)}
                      {cell.small ? ' (small)' : ''}
                      {cell.schemaChange ? ' (columns changed)' : ''}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
