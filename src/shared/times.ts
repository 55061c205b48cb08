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
