// The report of the drop the app starts with, read while the app loads (service.ts readAhead):
// taken by the openDrop that follows, and only while it is still the catalog's report.
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { createEngineService, READ_AHEAD_MS, type EngineService } from '../../src/engine/service';
import { scanDrop } from '../../src/engine/scan';
import { cadenceOf } from '../../src/engine/options';
import type { EngineEvent } from '../../src/shared/api';
import { writeGimDrop } from '../fixtures/gim-drop';
import { removeDir, tempDir } from './harness';

let service: EngineService | null = null;
const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await service?.close();
  service = null;
  dirs.splice(0).forEach(removeDir);
});

/** A scanned 4-chunk drop and a service on its catalog, counting the catalog's full reads of its chunks. */
async function scanned(): Promise<{ root: string; catalogPath: string; reads: () => number; events: EngineEvent[] }> {
  const work = tempDir('di-ahead-');
  dirs.push(work);
  const root = path.join(work, 'drop');
  await writeGimDrop(root, { seed: 21, chunks: 4, defects: { 2: ['missing'] } });
  const catalogPath = path.join(work, 'catalog.sqlite');
  const first = new Catalog(catalogPath);
  await scanDrop(root, { catalog: first, cadence: cadenceOf({}) });
  first.close();
  service = createEngineService({ catalogPath });
  const events: EngineEvent[] = [];
  service.onEvent((e) => events.push(e));
  const spy = vi.spyOn(service.catalog, 'loadChunks');
  return { root, catalogPath, reads: () => spy.mock.calls.length, events };
}

const doneOf = (events: EngineEvent[], jobId: string): boolean =>
  events.some((e) => e.type === 'scan-progress' && e.progress.jobId === jobId && e.progress.phase === 'done');

async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('openDrop takes the report read ahead instead of reading the catalog again, once', async () => {
  const { root, reads, events } = await scanned();
  await service!.readAhead(root);
  expect(reads()).toBe(1);
  const opened = await service!.openDrop(root);
  expect(reads()).toBe(1);
  expect(opened.report!.chunks).toHaveLength(3);
  expect(opened.report!.problems.map((p) => p.kind)).toContain('gap');
  await until(() => doneOf(events, opened.jobId));
  // Taken once: the next openDrop reads the catalog.
  const before = reads();
  await service!.openDrop(root);
  expect(reads()).toBe(before + 1);
});

it('a report read ahead is not taken once the catalog changed, with options or after READ_AHEAD_MS', async () => {
  const { root, catalogPath, reads } = await scanned();
  // Another connection records a scan (the CLI, a second window): the catalog's report moved on.
  await service!.readAhead(root);
  const other = new Catalog(catalogPath);
  await scanDrop(root, { catalog: other, cadence: cadenceOf({}), verify: true });
  other.close();
  let n = reads();
  await service!.openDrop(root);
  expect(reads()).toBe(n + 1);
  await service!.cancelScan((await service!.startScan(root)).jobId);

  // The judgement was changed since.
  await service!.readAhead(root);
  await service!.setJudgement(root, { cadenceSeconds: 3600, graceSeconds: null, asOf: null });
  n = reads();
  const judged = await service!.openDrop(root);
  expect(reads()).toBe(n + 1);
  await service!.cancelScan(judged.jobId);

  // Options of the caller's own.
  await service!.readAhead(root);
  n = reads();
  const opened = await service!.openDrop(root, { asOf: '2030-01-01T00:00:00Z' });
  expect(reads()).toBe(n + 1);
  await service!.cancelScan(opened.jobId);

  // Too old: judged as of when it was read.
  await service!.readAhead(root);
  const now = Date.now();
  vi.spyOn(Date, 'now').mockReturnValue(now + READ_AHEAD_MS + 1);
  n = reads();
  const late = await service!.openDrop(root);
  expect(reads()).toBe(n + 1);
  vi.restoreAllMocks();
  await service!.cancelScan(late.jobId);
});

it('reading ahead a drop never scanned, or gone, is quiet: openDrop then says what it says without it', async () => {
  const { root } = await scanned();
  const work = path.dirname(root);
  await expect(service!.readAhead(path.join(work, 'nope'))).resolves.toBeUndefined();
  await expect(service!.openDrop(path.join(work, 'nope'))).rejects.toMatchObject({ code: 'not-found' });
  await expect(service!.readAhead(work)).resolves.toBeUndefined();
  const fresh = await service!.openDrop(work);
  expect(fresh.report).toBeNull();
  await service!.cancelScan(fresh.jobId);
});
