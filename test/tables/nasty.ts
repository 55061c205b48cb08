// Generated nasty CSV for the table tests: quoted delimiters, doubled quotes, CR / LF / CRLF
// inside fields, multi-byte text, empty cells.
import { Rng } from '../fixtures/prng';

/** RFC 4180 writer: quotes a field when it must (or always). */
export function writeCsv(
  rows: string[][],
  opts: { eol?: string; bom?: boolean; quoteAll?: boolean } = {},
): string {
  const eol = opts.eol ?? '\n';
  const f = (s: string): string => (opts.quoteAll || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return (opts.bom ? '\uFEFF' : '') + rows.map((r) => r.map(f).join(',')).join(eol) + eol;
}

const PIECES = [
  'a',
  'bc',
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  ' ',
  'é',
  '中文',
  '😀',
  '\t',
  'x"y',
  '1.5',
  '',
];

/** A table of nasty but well-formed cells (the header too). */
export function nastyRows(seed: number, rows: number, cols: number): string[][] {
  const r = new Rng(seed);
  const cell = (): string => {
    const n = r.int(0, 4);
    let s: string = '';
    for (let i = 0; i < n; i++) s += r.pick(PIECES);
    return s;
  };
  const header = Array.from({ length: cols }, (_, i) =>
    i === 0 ? 'ID' : `C${i}${r.chance(0.3) ? ' "q",x' : ''}`,
  );
  const out = [header];
  for (let i = 0; i < rows; i++) {
    const row: string[] = Array.from({ length: cols }, cell);
    // A record of one empty field would be an empty line: keep records non-empty.
    if (!row.some((c) => c !== '')) row[0] = `r${i}`;
    out.push(row);
  }
  return out;
}
