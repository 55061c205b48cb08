// Parsing of the user-facing scan options shared by the CLI and the API.
import type { Judgement } from './checks/time';
import { EngineError } from './model';
import { parseDurationText } from '../shared/durations';
import { asOfSecondsOf } from '../shared/times';

/** "8h", "30m", "1d", "90s", "3/day" (runs a day), or plain seconds (src/shared/durations.ts). */
export function parseDuration(text: string): number {
  const secs = parseDurationText(text);
  if (secs !== null) return secs;
  if (/^\s*0+(\.0*)?\s*[a-z]*\s*$/i.test(text)) throw new EngineError('bad-request', `the duration "${text}" must be positive`);
  throw new EngineError('bad-request', `cannot read the duration "${text}" (use e.g. 8h, 30m, 1d or 3/day)`);
}

export function parseAsOf(text: string | undefined): number {
  if (text === undefined) return Math.floor(Date.now() / 1000);
  const seconds = asOfSecondsOf(text);
  if (seconds === null) throw new EngineError('bad-request', `cannot read the time "${text}" (use ISO 8601, e.g. 2026-11-24T22:00:00Z, or Unix seconds)`);
  return seconds;
}

/** The user's judgement options; cadence and grace left out are the family's (see checks/index.ts). */
export function cadenceOf(o: { cadenceSeconds?: number; graceSeconds?: number; asOf?: string | number; retentionSeconds?: number }): Judgement {
  return {
    ...(o.cadenceSeconds !== undefined ? { cadenceSeconds: o.cadenceSeconds } : {}),
    ...(o.graceSeconds !== undefined ? { graceSeconds: o.graceSeconds } : {}),
    ...(o.retentionSeconds !== undefined ? { retentionSeconds: o.retentionSeconds } : {}),
    asOf: typeof o.asOf === 'number' ? o.asOf : parseAsOf(o.asOf),
  };
}

/** Saved (or given) judgement settings, each field a valid value or null (the default). */
export function judgementOf(o: Record<string, unknown> | null): { cadenceSeconds: number | null; graceSeconds: number | null; asOf: string | null } {
  const secs = (v: unknown, zeroOk: boolean): number | null =>
    typeof v === 'number' && Number.isFinite(v) && (v > 0 || (zeroOk && v === 0)) ? v : null;
  return {
    cadenceSeconds: secs(o?.cadenceSeconds, false),
    graceSeconds: secs(o?.graceSeconds, true),
    asOf: typeof o?.asOf === 'string' && asOfSecondsOf(o.asOf) !== null ? o.asOf : null,
  };
}
