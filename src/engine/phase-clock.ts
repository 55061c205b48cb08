// Where a scan's time goes, phase by phase (wall milliseconds): printed by the CLI under
// DROP_INSPECTOR_STATS and by `npm run bench`, so a slow re-scan names its slow phase
// without a profiler (whose own overhead is a third of a 0.3 s re-scan). And the page faults
// each phase took (`faults`): on a virtual machine a fault of fresh memory cost ~10 µs (100 MB
// touched: 0.26 s), so memory a phase makes anew can be most of its time.
export class PhaseClock {
  readonly phases: Record<string, number> = {};
  readonly faults: Record<string, number> = {};
  private last = performance.now();
  private lastFaults = minorFaults();

  /** Ends the phase running since the previous mark (or the clock's start), adding to its total. */
  mark(phase: string): void {
    const now = performance.now();
    const faults = minorFaults();
    this.phases[phase] = Math.round(((this.phases[phase] ?? 0) + now - this.last) * 10) / 10;
    this.faults[phase] = (this.faults[phase] ?? 0) + faults - this.lastFaults;
    this.last = now;
    this.lastFaults = faults;
  }
}

/** The process's minor page faults so far (getrusage: one system call). */
function minorFaults(): number {
  return process.resourceUsage().minorPageFault;
}
