// Durations as people type them, shared by the CLI (--cadence, --grace) and the app's
// judgement settings, so both read "8h", "30m", "1d", "90s", "3/day" the same way.

/** "8h", "30m", "1d", "90s", "3/day" (runs a day), or plain seconds → seconds; null if unreadable or not positive. */
export function parseDurationText(text: string): number | null {
  const t = text.trim().toLowerCase();
  const perDay = /^(\d+(?:\.\d+)?)\s*\/\s*(?:day|d)$/.exec(t);
  if (perDay && +perDay[1] > 0) return Math.round(86400 / +perDay[1]);
  const m = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d|day|days|w)?$/.exec(t);
  if (!m) return null;
  const unit = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, day: 86400, days: 86400, w: 604800 }[m[2] ?? 's']!;
  const secs = Math.round(+m[1] * unit);
  return secs > 0 ? secs : null;
}

/** Seconds → the shortest text parseDurationText reads back: 28800 → "8h", 5400 → "90m". */
export function durationText(seconds: number): string {
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= n && seconds % n === 0) return `${seconds / n}${unit}`;
  }
  return `${seconds}s`;
}
