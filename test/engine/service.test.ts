// The engine service as both hosts use it: scan jobs with progress events, the report, the
// exports, recent drops, cancel, and watching a drop for new chunks.
import { cpSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineService, type EngineService } from '../../src/engine/service';
import type { EngineEvent } from '../../src/shared/api';
import { writeGimDrop } from '../fixtures/gim-drop';
import { buildReport } from '../../src/engine/report/build-report';
import { cadenceOf } from '../../src/engine/options';
import type { ScanReport } from '../../src/shared/report';
import { removeDir, tempDir } from './harness';
import { RACY_MS } from '../../src/engine/fs/kept-folders';

let service: EngineService | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await service?.close();
  service = null;
  dirs.splice(0).forEach(removeDir);
});

function setup(opts: { watchIntervalMs?: number; saveBatch?: { chunks: number; ms: number } } = {}): {
  work: string;
  events: EngineEvent[];
} {
  const work = tempDir('di-svc-');
  dirs.push(work);
  service = createEngineService({ catalogPath: path.join(work, 'catalog.sqlite'), ...opts });
  const events: EngineEvent[] = [];
  service.onEvent((e) => events.push(e));
  return { work, events };
}

const until = async (cond: () => boolean, ms = 60_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('engine service', () => {
  it('scans with progress events, then serves the report, the exports and the recent drops', async () => {
    const { work, events } = setup();
    const m = await writeGimDrop(path.join(work, 'drop'), {
      seed: 8,
      chunks: 6,
      defects: { 3: ['missing'] },
    });
    const { jobId } = await service!.startScan(m.root);
    // Asking again while it runs joins the same job.
    expect((await service!.startScan(m.root)).jobId).toBe(jobId);
    await until(() => events.some((e) => e.type === 'scan-progress' && e.progress.phase === 'done'));
    const phases = events.flatMap((e) => (e.type === 'scan-progress' ? [e.progress.phase] : []));
    expect(phases[0]).toBe('discovering');
    expect(phases).toContain('scanning');
    const last = events.filter((e) => e.type === 'scan-progress').pop();
    expect(last).toMatchObject({ progress: { jobId, chunksDone: 5, chunksTotal: 5 } });
    expect(events.some((e) => e.type === 'report-updated')).toBe(true);

    const report = await service!.getReport(m.root);
    expect(report.problems.map((p) => p.kind)).toContain('gap');
    for (const format of ['json', 'md', 'csv', 'html'] as const) {
      const out = await service!.exportReport(m.root, format);
      expect(out.fileName.endsWith(`.${format}`)).toBe(true);
      expect(out.content).toContain(`${m.missing[0].hwmFrom}..${m.missing[0].hwmTo}`);
    }
    await expect(service!.exportReport(m.root, 'pdf' as 'md')).rejects.toMatchObject({ code: 'bad-request' });
    const recent = await service!.recentDrops();
    expect(recent[0]).toMatchObject({
      path: m.root,
      format: 'gim',
      chunks: 5,
      errors: report.summary.errors,
      warnings: report.summary.warnings,
    });
  });

  it('a report asked for while a scan records chunks: the chunks so far, without the checks that compare them', async () => {
    // Four chunks a transaction: a scan of 40 records them in ten batches however fast the
    // machine is (with the default, a quick run recorded all 40 in one).
    const { work, events } = setup({ saveBatch: { chunks: 4, ms: 60_000 } });
    // 40 chunks, none missing: a cold scan records the biggest first, so until it ends the
    // recorded ones have holes between them that are not gaps.
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 12, chunks: 40, rowsPerTable: 6000 });
    const interim: ScanReport[] = [];
    service!.onEvent((e) => {
      const p = events.filter((x) => x.type === 'scan-progress').pop();
      if (e.type === 'report-updated' && p?.type === 'scan-progress' && p.progress.phase === 'scanning')
        void service!.getReport(m.root).then(
          (r) => interim.push(r),
          () => undefined,
        );
    });
    await service!.startScan(m.root);
    await until(() => events.some((e) => e.type === 'scan-progress' && e.progress.phase === 'done'));
    const whole = await service!.getReport(m.root);
    expect(whole.incomplete).toBeUndefined();
    expect(whole.problems.filter((p) => p.kind === 'gap')).toEqual([]);
    // Reports were asked for between the batches, before the scan's end.
    expect(
      interim.some((x) => x.chunks.length < 40),
      interim.map((x) => x.chunks.length).join(),
    ).toBe(true);
    for (const r of interim.filter((x) => x.chunks.length < 40)) {
      expect(r.incomplete).toMatch(/of 40 chunks recorded/);
      expect(
        r.problems.filter((p) =>
          ['gap', 'overlap', 'out-of-order', 'late', 'stale', 'schema-change'].includes(p.kind),
        ),
      ).toEqual([]);
    }

    // A drop with a missing chunk, judged as if 3 of its 5 chunks were recorded: its
    // chunks' own problems, no gap, and the report says what waits; recorded whole: the gap.
    const g = await writeGimDrop(path.join(work, 'gap'), {
      seed: 8,
      chunks: 6,
      defects: { 3: ['missing'], 1: ['checksum-mismatch'] },
    });
    await service!.startScan(g.root);
    await until(
      () => events.filter((e) => e.type === 'scan-progress' && e.progress.phase === 'done').length === 2,
    );
    const all = buildReport(service!.catalog, g.root, cadenceOf({}));
    const part = buildReport(service!.catalog, g.root, cadenceOf({}), undefined, { recorded: 3, total: 5 });
    expect(all.problems.map((p) => p.kind)).toContain('gap');
    expect(part.problems.map((p) => p.kind)).not.toContain('gap');
    expect(part.problems.map((p) => p.kind)).toContain('checksum-mismatch');
    expect(part.incomplete).toMatch(/3 of 5 chunks recorded; the checks that compare chunks \(gaps/);
    expect(all.incomplete).toBeUndefined();
    expect(
      buildReport(service!.catalog, g.root, cadenceOf({}), undefined, { recorded: 5, total: 5 }).problems,
    ).toEqual(all.problems);
    const { renderReport } = await import('../../src/engine/report/index');
    expect(renderReport(part, 'md').content).toContain('3 of 5 chunks recorded');
  });

  it('openDrop: the catalogued report as the last scan left it, then the re-check that finds what arrived since', async () => {
    const { work, events } = setup();
    const root = path.join(work, 'drop');
    const m = await writeGimDrop(root, { seed: 12, chunks: 4 });
    // Never scanned: no report, and the first scan starts.
    const first = await service!.openDrop(root);
    expect(first.report).toBeNull();
    await until(() =>
      events.some(
        (e) => e.type === 'scan-progress' && e.progress.jobId === first.jobId && e.progress.phase === 'done',
      ),
    );
    // A chunk arrives; opening the drop again shows the 4 catalogued chunks, not a partial scan.
    const held = path.join(work, 'held');
    cpSync(path.join(root, m.chunks[3].dir), held, { recursive: true });
    rmSync(path.join(root, m.chunks[3].dir), { recursive: true });
    const three = await service!.openDrop(root);
    await until(() =>
      events.some(
        (e) => e.type === 'scan-progress' && e.progress.jobId === three.jobId && e.progress.phase === 'done',
      ),
    );
    expect(three.report!.chunks).toHaveLength(4);
    expect((await service!.getReport(root)).chunks).toHaveLength(3);
    renameSync(held, path.join(root, m.chunks[3].dir));
    const again = await service!.openDrop(root);
    expect(again.report!.chunks).toHaveLength(3);
    expect(again.report!.incomplete).toBeUndefined();
    expect(again.jobId).not.toBe(three.jobId);
    await until(() =>
      events.some(
        (e) => e.type === 'scan-progress' && e.progress.jobId === again.jobId && e.progress.phase === 'done',
      ),
    );
    expect((await service!.getReport(root)).chunks).toHaveLength(4);
    await expect(service!.openDrop(path.join(work, 'nope'))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('maps bad paths to clear error codes', async () => {
    const { work } = setup();
    await expect(service!.startScan(path.join(work, 'missing'))).rejects.toMatchObject({ code: 'not-found' });
    await expect(service!.getReport(work)).rejects.toMatchObject({ code: 'not-found' });
    const m = await writeGimDrop(path.join(work, 'd'), { seed: 1, chunks: 2 });
    await expect(
      service!.startScan(path.join(m.root, m.chunks[0].dir, `${path.basename(m.chunks[0].dir)}.zip`)),
    ).rejects.toMatchObject({
      code: 'not-a-directory',
    });
  });

  it('cancels a running scan', async () => {
    const { work, events } = setup();
    const m = await writeGimDrop(path.join(work, 'drop'), { seed: 3, chunks: 12, rowsPerTable: 4000 });
    const { jobId } = await service!.startScan(m.root);
    await until(() => events.some((e) => e.type === 'scan-progress' && e.progress.phase === 'scanning'));
    await service!.cancelScan(jobId);
    const phases = events.flatMap((e) => (e.type === 'scan-progress' ? [e.progress.phase] : []));
    expect(phases).toContain('cancelled');
    expect(phases).not.toContain('done');
  });

  it('a re-scan that finds the drop as the catalog held it says so with the report\u2019s counts, and updates no report', async () => {
    const { work, events } = setup();
    const root = path.join(work, 'drop');
    const m = await writeGimDrop(root, { seed: 12, chunks: 5, defects: { 2: ['missing'], 3: ['checksum-mismatch'] } });
    // Folders settled, as a scheduled scan finds them (fs/kept-folders.ts): the listing is kept.
    await new Promise((r) => setTimeout(r, RACY_MS + 200));
    const doneOf = (jobId: string) => {
      const i = events.findIndex((e) => e.type === 'scan-progress' && e.progress.jobId === jobId && e.progress.phase === 'done');
      return i < 0 ? null : { i, progress: (events[i] as Extract<EngineEvent, { type: 'scan-progress' }>).progress };
    };
    const updatedAfter = (i: number) => events.slice(i + 1).some((e) => e.type === 'report-updated');
    const first = await service!.startScan(root);
    await until(() => doneOf(first.jobId) !== null);
    await until(() => updatedAfter(doneOf(first.jobId)!.i));
    // The first scan recorded the chunks: not unchanged, and the report changed.
    expect(doneOf(first.jobId)!.progress.unchanged).toBeUndefined();
    const again = await service!.startScan(root);
    await until(() => doneOf(again.jobId) !== null);
    const report = await service!.getReport(root);
    expect(report.summary.errors).toBeGreaterThan(0);
    expect(doneOf(again.jobId)!.progress.unchanged).toEqual({
      errors: report.summary.errors,
      warnings: report.summary.warnings,
      infos: report.summary.infos,
      // The scan's own time, as the catalog now says it was last scanned.
      scannedAt: report.scannedAt,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(updatedAfter(doneOf(again.jobId)!.i)).toBe(false);
    // A chunk gone: the drop changed, and so did its report.
    rmSync(path.join(root, m.chunks.at(-1)!.dir), { recursive: true });
    const third = await service!.startScan(root);
    await until(() => doneOf(third.jobId) !== null);
    expect(doneOf(third.jobId)!.progress.unchanged).toBeUndefined();
    await until(() => updatedAfter(doneOf(third.jobId)!.i));
  });

  it('watching a drop indexes a chunk that arrives', async () => {
    const { work, events } = setup({ watchIntervalMs: 100 });
    const full = await writeGimDrop(path.join(work, 'full'), { seed: 5, chunks: 4 });
    const drop = path.join(work, 'drop');
    for (const c of full.chunks.slice(0, 3))
      cpSync(path.join(full.root, c.dir), path.join(drop, c.dir), {
        recursive: true,
        preserveTimestamps: true,
      });
    const { jobId } = await service!.startScan(drop);
    await until(() =>
      events.some(
        (e) => e.type === 'scan-progress' && e.progress.jobId === jobId && e.progress.phase === 'done',
      ),
    );
    expect((await service!.getReport(drop)).summary.chunks).toBe(3);
    await service!.watchDrop(drop, true);
    const last = full.chunks[3];
    cpSync(path.join(full.root, last.dir), path.join(drop, last.dir), {
      recursive: true,
      preserveTimestamps: true,
    });
    const end = Date.now() + 30_000;
    while ((await service!.getReport(drop)).summary.chunks !== 4) {
      if (Date.now() > end) throw new Error('the watched drop never picked up the new chunk');
      await new Promise((r) => setTimeout(r, 100));
    }
    await service!.watchDrop(drop, false);
  });

  it('any number of event subscribers (one per SSE stream): no MaxListenersExceededWarning, each gets every event', async () => {
    const { work } = setup();
    const warnings: Error[] = [];
    const onWarning = (w: Error): number => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const got = Array.from({ length: 250 }, () => [] as EngineEvent[]);
      const offs = got.map((list) => service!.onEvent((e) => list.push(e)));
      // A subscriber that throws (a stream gone bad) does not keep the event from the others.
      service!.onEvent(() => {
        throw new Error('closed stream');
      });
      const m = await writeGimDrop(path.join(work, 'drop'), { seed: 9, chunks: 2 });
      await service!.startScan(m.root);
      await until(() => got.every((l) => l.some((e) => e.type === 'report-updated')));
      // Unsubscribed streams get nothing more.
      offs.slice(0, 200).forEach((off) => off());
      const before = got.map((l) => l.length);
      await service!.startScan(m.root, { verify: true });
      await until(() =>
        got
          .slice(200)
          .every(
            (l, i) =>
              l.length > before[200 + i] &&
              l.some((e, k) => k >= before[200 + i] && e.type === 'report-updated'),
          ),
      );
      expect(got.slice(0, 200).map((l) => l.length)).toEqual(before.slice(0, 200));
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
