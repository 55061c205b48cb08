// UTC time formatting for the gap reports. Reports are read by people in other time
// zones than the drop's, so every time is UTC and says so.

/** Shown wherever a value is unknown. */
export const UNKNOWN = '—';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function dateOf(sec: number | null | undefined): Date | null {
  if (sec === null || sec === undefined || typeof sec !== 'number' || !Number.isFinite(sec)) return null;
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? null : d;
}

function ymdhms(d: Date, dateSep: string, between: string, timeSep: string): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${dateSep}${pad(d.getUTCMonth() + 1)}${dateSep}${pad(d.getUTCDate())}` +
    `${between}${pad(d.getUTCHours())}${timeSep}${pad(d.getUTCMinutes())}${timeSep}${pad(d.getUTCSeconds())}`
  );
}

/** UTC seconds → "2016-07-12 17:44:45 UTC"; "—" when unknown. */
export function formatTs(sec: number | null | undefined): string {
  const d = dateOf(sec);
  return d ? `${ymdhms(d, '-', ' ', ':')} UTC` : UNKNOWN;
}

/** UTC seconds → "2016-07-12 17:44:45" (no zone suffix: spreadsheets read it as a date); "" when unknown. */
export function formatTsPlain(sec: number | null | undefined): string {
  const d = dateOf(sec);
  return d ? ymdhms(d, '-', ' ', ':') : '';
}

/** An ISO timestamp (e.g. scannedAt) → "2026-11-24 22:00:00 UTC"; the text as given if it does not parse. */
export function formatIso(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return UNKNOWN;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return formatTs(ms / 1000);
}

/** An ISO timestamp → "20261124T220000Z" (for file names); null if it does not parse. */
export function compactStamp(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms);
  return `${ymdhms(d, '', 'T', '')}Z`;
}

/**
 * Seconds → a short human duration with at most two units: "1 d 4 h", "8 h 20 min",
 * "5 min 3 s", "42 s". The second unit is left out when it is zero ("2 d", "8 h").
 * Negative durations get a leading "-"; non-finite ones are "—".
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    return UNKNOWN;
  }
  const sign = seconds < 0 ? '-' : '';
  const total = Math.round(Math.abs(seconds));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (a: number, ua: string, b: number, ub: string): string => (b ? `${a} ${ua} ${b} ${ub}` : `${a} ${ua}`);
  if (d > 0) return sign + two(d, 'd', h, 'h');
  if (h > 0) return sign + two(h, 'h', m, 'min');
  if (m > 0) return sign + two(m, 'min', s, 's');
  return `${sign}${s} s`;
}

/** "from → to (duration)" for a time extent, with "—" for unknown ends. */
export function formatSpan(from: number | null | undefined, to: number | null | undefined): string {
  const a = formatTs(from);
  const b = formatTs(to);
  if (a === UNKNOWN && b === UNKNOWN) return UNKNOWN;
  const both = dateOf(from) !== null && dateOf(to) !== null;
  return both ? `${a} → ${b} (${formatDuration((to as number) - (from as number))})` : `${a} → ${b}`;
}
