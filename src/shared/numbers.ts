// Counts as people read them in messages and summaries: 1234567 → "1,234,567".
// Not Number#toLocaleString: its first call loads ICU's number formatting, ~80 ms of a
// process start that a re-scan otherwise finishes in ~0.2 s; the text is the same ('en-US').

/** An integer (or any finite number, rounded) with comma thousands separators. */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const r = Math.round(n);
  const digits = String(Math.abs(r));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return r < 0 ? `-${out}` : out;
}
