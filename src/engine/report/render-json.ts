// The JSON gap report: exactly the contract's document (../../../shared report-contract),
// i.e. the ScanReport as it is. Nothing is added or computed here, so scripts that parse
// `scan --json` and this export read the same thing. Small reports are pretty-printed for
// people; a report of many chunks is written compact (the same fields: indentation made a
// 3000-chunk report 11 MB, and writing it a good part of a re-scan).
import type { ScanReport } from '../../shared/report';

/** Reports of more chunks than this are written without indentation. */
export const PRETTY_MAX_CHUNKS = 200;

export function renderJson(r: ScanReport): string {
  return `${r.chunks.length > PRETTY_MAX_CHUNKS ? JSON.stringify(r) : JSON.stringify(r, null, 2)}\n`;
}
