// The JSON gap report: exactly the contract's document (../../../shared report-contract),
// i.e. the ScanReport as it is, pretty-printed. Nothing is added or computed here, so
// scripts that parse `scan --json` and this export read the same thing.
import type { ScanReport } from '../../shared/report';

export function renderJson(r: ScanReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
