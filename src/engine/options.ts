// Parsing of the user-facing scan options shared by the CLI and the API.
import type { Judgement } from './checks/time';
import { EngineError } from './model';

/** "8h", "30m", "1d", "90s", "3/day" (runs a day), or plain seconds. */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  const perDay = /^(\d+(?:\.\d+)?)\s*\/\s*(?:day|d)$/.exec(t);
  if (perDay && +perDay[1] > 0) return Math.round(86400 / +perDay[1]);
  const m = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d|day|days|w)?$/.exec(t);
  if (!m) throw new EngineError('bad-request', `cannot read the duration "${text}" (use e.g. 8h, 30m, 1d or 3/day)`);
  const unit = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, day: 86400, days: 86400, w: 604800 }[m[2] ?? 's']!;
  const secs = Math.round(+m[1] * unit);
  if (secs <= 0) throw new EngineError('bad-request', `the duration "${text}" must be positive`);
  return secs;
}

export function parseAsOf(text: string | undefined): number {
  if (text === undefined) return Math.floor(Date.now() / 1000);
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (Number.isNaN(ms)) throw new EngineError('bad-request', `cannot read the time "${text}" (use ISO 8601, e.g. 2026-11-24T22:00:00Z, or Unix seconds)`);
  return Math.floor(ms / 1000);
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
