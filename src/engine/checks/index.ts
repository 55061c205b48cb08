// All cross-chunk checks over the catalog's records: the generic ones on the family's axis,
// then the family's own. Pure functions of the records and the judgement (cadence, as-of),
// so a report re-judges time without re-reading anything.
import type { CadenceSource, Problem } from '../../shared/report';
import type { CheckContext, DropAdapter } from '../formats/types';
import type { ChunkSummary } from '../model';
import { continuityProblems } from './continuity';
import { declaredCountProblems } from './declared-counts';
import { foldGapsIntoUnreadable } from './entries';
import { futureCandidates, futureDatedProblems, type ChunkDates } from './future';
import { continuityOrder, type Keyed } from './order';
import { schemaProblems } from './schema';
import { inferCadence, lateProblems, regularCadence, newestOfSeries, staleProblems, DEFAULT_CADENCE_SECONDS, type Judgement, type NewestChunk } from './time';

/**
 * The checks' own revision: bump it when they find other problems in the same chunks, so a
 * verdict kept by an older release is judged again (report/verdict.ts verdictKey), not shown
 * as it was. 2: an Info Mart drop on a regular schedule of its own is judged by it. 3: a
 * daily table's volume is judged from its fourth day on, not its fifth. 4: a schedule
 * inferred from the chunks (bulk exports, account extracts) is to the minute. 5: late and
 * stale say their spans as the report does ("6 h", not "6 h 0 min").
 */
export const CHECKS_REVISION = 5;

/** What the checks need of a family. */
export type FamilyChecks = Pick<DropAdapter, 'axis' | 'cadence' | 'checks' | 'timedChecks'>;

/** Two schedules within a quarter of each other: the drop runs on the family's default, with the usual drift. */
function nearly(a: number, b: number): boolean {
  return Math.abs(a - b) <= 0.25 * b;
}

/**
 * The schedule in force: the user's, else the family's (or, for an adjustable default, the
 * one the drop regularly keeps instead), else inferred from the chunks.
 */
export function resolveJudgement(family: FamilyChecks, ordered: Keyed[], j: Judgement): CheckContext & { cadenceSource: CadenceSource } {
  let cadenceSeconds = j.cadenceSeconds;
  let source: CadenceSource = 'given';
  let graceSeconds = j.graceSeconds;
  if (cadenceSeconds === undefined) {
    const fixed = family.cadence === 'infer' ? null : family.cadence;
    // A daily Info Mart export judged by the 8-hour default had every chunk "late".
    const own = fixed?.adjustable ? regularCadence(ordered) : null;
    if (fixed && (own === null || nearly(own, fixed.cadenceSeconds))) {
      cadenceSeconds = fixed.cadenceSeconds;
      graceSeconds ??= fixed.graceSeconds;
      source = 'family';
    } else {
      const inferred = own ?? inferCadence(ordered);
      cadenceSeconds = inferred ?? DEFAULT_CADENCE_SECONDS;
      source = inferred ? 'inferred' : 'default';
    }
  }
  // Half a period of slack: a run delayed by a long export is not yet "late".
  graceSeconds ??= Math.round(cadenceSeconds / 2);
  return {
    axis: family.axis,
    cadenceSeconds,
    graceSeconds,
    asOf: j.asOf,
    cadenceSource: source,
    ...(j.retentionSeconds !== undefined ? { retentionSeconds: j.retentionSeconds } : {}),
  };
}

/** The schedule a drop's chunks were judged by (resolveJudgement). */
export type ResolvedJudgement = ReturnType<typeof resolveJudgement>;

/**
 * What the as-of time judges, gathered from the chunks: each series' newest chunk (stale),
 * the chunks dated after `asOf` (future-dated), and each timed family check's facts by id.
 * Valid for any as-of time from `asOf` on.
 */
export interface TimeFacts {
  asOf: number;
  newest: NewestChunk[];
  future: ChunkDates[];
  family: Record<string, unknown>;
}

/**
 * A drop's chunks checked: the problems the as-of time does not change (`timeless`, in their
 * order), and the facts that judge the others (judgeTime). Together, exactly dropProblems.
 */
export interface Checked {
  timeless: Problem[];
  facts: TimeFacts;
  ctx: ResolvedJudgement;
}

/**
 * `entries`: the walk's problems (entryProblems); unreadable ones explain breaks in the extents.
 * `ordered`: the chunks' continuityOrder, when the caller has it (a scan sorts once for its
 * checks and its report).
 */
export function checkDrop(
  chunks: ChunkSummary[],
  family: FamilyChecks,
  j: Judgement,
  entries: Problem[] = [],
  ordered: Keyed[] = continuityOrder(chunks, family.axis),
): Checked {
  const ctx = resolveJudgement(family, ordered, j);
  const { asOf: _asOf, ...timeless } = ctx;
  const inOrder = ordered.map((k) => k.chunk);
  const continuity = continuityProblems(ordered, ctx);
  const problems = foldGapsIntoUnreadable(
    [
      ...continuity,
      ...schemaProblems(ordered),
      ...declaredCountProblems(inOrder),
      ...withoutSilencesOfGaps(lateProblems(ordered, ctx), continuity, family.axis),
      ...(family.checks ?? []).flatMap((check) => check(inOrder, timeless)),
    ],
    entries,
  );
  const facts: TimeFacts = {
    asOf: j.asOf,
    newest: newestOfSeries(ordered),
    future: futureCandidates(inOrder, j.asOf),
    family: Object.fromEntries((family.timedChecks ?? []).map((c) => [c.id, c.facts(inOrder, timeless)])),
  };
  return { timeless: problems, facts, ctx };
}

/** The problems the as-of time judges (stale, future-dated, the family's timed checks), from their facts. */
export function judgeTime(facts: TimeFacts, family: FamilyChecks, ctx: CheckContext): Problem[] {
  return [
    ...staleProblems(facts.newest, ctx),
    ...futureDatedProblems(facts.future, ctx),
    ...(family.timedChecks ?? []).flatMap((c) => (c.id in facts.family ? c.judge(facts.family[c.id], ctx) : [])),
  ];
}

/** Every cross-chunk problem of the drop as of `j.asOf`: checkDrop's timeless ones, then judgeTime's. */
export function dropProblems(
  chunks: ChunkSummary[],
  family: FamilyChecks,
  j: Judgement,
  entries: Problem[] = [],
  ordered: Keyed[] = continuityOrder(chunks, family.axis),
): Problem[] {
  const checked = checkDrop(chunks, family, j, entries, ordered);
  return [...checked.timeless, ...judgeTime(checked.facts, family, checked.ctx)];
}

/**
 * The drop-level problems that hold while a scan is still recording chunks: those of one
 * chunk at a time (declared counts, future dates) and of the drop's entries. Gaps, order,
 * lateness, schema and volume compare chunks with one another, and chunks not recorded yet
 * would make false alarms of them: a cold scan records the biggest chunks first, so an
 * interim report of a whole drop showed "missing" days between them.
 */
export function interimProblems(chunks: ChunkSummary[], family: FamilyChecks, j: Judgement, entries: Problem[] = [], ordered: Keyed[] = continuityOrder(chunks, family.axis)): Problem[] {
  const ctx = resolveJudgement(family, ordered, j);
  const inOrder = ordered.map((k) => k.chunk);
  return foldGapsIntoUnreadable([...declaredCountProblems(inOrder), ...futureDatedProblems(inOrder, ctx)], entries);
}

/**
 * On a time-range axis (bulk exports) the silence between two requests around a missing
 * window is that window: the gap says it, with the times, as an error; a late warning on the
 * same pair would report it twice. On an audit-key axis a silence is a fact of its own (keys
 * may be continuous while the exports stopped), so both stay.
 */
function withoutSilencesOfGaps(time: Problem[], continuity: Problem[], axis: FamilyChecks['axis']): Problem[] {
  if (axis !== 'time-range') return time;
  const gaps = new Set(continuity.filter((p) => p.kind === 'gap').map((p) => `${p.previous ?? ''}\u0000${p.chunk ?? ''}`));
  return time.filter((p) => p.kind !== 'late' || !gaps.has(`${p.previous ?? ''}\u0000${p.chunk ?? ''}`));
}
