// What a complete scan concluded about a drop's chunks, kept in the catalog beside them
// (drop_verdicts, migration 12) so that the next scan of the same files reports without
// loading them. Loading 3000 chunks' summaries and checking them again was ~110 ms of an
// unchanged re-scan's ~0.44 s, to find what was found last time: only the as-of time moved.
//
// A verdict holds the problems the as-of time does not change (and the chunks' own), the facts
// that judge the others at any later as-of time (checks/index.ts TimeFacts: each series' newest
// chunk, the chunks dated ahead, the family's timed checks' facts), and what the report's frame
// takes from the chunks (totals, order, extent, the entries file's key). It is derived data,
// never the truth: it names the chunks' stamp (catalog.ts chunksRev) it was made at, and a key
// of everything else it depends on (release, family, the schedule asked for, the walk's own
// problems); one that does not match in every one, or judges an as-of time before its own,
// is not used, and the scan loads and checks the chunks as before.
import { createHash } from 'node:crypto';
import type { Problem } from '../../shared/report';
import type { Catalog } from '../catalog/catalog';
import { MIGRATIONS } from '../catalog/migrations';
import { SUMMARY_FORMAT } from '../catalog/summary';
import { CHECKS_REVISION, judgeTime, type Checked, type FamilyChecks, type ResolvedJudgement, type TimeFacts } from '../checks/index';
import type { Keyed } from '../checks/order';
import type { Judgement } from '../checks/time';
import type { ChunkSummary } from '../model';
import { VERSION } from '../version';
import type { FrameTotals } from './build-report';

/** The layout of a verdict's body: bump it when Verdict changes (an older one is not read). */
const VERDICT_FORMAT = 1;

export interface Verdict {
  format: typeof VERDICT_FORMAT;
  /** The schedule the chunks were judged by (inferred from them, where it was), without the as-of time. */
  ctx: Omit<ResolvedJudgement, 'asOf'>;
  /** The drop-level problems the as-of time does not change, in checkDrop's order. */
  timeless: Problem[];
  /** The chunks' own problems, in their recorded order. */
  chunkProblems: Problem[];
  facts: TimeFacts;
  totals: FrameTotals;
  /** The chunks' names in report order (a problem's place in the report is its chunk's). */
  order: string[];
  /** The drop's extent on its axis (what `scan`'s summary prints): the least start and greatest end. */
  extent: { from: number | null; to: number | null };
  /** The key of the entries file holding these chunks' entries in this order (entries-file.ts), if there is one. */
  entries: string | null;
}

/**
 * Everything a verdict depends on besides the chunks (their stamp is kept apart): the
 * release, the checks' revision and the catalog's formats, the family, the schedule asked
 * for (the as-of time aside) and the problems of the walk (unreadable entries fold gaps
 * into them).
 */
export function verdictKey(family: string, j: Judgement, entries: Problem[]): string {
  const parts = [VERSION, VERDICT_FORMAT, CHECKS_REVISION, SUMMARY_FORMAT, MIGRATIONS.length, family, j.cadenceSeconds ?? null, j.graceSeconds ?? null, j.retentionSeconds ?? null, entries];
  return createHash('sha1').update(JSON.stringify(parts)).digest('base64url');
}

/** A verdict of checked chunks (checkDrop), `ordered` their continuity order. */
export function makeVerdict(summaries: ChunkSummary[], ordered: Keyed[], checked: Checked, totals: FrameTotals, entries: string | null): Verdict {
  const { asOf: _asOf, ...ctx } = checked.ctx;
  let from: number | null = null;
  let to: number | null = null;
  for (const { chunk: c } of ordered) {
    const f = c.requested?.from ?? c.coverage.from;
    const t = c.requested?.to ?? c.coverage.to;
    if (f !== null && (from === null || f < from)) from = f;
    if (t !== null && (to === null || t > to)) to = t;
  }
  return {
    format: VERDICT_FORMAT,
    ctx,
    timeless: checked.timeless,
    chunkProblems: summaries.flatMap((c) => c.problems),
    facts: checked.facts,
    totals,
    order: ordered.map((k) => k.chunk.name),
    extent: { from, to },
    entries,
  };
}

/**
 * The drop's kept verdict, when it was made at the chunks' stamp `rev` under `key` and judges
 * `asOf` (its facts hold from their own as-of time on); else null.
 */
export function keptVerdict(catalog: Catalog, dropId: number, key: string, rev: number, asOf: number): Verdict | null {
  const kept = catalog.verdict(dropId);
  if (!kept || kept.rev !== rev || kept.key !== key) return null;
  let v: Verdict;
  try {
    v = JSON.parse(kept.body) as Verdict;
  } catch {
    return null;
  }
  if (v?.format !== VERDICT_FORMAT || !(asOf >= v.facts.asOf)) return null;
  return v;
}

/** The drop-level problems of a verdict's chunks as of `j.asOf`: exactly dropProblems of them. */
export function judgedAgain(v: Verdict, family: FamilyChecks, j: Judgement): Problem[] {
  return [...v.timeless, ...judgeTime(v.facts, family, { ...v.ctx, asOf: j.asOf })];
}
