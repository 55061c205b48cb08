// A growing first read: the plain view's row count grows in 4 steps growMs apart, each with a
// progress and a table-grown event (tests drive it with grow()).
import type { TableEvent } from '../../../src/shared/table-api';
import type { Handle } from './types';

export function startGrowth(h: Handle, growMs: number, emit: (event: TableEvent) => void): void {
  if (growMs <= 0 || h.scope === 'merged' || h.available >= h.total) return;
  h.timer = setInterval(() => growOne(h, emit), growMs);
}

export function growOne(h: Handle, emit: (event: TableEvent) => void): void {
  if (h.closed || h.available >= h.total) {
    if (h.timer) clearInterval(h.timer);
    h.timer = null;
    return;
  }
  h.available = Math.min(h.total, h.available + Math.ceil(h.total / 4));
  const complete = h.available >= h.total;
  emit({
    type: 'table-progress',
    progress: {
      handle: h.id,
      phase: complete ? 'done' : 'reading',
      done: h.available,
      total: h.total,
      elapsedMs: 1,
      chunk: h.parts[0]?.source.chunk,
    },
  });
  emit({ type: 'table-grown', handle: h.id, totalRows: h.available, complete });
  if (complete && h.timer) {
    clearInterval(h.timer);
    h.timer = null;
  }
}
