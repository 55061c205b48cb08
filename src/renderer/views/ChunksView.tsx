import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ReportChunk, ScanReport, Severity } from '../../shared/report';
import { useApp } from '../state/context';
import { indexReport, SEVERITY_RANK } from '../state/derive';
import { formatBytes, formatInt, formatKeyRange, formatUtc, formatUtcDate } from '../format';
import { isTimeAxis, reportAxis, timeExtent } from '../../shared/coverage-view';
import type { AxisKind } from '../../shared/family';
import { SeverityLabel, StateLabel } from '../components/Icons';
import { nextFrame, observeRectWithFallback } from '../components/virtual';
import { ChunkDetail } from './ChunkDetail';

interface ChunkRow {
  order: number;
  chunk: ReportChunk;
  rows: number | null;
  problems: number;
  worst: Severity | null;
}

const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 36;
const col = createColumnHelper<ChunkRow>();

function rowsOf(report: ScanReport): ChunkRow[] {
  const idx = indexReport(report);
  return report.chunks.map((chunk, order) => ({
    order,
    chunk,
    rows: idx.rowsByChunk.get(chunk.name) ?? null,
    problems: idx.problemsByChunk.get(chunk.name)?.length ?? 0,
    worst: idx.worstByChunk.get(chunk.name) ?? null,
  }));
}

const nullsLast = (a: number | null, b: number | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b);

// The columns every family has; the extent, checksum and metadata columns go between them.
const [ORDER, NAME, CREATED, SIZE, ...TAIL] = [
  col.accessor('order', { id: 'order', header: '#', cell: (c) => c.getValue() + 1, sortingFn: 'basic' }),
  col.accessor((r) => r.chunk.name, { id: 'name', header: 'Name', cell: (c) => <span className="mono">{c.getValue()}</span> }),
  col.accessor((r) => r.chunk.createdTs, {
    id: 'created',
    header: 'Created (UTC)',
    cell: (c) => <span className="mono">{formatUtc(c.getValue())}</span>,
    sortingFn: (a, b) => nullsLast(a.original.chunk.createdTs, b.original.chunk.createdTs),
  }),
  col.accessor((r) => r.chunk.bytes, {
    id: 'size',
    header: 'Size',
    cell: (c) => formatBytes(c.getValue()),
    sortingFn: (a, b) => nullsLast(a.original.chunk.bytes, b.original.chunk.bytes),
  }),
  col.accessor((r) => r.chunk.tables.length, { id: 'tables', header: 'Tables', cell: (c) => formatInt(c.getValue()) }),
  col.accessor('rows', { id: 'rows', header: 'Rows', cell: (c) => formatInt(c.getValue()), sortingFn: (a, b) => nullsLast(a.original.rows, b.original.rows) }),
  col.accessor('problems', {
    id: 'problems',
    header: 'Problems',
    cell: (c) => {
      const r = c.row.original;
      if (!r.worst) return <StateLabel state="ok" />;
      return (
        <span className="problems-cell">
          <SeverityLabel severity={r.worst} compact /> {r.problems}
        </span>
      );
    },
    sortingFn: (a, b) =>
      (a.original.worst ? SEVERITY_RANK[a.original.worst] : 9) - (b.original.worst ? SEVERITY_RANK[b.original.worst] : 9) ||
      b.original.problems - a.original.problems,
  }),
];

const KEYS_COLUMN = col.accessor((r) => r.chunk.hwmFrom, {
    id: 'keys',
    header: 'Audit keys',
    cell: (c) => <span className="mono">{formatKeyRange(c.row.original.chunk.hwmFrom, c.row.original.chunk.hwmTo)}</span>,
    sortingFn: (a, b) => nullsLast(a.original.chunk.hwmFrom, b.original.chunk.hwmFrom) || nullsLast(a.original.chunk.hwmTo, b.original.chunk.hwmTo),
  });

/** The chunk's place on a time axis, in the axis' words: a window, a day, a run. */
function extentColumn(axis: AxisKind) {
  const header = axis === 'run-date' ? 'Day' : axis === 'run-time' ? 'Run (UTC)' : 'Window (UTC)';
  const text = (c: ReportChunk): string => {
    const span = timeExtent(c);
    if (!span) return '—';
    if (axis === 'run-date') return formatUtcDate(span.from);
    if (axis === 'run-time' || span.to === span.from) return formatUtc(span.from);
    return `${formatUtc(span.from)} → ${formatUtc(span.to)}`;
  };
  return col.accessor((r) => timeExtent(r.chunk)?.from ?? null, {
    id: 'extent',
    header,
    cell: (c) => <span className="mono">{text(c.row.original.chunk)}</span>,
    sortingFn: (a, b) => nullsLast(timeExtent(a.original.chunk)?.from ?? null, timeExtent(b.original.chunk)?.from ?? null),
  });
}

const CHECKSUM_COLUMN = col.accessor((r) => r.chunk.checksum, {
    id: 'checksum',
    header: 'Checksum',
    cell: (c) => <StateLabel state={c.getValue()} severityIfBad={c.getValue() === 'missing' ? 'warning' : 'error'} />,
  });

const METADATA_COLUMN = col.accessor((r) => r.chunk.metadata, {
    id: 'metadata',
    header: 'Metadata',
    cell: (c) => <StateLabel state={c.getValue()} severityIfBad={c.getValue() === 'missing' ? 'warning' : 'error'} />,
  });

/**
 * The table's columns for this drop: Info Mart's audit keys, checksum and metadata files;
 * on a time axis the window, day or run instead, and checksum or metadata columns only where
 * the family has such files (a bulk request's stats; never "missing" for a family without them).
 */
function columnsFor(report: ScanReport | null) {
  const axis = report ? reportAxis(report) : 'audit-key';
  if (!isTimeAxis(axis)) return [ORDER, NAME, KEYS_COLUMN, CREATED, SIZE, CHECKSUM_COLUMN, METADATA_COLUMN, ...TAIL];
  const chunks = report?.chunks ?? [];
  const kinds = new Set(report?.problems.map((p) => p.kind) ?? []);
  const withChecksums = chunks.some((c) => c.checksum !== 'missing') || kinds.has('checksum-missing');
  const withMetadata = chunks.some((c) => c.metadata !== 'missing') || kinds.has('metadata-missing');
  return [
    ORDER,
    NAME,
    extentColumn(axis),
    CREATED,
    SIZE,
    ...(withChecksums ? [CHECKSUM_COLUMN] : []),
    ...(withMetadata ? [METADATA_COLUMN] : []),
    ...TAIL,
  ];
}

const NUMERIC = new Set(['order', 'size', 'tables', 'rows']);

export function ChunksView() {
  return (
    <div className="chunks-view">
      <ChunkTable />
      <ChunkDetail wide />
    </div>
  );
}

export function ChunkTable() {
  const report = useApp((s) => s.report);
  const selected = useApp((s) => s.selectedChunk);
  const selectChunk = useApp((s) => s.selectChunk);
  const [sorting, setSorting] = useState<SortingState>([]);
  const data = useMemo(() => (report ? rowsOf(report) : []), [report]);
  const columns = useMemo(() => columnsFor(report), [report]);
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    sortDescFirst: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (r) => `${r.order}`,
  });
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    observeElementRect: observeRectWithFallback,
  });
  const selectedIndex = rows.findIndex((r) => r.original.chunk.name === selected);

  function focusRow(i: number) {
    const r = rows[i];
    if (!r) return;
    selectChunk(r.original.chunk.name);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    nextFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${i}"]`)?.focus();
    });
  }

  function onRowKey(e: KeyboardEvent<HTMLDivElement>, i: number) {
    const page = Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 400) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    const to: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      PageDown: i + page,
      PageUp: i - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (e.key in to) {
      e.preventDefault();
      focusRow(Math.max(0, Math.min(rows.length - 1, to[e.key])));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      selectChunk(rows[i].original.chunk.name, { focus: true });
    }
  }

  if (!report) return null;
  const headers = table.getHeaderGroups()[0].headers;
  return (
    <div
      className="chunk-table"
      role="grid"
      aria-label="Chunks"
      aria-rowcount={rows.length + 1}
      aria-colcount={headers.length}
      data-testid="chunk-table"
      ref={scrollRef}
    >
      <div className="ct-row ct-head" role="row" aria-rowindex={1}>
        {headers.map((h) => {
          const dir = h.column.getIsSorted();
          return (
            <div
              key={h.id}
              role="columnheader"
              className={`ct-cell${NUMERIC.has(h.id) ? ' num' : ''}`}
              aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
            >
              <button type="button" className="sort-btn" onClick={h.column.getToggleSortingHandler()} data-testid={`sort-${h.id}`}>
                {flexRender(h.column.columnDef.header, h.getContext())}
                <span aria-hidden="true" className="sort-ind">
                  {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}
                </span>
              </button>
            </div>
          );
        })}
      </div>
      <div className="ct-body" data-testid="chunk-table-body" role="rowgroup">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index];
            const c = row.original.chunk;
            const isSel = c.name === selected;
            const focusable = isSel || (selectedIndex < 0 && v.index === 0);
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={isSel}
                data-row-index={v.index}
                data-testid={`chunk-row-${c.name}`}
                className={`ct-row${isSel ? ' is-selected' : ''}${row.original.worst ? ` row-${row.original.worst}` : ''}`}
                tabIndex={focusable ? 0 : -1}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: v.size, transform: `translateY(${v.start - HEADER_HEIGHT}px)` }}
                onClick={() => selectChunk(c.name)}
                onKeyDown={(e) => onRowKey(e, v.index)}
              >
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="gridcell" className={`ct-cell${NUMERIC.has(cell.column.id) ? ' num' : ''}`}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
