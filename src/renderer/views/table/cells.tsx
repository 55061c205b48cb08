// How a cell's text is shown: exactly as decoded, with what would otherwise be invisible made
// visible (line breaks, tabs, control characters) and U+FFFD (bytes invalid in the encoding)
// marked. Time columns may be shown as UTC dates.
import type { ReactNode } from 'react';
import type { ColumnStats } from '../../../shared/table-api';
import { CHUNK_COLUMN } from '../../../shared/table-api';
import { formatUtc } from '../../format';

export type ColumnKind = 'number' | 'time' | 'text' | 'empty';

/** *_TS (UTC seconds) and *_DATE_TIME_KEY (UTC seconds of the interval) columns. */
export const TIME_NAME = /(_TS|_DATE_TIME_KEY)$/i;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^-?\d{1,12}$/;

export function isNumeric(v: string): boolean {
  return NUMBER.test(v);
}

/** A column's kind from the rows at hand (the first page): numbers, times, text, or all empty. */
export function inferKind(name: string, values: Iterable<string | undefined>): ColumnKind {
  let nonEmpty = 0;
  let numeric = true;
  for (const v of values) {
    if (v === undefined || v === '') continue;
    nonEmpty++;
    if (numeric && !NUMBER.test(v)) numeric = false;
  }
  if (name === CHUNK_COLUMN) return 'text';
  if (nonEmpty === 0) return 'empty';
  if (!numeric) return 'text';
  return TIME_NAME.test(name) ? 'time' : 'number';
}

export function kindFromStats(stats: ColumnStats): ColumnKind {
  return stats.kind;
}

/** A pin (no emoji font needed). */
export function PinIcon({ size = 11 }: { size?: number }) {
  return (
    <svg
      className="tg-pin-icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
    >
      <path
        d="M9.8 1.5 14.5 6.2l-1.4 1.4-.9-.3-2.6 2.6.3 2.9-1.4 1.4-2.6-2.6-3.3 3.3H1.5v-1.1l3.3-3.3-2.6-2.6 1.4-1.4 2.9.3 2.6-2.6-.3-.9z"
        fill="currentColor"
      />
    </svg>
  );
}

export const KIND_LABEL: Record<ColumnKind, string> = {
  number: '123',
  time: 'time',
  text: 'abc',
  empty: '∅',
};
export const KIND_TITLE: Record<ColumnKind, string> = {
  number: 'Numbers (sorted numerically)',
  time: 'Times (UTC seconds)',
  text: 'Text (sorted by code point)',
  empty: 'Empty in the rows read so far',
};

/**
 * UTC seconds as "2016-07-12 17:44:45"; null when the value is not whole seconds between
 * 1973 and 2103 (the engine's test for a time column), so a stray small number stays as it is.
 */
export function formatTimeValue(v: string): string | null {
  if (!INTEGER.test(v)) return null;
  const n = Number(v);
  if (n < 1e8 || n > 4.2e9) return null;
  return formatUtc(n);
}

// Characters shown as symbols: line breaks, tab, other C0 controls, DEL, U+FFFD.
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\u0000-\u001f\u007f\ufffd]/;
// eslint-disable-next-line no-control-regex
const SPECIAL_G = /\r\n|[\u0000-\u001f\u007f\ufffd]/g;

function symbolFor(s: string): { text: string; cls: string; title: string } {
  if (s === '\r\n') return { text: '↵', cls: 'tg-ctl', title: 'CR LF (line break)' };
  if (s === '\n') return { text: '↵', cls: 'tg-ctl', title: 'LF (line break)' };
  if (s === '\r') return { text: '␍', cls: 'tg-ctl', title: 'CR' };
  if (s === '\t') return { text: '⇥', cls: 'tg-ctl', title: 'Tab' };
  if (s === '\ufffd')
    return { text: '\ufffd', cls: 'tg-bad', title: 'U+FFFD: bytes invalid in this encoding' };
  const code = s.charCodeAt(0);
  const pic = code === 0x7f ? '␡' : String.fromCharCode(0x2400 + code);
  return { text: pic, cls: 'tg-ctl', title: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` };
}

export function hasSpecial(v: string): boolean {
  return SPECIAL.test(v);
}

/** The cell's text for the grid: one line, at most max characters, special characters as symbols. */
export function cellText(v: string, max = 400): ReactNode {
  const s = v.length > max ? v.slice(0, max) : v;
  const more = v.length > max ? <span key="more" className="tg-more">…</span> : null;
  if (!SPECIAL.test(s)) return more ? [s, more] : s;
  const out: ReactNode[] = [];
  let last = 0;
  let k = 0;
  for (const m of s.matchAll(SPECIAL_G)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    const sym = symbolFor(m[0]);
    out.push(
      <span key={k++} className={sym.cls} title={sym.title}>
        {sym.text}
      </span>,
    );
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  if (more) out.push(more);
  return out;
}

/**
 * The cell's text with the search hits marked (case-insensitive, as the search matches).
 * Cells holding special characters keep their symbols and are not marked inside.
 */
export function cellTextWithHits(v: string, needle: string | undefined, max = 400): ReactNode {
  if (!needle) return cellText(v, max);
  const s = v.length > max ? v.slice(0, max) : v;
  if (SPECIAL.test(s)) return cellText(v, max);
  const lower = s.toLowerCase();
  const n = needle.toLowerCase();
  let at = lower.indexOf(n);
  if (at < 0) return cellText(v, max);
  const out: ReactNode[] = [];
  let last = 0;
  let k = 0;
  while (at >= 0) {
    if (at > last) out.push(s.slice(last, at));
    out.push(
      <mark key={k++} className="tg-hit">
        {s.slice(at, at + n.length)}
      </mark>,
    );
    last = at + n.length;
    at = lower.indexOf(n, last);
  }
  if (last < s.length) out.push(s.slice(last));
  if (v.length > max) out.push(<span key="more" className="tg-more">…</span>);
  return out;
}

/** The whole value for the inspector: line breaks kept (and marked), tabs and controls shown. */
export function inspectorText(v: string): ReactNode {
  if (!SPECIAL.test(v)) return v;
  const out: ReactNode[] = [];
  let last = 0;
  let k = 0;
  for (const m of v.matchAll(SPECIAL_G)) {
    if (m.index > last) out.push(v.slice(last, m.index));
    const sym = symbolFor(m[0]);
    const lineBreak = m[0] === '\n' || m[0] === '\r\n' || m[0] === '\r';
    out.push(
      <span key={k++} className={sym.cls} title={sym.title}>
        {sym.text}
      </span>,
    );
    if (lineBreak) out.push('\n');
    last = m.index + m[0].length;
  }
  if (last < v.length) out.push(v.slice(last));
  return out;
}

/** Counts for the inspector: characters (code points), lines, U+FFFD. */
export function valueFacts(v: string): { chars: number; lines: number; invalid: number } {
  let chars = 0;
  let invalid = 0;
  for (const ch of v) {
    chars++;
    if (ch === '\ufffd') invalid++;
  }
  return { chars, lines: v === '' ? 0 : v.split(/\r\n|\n|\r/).length, invalid };
}

/** A default width for a column from its name and the values at hand. */
export function defaultWidth(name: string, values: Iterable<string | undefined>, kind: ColumnKind): number {
  let longest = name.length + 3;
  let n = 0;
  for (const v of values) {
    if (v === undefined) continue;
    const firstLine = v.length > 80 ? 80 : (v.split(/\r\n|\n|\r/, 1)[0]?.length ?? 0);
    if (firstLine > longest) longest = firstLine;
    if (++n > 200) break;
  }
  // Numbers further down may be longer than the first page's (row ids grow): room for 10 digits.
  if (kind === 'number') longest = Math.max(longest, 10);
  if (kind === 'time') longest = Math.max(longest, 19);
  return Math.round(Math.max(64, Math.min(340, longest * 7.6 + 22)));
}
