// All cross-chunk checks over the catalog's records: the generic ones on the family's axis,
// then the family's own. Pure functions of the records and the judgement (cadence, as-of),
// so a report re-judges time without re-reading anything.
import type { Problem } from '../../shared/report';
import type { CheckContext, DropAdapter } from '../formats/types';
import type { ChunkSummary } from '../model';
import { continuityProblems } from './continuity';
import { declaredCountProblems } from './declared-counts';
import { foldGapsIntoUnreadable } from './entries';
import { futureDatedProblems } from './future';
import { continuityOrder, type Keyed } from './order';
import { schemaProblems } from './schema';
import { inferCadence, timeProblems, DEFAULT_CADENCE_SECONDS, type Judgement } from './time';

/** What the checks need of a family. */
export type FamilyChecks = Pick<DropAdapter, 'axis' | 'cadence' | 'checks'>;

/** The schedule in force: the user's, else the family's, else inferred from the chunks. */
export function resolveJudgement(family: FamilyChecks, ordered: Keyed[], j: Judgement): CheckContext & { cadenceSource: 'given' | 'family' | 'inferred' | 'default' } {
  let cadenceSeconds = j.cadenceSeconds;
  let source: 'given' | 'family' | 'inferred' | 'default' = 'given';
  let graceSeconds = j.graceSeconds;
  if (cadenceSeconds === undefined) {
    if (family.cadence !== 'infer') {
      cadenceSeconds = family.cadence.cadenceSeconds;
      graceSeconds ??= family.cadence.graceSeconds;
      source = 'family';
    } else {
      const inferred = inferCadence(ordered);
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

/**
 * `entries`: the walk's problems (entryProblems); unreadable ones explain breaks in the extents.
 * `ordered`: the chunks' continuityOrder, when the caller has it (a scan sorts once for its
 * checks and its report).
 */
export function dropProblems(
  chunks: ChunkSummary[],
  family: FamilyChecks,
  j: Judgement,
  entries: Problem[] = [],
  ordered: Keyed[] = continuityOrder(chunks, family.axis),
): Problem[] {
  const ctx = resolveJudgement(family, ordered, j);
  const inOrder = ordered.map((k) => k.chunk);
  const continuity = continuityProblems(ordered, ctx);
  return foldGapsIntoUnreadable(
    [
      ...continuity,
      ...schemaProblems(ordered),
      ...declaredCountProblems(inOrder),
      ...withoutSilencesOfGaps(timeProblems(ordered, ctx), continuity, family.axis),
      ...futureDatedProblems(inOrder, ctx),
      ...(family.checks ?? []).flatMap((check) => check(inOrder, ctx)),
    ],
    entries,
  );
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
