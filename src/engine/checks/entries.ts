// Problems about the drop's entries themselves, from the walk: folders or entries that cannot
// be read, links leading outside the drop (not followed), FIFOs and devices (never opened).
// An unreadable entry may hold chunks, so a break in the keys is not called missing while
// one exists: the break is told on the entry ("possibly in the unreadable folder X").
import { SEVERITY_OF, type Problem } from '../../shared/report';
import type { WalkResult } from '../fs/walk';

export function entryProblems(walk: Pick<WalkResult, 'unreadable' | 'outsideLinks' | 'special'>): Problem[] {
  const problems: Problem[] = [];
  for (const u of walk.unreadable) {
    const what = u.kind === 'folder' ? 'folder' : 'entry';
    problems.push({
      kind: 'unreadable-entry',
      severity: SEVERITY_OF['unreadable-entry'],
      chunk: null,
      table: null,
      message: `the ${what} ${u.rel} cannot be read (${u.error}): any chunk in it is not checked`,
      detail: { path: u.rel, reason: u.error, ...(u.code ? { code: u.code } : {}), entry: what },
    });
  }
  for (const l of walk.outsideLinks) {
    problems.push({
      kind: 'link-not-followed',
      severity: SEVERITY_OF['link-not-followed'],
      chunk: null,
      table: null,
      message: `${l.rel} is a link to ${l.target}, outside the drop: not followed (--follow-links to follow it)`,
      detail: { path: l.rel, target: l.target },
    });
  }
  for (const s of walk.special) {
    problems.push({
      kind: 'unexpected-file',
      severity: SEVERITY_OF['unexpected-file'],
      chunk: null,
      table: null,
      message: `${s.rel} is a ${s.type}, not a file: never opened`,
      detail: { path: s.rel, type: s.type },
    });
  }
  return problems;
}

/**
 * Breaks in the keys that an unreadable entry could explain are not reported as gaps: each
 * is told on the unreadable entries instead, which stay errors.
 */
export function foldGapsIntoUnreadable(problems: Problem[], entries: Problem[]): Problem[] {
  const unreadable = entries.filter((p) => p.kind === 'unreadable-entry');
  if (!unreadable.length) return [...problems, ...entries];
  const gaps = problems.filter((p) => p.kind === 'gap');
  if (!gaps.length) return [...problems, ...entries];
  const ranges = gaps.map((g) => ({
    fromKey: g.detail?.fromKey ?? null,
    toKey: g.detail?.toKey ?? null,
    chunk: g.chunk,
    previous: g.previous ?? null,
  }));
  const where = unreadable.map((u) => String(u.detail?.path ?? '')).join(', ');
  const told = unreadable.map((u) => ({
    ...u,
    message: `${u.message}; audit keys ${ranges.map((r) => `${r.fromKey}..${r.toKey}`).join(', ')} are in no readable chunk: possibly in the unreadable ${unreadable.length === 1 ? `${u.detail?.entry ?? 'folder'} ${where}` : `entries ${where}`}`,
    detail: { ...u.detail, possibleGaps: ranges },
  }));
  return [...problems.filter((p) => p.kind !== 'gap'), ...told];
}
