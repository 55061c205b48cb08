// A scan's verdict (report/verdict.ts): an unchanged re-scan judges the last scan's findings
// again as of its own time instead of loading and checking every chunk, and its report is
// exactly the one built from the catalog's records at that time, for every family: at the
// same as-of time, a later one (stale, retention), past a chunk dated ahead (future-dated).
// A verdict that does not fit (an earlier as-of time, another schedule, another stamp, a
// damaged one) is not used, and the report is still the built one.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { buildReport, reportJson, reportOverview } from '../../src/engine/report/build-report';
import type { Judgement } from '../../src/engine/checks/time';
import { scanDrop, type ScanOutcome } from '../../src/engine/scan';
import type { ScanReport } from '../../src/shared/report';
import { humanSummary } from '../../src/cli/summary';
import { FAMILIES, type FamilyManifest } from '../fixtures/families';
import { writeGimDrop } from '../fixtures/gim-drop';
import { freshDirs } from './harness';

const fresh = freshDirs('di-verdict-');

const DAY = 86_400;

const text = (pieces: Iterable<string | Uint8Array>): string => Buffer.concat([...pieces].map((p) => Buffer.from(p))).toString();
const withoutTime = (r: ScanReport): unknown => ({ ...r, scannedAt: null });

/** A re-scan's reports (JSON, the human summary) against the ones built from the records alone, under `j`. */
function expectBuilt(catalog: Catalog, o: ScanOutcome, j: Judgement): ScanReport {
  const built = buildReport(catalog, o.drop, j);
  const json = JSON.parse(text(reportJson(catalog, o.drop, j, o.checked).pieces)) as ScanReport;
  expect(withoutTime(json)).toEqual(withoutTime(JSON.parse(JSON.stringify(built)) as ScanReport));
  const compact = JSON.parse(text(reportJson(catalog, o.drop, j, o.checked, { compact: true }).pieces)) as ScanReport;
  expect(withoutTime(compact)).toEqual(withoutTime(JSON.parse(JSON.stringify(built)) as ScanReport));
  expect(withoutTime(buildReport(catalog, o.drop, j, o.checked))).toEqual(withoutTime(built));
  const { report, extents } = reportOverview(catalog, o.drop, j, o.checked);
  expect(humanSummary(report, extents)).toBe(humanSummary(built));
  return built;
}

/** A scan, and whether it loaded the chunks' summaries (a verdict judged again loads none). */
async function rescan(catalog: Catalog, root: string, j: Judgement): Promise<{ o: ScanOutcome; loaded: boolean }> {
  const spy = vi.spyOn(catalog, 'loadSummaries');
  try {
    const o = await scanDrop(root, { catalog, cadence: j });
    return { o, loaded: spy.mock.calls.length > 0 };
  } finally {
    spy.mockRestore();
  }
}

for (const family of FAMILIES) {
  describe(`the verdict: ${family.format}`, () => {
    let m: FamilyManifest;
    let catalog: Catalog;
    const at = (days: number): Judgement => cadenceOf({ asOf: m.asOf + days * DAY });

    it('an unchanged re-scan judges it again as of its own time: the report built from the records', async () => {
      m = await family.write(fresh(), 'defects');
      catalog = new Catalog(path.join(fresh(), 'catalog.sqlite'));
      const first = await rescan(catalog, m.root, at(0));
      expect(first.loaded).toBe(true);
      expect(first.o.checked?.verdict).toBeUndefined();
      for (const days of [0, 1, 400]) {
        const { o, loaded } = await rescan(catalog, m.root, at(days));
        expect(loaded, `as of +${days} days`).toBe(false);
        expect(o.checked?.verdict).toBeDefined();
        expect(o.chunks).toBe(first.o.chunks);
        const built = expectBuilt(catalog, o, at(days));
        // Judged at its own time: 400 days on, every series is stale.
        if (days === 400) expect(built.problems.some((p) => p.kind === 'stale')).toBe(true);
        // The drop's counts in the catalog are the report's.
        const row = catalog.drop(o.drop)!;
        expect([row.errors, row.warnings]).toEqual([built.summary.errors, built.summary.warnings]);
      }
    });

    it('is not used for an earlier as-of time, another schedule, another stamp or a damaged verdict', async () => {
      const cases: Array<[string, Judgement, () => void]> = [
        ['an earlier as-of time', at(-30), () => undefined],
        ['another cadence', cadenceOf({ asOf: m.asOf, cadenceSeconds: 3600 }), () => undefined],
        ['another stamp', at(0), () => catalog.db.prepare('UPDATE drop_verdicts SET chunks_rev = chunks_rev + 1').run()],
        ['a damaged body', at(0), () => catalog.db.prepare("UPDATE drop_verdicts SET body = substr(body, 1, 40)").run()],
      ];
      for (const [what, j, spoil] of cases) {
        // A verdict at the manifest's time first (the scan before made one under its own judgement).
        await rescan(catalog, m.root, at(0));
        spoil();
        const { o, loaded } = await rescan(catalog, m.root, j);
        expect(loaded, what).toBe(true);
        expect(o.checked?.verdict, what).toBeUndefined();
        expectBuilt(catalog, o, j);
        // The next scan under the same judgement has a verdict again.
        const again = await rescan(catalog, m.root, j);
        expect(again.loaded, `${what}, again`).toBe(false);
        expectBuilt(catalog, again.o, j);
      }
      catalog.close();
    });
  });
}

describe('the verdict of a drop with chunks dated ahead', () => {
  it('judges them again as the as-of time passes their dates', async () => {
    const m = await writeGimDrop(fresh(), { seed: 5, chunks: 6 });
    const newest = Math.max(...m.chunks.map((c) => c.createdTs));
    const catalog = new Catalog(path.join(fresh(), 'catalog.sqlite'));
    try {
      // Judged an hour before the newest chunk was made: it is dated ahead.
      const before = cadenceOf({ asOf: newest - 3600 });
      await rescan(catalog, m.root, before);
      const ahead = await rescan(catalog, m.root, before);
      expect(ahead.loaded).toBe(false);
      expect(expectBuilt(catalog, ahead.o, before).problems.filter((p) => p.kind === 'future-dated').map((p) => p.chunk)).toEqual([m.chunks.at(-1)!.name]);
      // A day after it was made, it is not.
      const after = cadenceOf({ asOf: newest + DAY });
      const passed = await rescan(catalog, m.root, after);
      expect(passed.loaded).toBe(false);
      expect(expectBuilt(catalog, passed.o, after).problems.some((p) => p.kind === 'future-dated')).toBe(false);
    } finally {
      catalog.close();
    }
  });
});
