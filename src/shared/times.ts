// Times as people type them, read as UTC unless they name a zone: what the app's Judgement
// panel takes for "as of" and what a filter on a time column of Unix seconds compares with.
// Plain TypeScript: the engine and the renderer both import it.

/** YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]] in UTC, or with Z or an offset: its Unix seconds; else null. */
export function utcSecondsOf(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(v);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec) / 1000 + (frac ? Number(frac) : 0);
  // Date.UTC rolls 2016-02-30 over into March: a date that does not exist is no date.
  const back = new Date(Math.floor(local) * 1000);
  if (back.getUTCFullYear() !== +y || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59 || +sec > 59) return null;
  if (!zone || zone.toUpperCase() === 'Z') return local;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return local - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
}

/**
 * A time as a person gives one for "as of" (the CLI's --as-of, the Judgement panel): Unix
 * seconds, a date or date-time read as UTC unless it names a zone (utcSecondsOf), or any
 * other form Date.parse reads (RFC 2822 with a zone, "…GMT"); its Unix seconds, else null.
 * A zoneless time was read in the machine's zone by the CLI and as UTC by the app: the
 * report speaks UTC, so both read it so.
 */
export function asOfSecondsOf(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  if (/^\d+$/.test(t)) return Number(t);
  const utc = utcSecondsOf(t);
  if (utc !== null) return Math.floor(utc);
  // An ISO-looking text utcSecondsOf refused is no time: Date.parse makes 2017-02-30 March 2nd.
  if (/^\d{4}-\d{2}/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
