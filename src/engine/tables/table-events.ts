// The table service's events (TableApi.onTableEvent): progress of long work per handle, and
// a handle's row count growing while its first reads go on.
import type { TableEvent, TablePhase } from '../../shared/table-api';
import { now, type Handle } from './table-handle';

export class TableEvents {
  private readonly listeners = new Set<(e: TableEvent) => void>();

  on(listener: (event: TableEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: TableEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is not the engine's
      }
    }
  }

  progress(
    h: Handle,
    phase: TablePhase,
    done: number,
    total: number | null,
    started: number,
    extra: { chunk?: string; error?: string } = {},
  ): void {
    this.emit({
      type: 'table-progress',
      progress: { handle: h.id, phase, done, total, elapsedMs: now() - started, ...extra },
    });
  }
}
