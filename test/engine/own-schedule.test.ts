// An Info Mart drop whose export job was moved off the documented 8-hour default (the vendor's
// staff can adjust it): scanned with no cadence set, it is judged by the schedule it keeps.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/engine/report/index';
import { writeGimDrop } from '../fixtures/gim-drop';
import { freshDirs, justAfter, scan } from './harness';

const dir = freshDirs('di-own-schedule-');

describe('an Info Mart drop on a schedule of its own', () => {
  it('a daily export: no chunk is late, and the report says whose schedule judged it', async () => {
    const root = dir();
    const m = await writeGimDrop(root, { seed: 5, chunks: 6, cadenceSeconds: 86_400 });
    const { report, catalog } = await scan(m.root, { asOf: justAfter(m.chunks.map((c) => c.createdTs)) });
    catalog.close();
    expect(report.problems.filter((p) => p.severity !== 'info')).toEqual([]);
    expect(report.options).toMatchObject({ cadenceSource: 'inferred' });
    // The median interval to the minute: runs drift by seconds.
    expect(report.options!.cadenceSeconds).toBe(86_400);
    expect(renderMarkdown(report)).toMatch(/Expected cadence:\*\* 1 d \(grace 12 h; the drop’s own schedule, from its chunks\)/);
  });

  it('a drop on the documented 8 hours says so in the words of the app\u2019s Judgement panel', async () => {
    const m = await writeGimDrop(dir(), { seed: 6, chunks: 5 });
    const { report, catalog } = await scan(m.root, { asOf: justAfter(m.chunks.map((c) => c.createdTs)) });
    catalog.close();
    expect(report.options).toMatchObject({ cadenceSource: 'family', cadenceSeconds: 8 * 3600 });
    // It said "the format’s default" where the panel says "this kind of drop’s default".
    expect(renderMarkdown(report)).toMatch(/Expected cadence:\*\* 8 h \(grace 4 h; this kind of drop’s default\)/);
  });

  it('the same drop with a missing export: that silence is late, the others are not', async () => {
    const root = dir();
    const m = await writeGimDrop(root, { seed: 5, chunks: 8, cadenceSeconds: 86_400, defects: { 4: ['missing'] } });
    const { report, catalog } = await scan(m.root, { asOf: justAfter(m.chunks.map((c) => c.createdTs)) });
    catalog.close();
    const late = report.problems.filter((p) => p.kind === 'late');
    expect(late).toHaveLength(1);
    // On the chunk after the missing one (index 4 of the plan: the fourth written is the fifth planned).
    expect(late[0].chunk).toBe(m.chunks[4].name);
    expect(report.problems.map((p) => p.kind)).toContain('gap');
  });
});
