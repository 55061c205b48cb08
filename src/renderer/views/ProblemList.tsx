import { useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Problem } from '../../shared/report';
import { useApp } from '../state/context';
import { indexReport, kindLabel } from '../state/derive';
import { formatInt, formatKeyRange, formatUtc } from '../format';
import { SeverityLabel } from '../components/Icons';
import { measureWithFallback, nextFrame, observeRectWithFallback } from '../components/virtual';

const ESTIMATE = 76;

/** The extent of a problem, readable: the missing keys of a gap, etc. */
function extentOf(p: Problem, i: number, gapRanges: Map<number, { from: number | null; to: number | null }>): string | null {
  if (p.kind === 'gap' && typeof p.detail?.axis === 'string' && p.detail.axis !== 'audit-key') {
    // A time axis: the missing window (between chunks, or inside one that delivered less).
    const from = typeof p.detail.fromTs === 'number' ? p.detail.fromTs : null;
    const to = typeof p.detail.toTs === 'number' ? p.detail.toTs : null;
    const h = from !== null && to !== null ? ` (${((to - from) / 3600).toFixed(1)} h)` : '';
    return `${p.detail.inside === true ? 'not delivered' : 'missing'} ${formatUtc(from)} → ${formatUtc(to)}${h}`;
  }
  if (p.kind === 'gap') {
    const r = gapRanges.get(i);
    if (!r) return null;
    const n = r.from !== null && r.to !== null ? ` (${formatInt(r.to - r.from)} keys)` : '';
    return `missing keys ${formatKeyRange(r.from, r.to)}${n}`;
  }
  return null;
}

export interface ProblemListProps {
  /** Indices into report.problems, in display order. */
  indices: number[];
  label: string;
  emptyText?: string;
}

/** A virtualized, keyboard-navigable list of problems; choosing one selects its chunk. */
export function ProblemList({ indices, label, emptyText = 'No problems.' }: ProblemListProps) {
  const report = useApp((s) => s.report);
  const selectedProblem = useApp((s) => s.selectedProblem);
  const selectProblem = useApp((s) => s.selectProblem);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const virtualizer = useVirtualizer({
    count: indices.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATE,
    overscan: 8,
    observeElementRect: observeRectWithFallback,
    measureElement: measureWithFallback(ESTIMATE),
  });
  if (!report) return null;
  const gapRanges = indexReport(report).gapRanges;
  const selectedPos = selectedProblem === null ? -1 : indices.indexOf(selectedProblem);

  function choose(pos: number, moveFocus: boolean) {
    const i = indices[pos];
    if (i === undefined) return;
    selectProblem(i);
    if (moveFocus) {
      virtualizer.scrollToIndex(pos, { align: 'auto' });
      nextFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-pos="${pos}"]`)?.focus());
    }
  }

  function onKey(e: KeyboardEvent<HTMLDivElement>, pos: number) {
    const moves: Record<string, number> = { ArrowDown: pos + 1, ArrowUp: pos - 1, Home: 0, End: indices.length - 1, PageDown: pos + 5, PageUp: pos - 5 };
    if (e.key in moves) {
      e.preventDefault();
      choose(Math.max(0, Math.min(indices.length - 1, moves[e.key])), true);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      choose(pos, false);
    }
  }

  if (indices.length === 0) {
    return (
      <p className="empty" data-testid="problems-empty">
        {emptyText}
      </p>
    );
  }

  return (
    <div className="problem-list" ref={scrollRef} role="listbox" aria-label={label} data-testid="problem-list">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const i = indices[v.index];
          const p = report.problems[i];
          const sel = i === selectedProblem;
          const extent = extentOf(p, i, gapRanges);
          return (
            <div
              key={i}
              ref={virtualizer.measureElement}
              data-index={v.index}
              data-pos={v.index}
              data-testid={`problem-row-${i}`}
              data-kind={p.kind}
              data-severity={p.severity}
              role="option"
              aria-selected={sel}
              tabIndex={sel || (selectedPos < 0 && v.index === 0) ? 0 : -1}
              className={`problem-row sevbar-${p.severity}${sel ? ' is-selected' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}
              onClick={() => choose(v.index, false)}
              onKeyDown={(e) => onKey(e, v.index)}
            >
              <div className="pr-line1">
                <SeverityLabel severity={p.severity} />
                <strong className="pr-kind">{kindLabel(p.kind)}</strong>
                <span className="pr-chunk mono">{p.chunk ?? 'whole drop'}</span>
                {p.table ? <span className="pr-table mono">table {p.table}</span> : null}
                {extent ? (
                  <span className="pr-extent mono" data-testid={`problem-extent-${i}`}>
                    {extent}
                  </span>
                ) : null}
              </div>
              <div className="pr-message">{p.message}</div>
              {p.action ? <div className="pr-action">What to do: {p.action}</div> : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}
