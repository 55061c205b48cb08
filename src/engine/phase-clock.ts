// Where a scan's time goes, phase by phase (wall milliseconds): printed by the CLI under
// DROP_INSPECTOR_STATS and by `npm run bench`, so a slow re-scan names its slow phase
// without a profiler (whose own overhead is a third of a 0.3 s re-scan).
export class PhaseClock {
  readonly phases: Record<string, number> = {};
  private last = performance.now();

  /** Ends the phase running since the previous mark (or the clock's start), adding to its total. */
  mark(phase: string): void {
    const now = performance.now();
    this.phases[phase] = Math.round(((this.phases[phase] ?? 0) + now - this.last) * 10) / 10;
    this.last = now;
  }
}
