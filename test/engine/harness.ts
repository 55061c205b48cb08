// Runs the engine in-process on a drop, with a fresh catalog in a temp folder per call.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { buildReport } from '../../src/engine/report/build-report';
import { scanDrop, type ScanOutcome } from '../../src/engine/scan';
import type { ScanReport } from '../../src/shared/report';

export function tempDir(prefix = 'di-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A maker of temp folders for one test file: each call a new one, all removed after its tests. */
export function freshDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));
  return () => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
}

export interface Scanned {
  report: ScanReport;
  outcome: ScanOutcome;
  catalog: Catalog;
}

/** Scans into `catalogFile` (a new temp catalog when omitted) and builds the report. */
export async function scan(
  drop: string,
  opts: { catalogFile?: string; verify?: boolean; asOf?: number; signal?: AbortSignal; maxMemberBytes?: number } = {},
): Promise<Scanned> {
  const catalog = new Catalog(opts.catalogFile ?? path.join(tempDir('di-cat-'), 'catalog.sqlite'));
  const cadence = cadenceOf({ asOf: opts.asOf ?? 4102444800 });
  try {
    const outcome = await scanDrop(drop, { catalog, verify: opts.verify, cadence, signal: opts.signal, maxMemberBytes: opts.maxMemberBytes });
    return { outcome, report: buildReport(catalog, outcome.drop, cadence), catalog };
  } catch (e) {
    catalog.close();
    throw e;
  }
}

/** The as-of time just after a drop's newest chunk, so "stale" stays quiet. */
export function justAfter(createdTs: number[]): number {
  return Math.max(...createdTs) + 60;
}
