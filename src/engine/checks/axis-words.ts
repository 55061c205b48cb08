// How each axis speaks of a range, so that messages say keys, times, days or runs — never
// "audit keys" for a time window.
import type { AxisKind } from '../../shared/family';
import { formatDuration, formatTs } from '../report/format-time';

const DAY = 86_400;

function day(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 10);
}

/** "audit keys 10..20", "2026-11-23 10:00:00 UTC – 2026-11-23 12:00:00 UTC (2 h)", "2026-11-24 (1 day)". */
export function rangeWords(axis: AxisKind, from: number | null, to: number | null): string {
  const f = from ?? null;
  const t = to ?? null;
  switch (axis) {
    case 'audit-key':
      return `audit keys ${f ?? '?'}..${t ?? '?'}`;
    case 'run-date': {
      if (f === null || t === null) return `days ${f === null ? '?' : day(f)}..${t === null ? '?' : day(t - DAY)}`;
      const n = Math.round((t - f) / DAY);
      return n <= 1 ? `the day ${day(f)}` : `the ${n} days ${day(f)} to ${day(t - DAY)}`;
    }
    default:
      return `${formatTs(f)} – ${formatTs(t)}${f !== null && t !== null ? ` (${formatDuration(t - f)})` : ''}`;
  }
}

/** What a chunk is called on the axis, for messages: "export", "request", "dump", "run". */
export const CHUNK_WORD: Record<AxisKind, string> = {
  'audit-key': 'export',
  'time-range': 'request',
  'run-date': 'dump',
  'run-time': 'run',
};

/** A point on the axis: "audit key 42", "2026-11-23 10:00:00 UTC", "2026-11-23". */
export function pointWords(axis: AxisKind, v: number | null): string {
  if (v === null) return '?';
  if (axis === 'audit-key') return `audit key ${v}`;
  if (axis === 'run-date') return day(v);
  return formatTs(v);
}
