// The service's events and scripted slowness: progress events, a cancelled job's end, and
// delayMs spread over 4 progress steps.
import type { TableEvent, TablePhase } from '../../../src/shared/table-api';
import { ApiError } from '../../../src/renderer/api/errors';
import type { Handle } from './types';

export const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Pacing {
  emit(event: TableEvent): void;
  progress(
    h: Handle,
    phase: TablePhase,
    done: number,
    total: number | null,
    started: number,
    error?: string,
  ): void;
  checkCancel(h: Handle, seq: number, phase: TablePhase, started: number): void;
  slow(h: Handle, seq: number, phase: TablePhase, started: number): Promise<void>;
}

export function createPacing(emit: (event: TableEvent) => void, delayMs: number): Pacing {
  function progress(
    h: Handle,
    phase: TablePhase,
    done: number,
    total: number | null,
    started: number,
    error?: string,
  ): void {
    emit({
      type: 'table-progress',
      progress: {
        handle: h.id,
        phase,
        done,
        total,
        elapsedMs: Date.now() - started,
        ...(error ? { error } : {}),
      },
    });
  }

  function checkCancel(h: Handle, seq: number, phase: TablePhase, started: number): void {
    if (h.closed || h.seq !== seq) {
      progress(h, 'cancelled', 0, null, started);
      throw new ApiError({ code: 'bad-request', message: `${phase} was cancelled` });
    }
  }

  /** The scripted slowness: delayMs in 4 progress steps. */
  async function slow(h: Handle, seq: number, phase: TablePhase, started: number): Promise<void> {
    if (delayMs <= 0) return;
    for (let s = 0; s < 4; s++) {
      progress(h, phase, s * 25, 100, started);
      await wait(delayMs / 4);
      checkCancel(h, seq, phase, started);
    }
  }

  return { emit, progress, checkCancel, slow };
}
