// A request ZIP's name against its statistics: a name whose window is not the one the stats
// file says was requested (or exported) is a name-mismatch warning. Names are not documented
// (seed 004), but a loader that picks files by their names would load the wrong window, and
// two ZIPs' contents swapped under their names scanned clean. A name without an offset may
// be the stats' local time written without it: either reading of it agrees.
import type { Extent } from '../../../shared/family';
import type { ChunkInspection } from '../types';
import type { Add } from './judge';

const when = (ts: number | null): string =>
  ts === null ? '?' : new Date(ts * 1000).toISOString().slice(0, 16).replace('T', ' ');

export function judgeNameWindow(name: Extent | undefined, out: ChunkInspection, add: Add): void {
  const requested = out.requested;
  if (!name || !requested || name.from === null || name.to === null) return;
  const { from, to } = name;
  const offset = ((out.attributes.tzOffsetMinutes as number | null | undefined) ?? 0) * 60;
  const agrees = (e: Extent | null | undefined): boolean =>
    !!e &&
    e.from !== null &&
    e.to !== null &&
    ((e.from === from && e.to === to) || (e.from + offset === from && e.to + offset === to));
  const exported = out.coverage && out.coverage.source !== 'name' ? out.coverage : null;
  if (agrees(requested) || agrees(exported)) return;
  add(
    'name-mismatch',
    `the name says ${when(name.from)} – ${when(name.to)} UTC, but its statistics requested ${String(out.attributes.requestedRange ?? `${when(requested.from)} – ${when(requested.to)} UTC`)}`,
    null,
    {
      nameFromTs: name.from,
      nameToTs: name.to,
      requestedFromTs: requested.from,
      requestedToTs: requested.to,
    },
  );
}
