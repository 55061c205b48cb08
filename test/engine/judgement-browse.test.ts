// Judgement settings set from the app (remembered per drop, re-judging at once) and the
// folder browser of the Open screen (inside allowed roots only), on the real engine.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineService, type EngineService } from '../../src/engine/service';
import { callApi } from '../../src/server/dispatch';
import { writeGimDrop } from '../fixtures/gim-drop';
import { removeDir, tempDir } from './harness';

let service: EngineService | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await service?.close();
  service = null;
  dirs.splice(0).forEach(removeDir);
});

async function scanned(work: string, opts: { browseRoots?: string[] } = {}) {
  service = createEngineService({ catalogPath: path.join(work, 'catalog.sqlite'), ...opts });
  const m = await writeGimDrop(path.join(work, 'drops', 'site-a'), { seed: 3, chunks: 5 });
  const done = new Promise<void>((resolve) =>
    service!.onEvent((e) => e.type === 'scan-progress' && e.progress.phase === 'done' && resolve()),
  );
  await service.startScan(m.root);
  await done;
  return m;
}

describe('judgement settings', () => {
  it('are remembered per drop and change the verdict at once, without a re-scan', async () => {
    const work = tempDir('di-judge-');
    dirs.push(work);
    const m = await scanned(work);
    const newest = Math.max(...m.chunks.map((c) => c.createdTs));
    expect(await service!.getJudgement(m.root)).toEqual({
      cadenceSeconds: null,
      graceSeconds: null,
      asOf: null,
    });
    // Judged just after the newest chunk: nothing stale.
    const fresh = new Date((newest + 60) * 1000).toISOString();
    await service!.setJudgement(m.root, { cadenceSeconds: null, graceSeconds: null, asOf: fresh });
    expect((await service!.getReport(m.root)).problems.map((p) => p.kind)).not.toContain('stale');
    // A week later: stale, and the message speaks the one time format (no ISO milliseconds).
    const later = new Date((newest + 7 * 86400) * 1000).toISOString();
    await service!.setJudgement(m.root, { cadenceSeconds: 3600, graceSeconds: 0, asOf: later });
    const report = await service!.getReport(m.root);
    const stale = report.problems.find((p) => p.kind === 'stale');
    expect(stale?.message).toMatch(/as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(stale?.message).not.toMatch(/\.\d{3}Z/);
    expect(report.options).toMatchObject({ cadenceSeconds: 3600, graceSeconds: 0 });
    // Remembered: a new service over the same catalog judges the same way.
    await service!.close();
    service = createEngineService({ catalogPath: path.join(work, 'catalog.sqlite') });
    expect(await service.getJudgement(m.root)).toEqual({
      cadenceSeconds: 3600,
      graceSeconds: 0,
      asOf: later,
    });
    expect((await service.getReport(m.root)).problems.map((p) => p.kind)).toContain('stale');
    // What a caller passes still wins over the remembered settings (the CLI's flags).
    expect(
      (await service.getReport(m.root, { asOf: fresh, cadenceSeconds: 8 * 3600 })).problems.map(
        (p) => p.kind,
      ),
    ).not.toContain('stale');
  });

  it('bad settings are refused by the hosts\u2019 argument check', async () => {
    const work = tempDir('di-judge-');
    dirs.push(work);
    const m = await scanned(work);
    await expect(
      callApi(service!, 'setJudgement', [m.root, { cadenceSeconds: -1, graceSeconds: null, asOf: null }]),
    ).rejects.toMatchObject({ code: 'bad-request' });
    await expect(
      callApi(service!, 'setJudgement', [m.root, { cadenceSeconds: null, graceSeconds: null, asOf: 'soon' }]),
    ).rejects.toMatchObject({ code: 'bad-request' });
    await expect(callApi(service!, 'setJudgement', [m.root, { colour: 'red' }])).rejects.toMatchObject({
      code: 'bad-request',
    });
  });
});

describe('folder browser', () => {
  it('lists roots, then sub-folders with drops marked; refuses anything outside the roots, symlinks included', async () => {
    const work = tempDir('di-browse-');
    dirs.push(work);
    const outside = tempDir('di-outside-');
    dirs.push(outside);
    const m = await scanned(work, { browseRoots: [path.join(work, 'drops')] });
    mkdirSync(path.join(work, 'drops', 'empty'));
    mkdirSync(path.join(work, 'drops', '.hidden'));
    writeFileSync(path.join(work, 'drops', 'a-file.txt'), 'x');
    symlinkSync(outside, path.join(work, 'drops', 'escape'));

    const roots = (await callApi(service!, 'browseFolder', [null])) as { roots: string[] };
    expect(roots.roots).toContain(path.join(work, 'drops'));
    const listing = (await callApi(service!, 'browseFolder', [path.join(work, 'drops')])) as {
      entries: Array<{ name: string; looksLikeDrop: boolean }>;
    };
    const names = listing.entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['empty', 'site-a']));
    expect(names).not.toContain('.hidden');
    expect(names).not.toContain('a-file.txt');
    expect(listing.entries.find((e) => e.name === 'site-a')?.looksLikeDrop).toBe(true);
    expect(listing.entries.find((e) => e.name === 'empty')?.looksLikeDrop).toBe(false);
    // Inside a root: a parent to go up to; at the root: none.
    expect(((await callApi(service!, 'browseFolder', [m.root])) as { parent: string }).parent).toBe(
      path.join(work, 'drops'),
    );
    // Outside every root (directly, or through a symlink inside a root): forbidden.
    await expect(callApi(service!, 'browseFolder', [outside])).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      callApi(service!, 'browseFolder', [path.join(work, 'drops', 'escape')]),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(callApi(service!, 'browseFolder', ['relative/path'])).rejects.toMatchObject({
      code: 'bad-request',
    });
  });
});
