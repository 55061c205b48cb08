// Confirmation files (seed 002: "a file confirming the number of data records
// transferred"): the record count, whatever the label around it — a bare number, "records:
// 12,345", "count=12345", "accounts_delta_20251124T0200.csv.gz|12345", JSON {"count": 12345}.
// File names and timestamps in the text are not the count; a number after a count-like
// label wins; otherwise the text must hold exactly one number.

const LABELLED = /\b(?:record[\s_-]*count|row[\s_-]*count|count|records?|rows?|total|lines?|number[\s_-]*of[\s_-]*records)\b["'\s]*[:=|,;\t ]\s*["']?(\d{1,3}(?:[,'. ]\d{3})+|\d+)\b/i;
const NUMBER = /\d{1,3}(?:[,'. ]\d{3})+(?!\d)|\d+/g;

export interface DeclaredCount {
  count: number | null;
  /** Why no count could be read. */
  error: string | null;
}

export function parseCountFile(text: string): DeclaredCount {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t === '') return { count: null, error: 'the confirmation file is empty' };
  // Control bytes other than whitespace: not a text file.
  if ([...t].some((ch) => ch.charCodeAt(0) < 0x20 && !'\t\n\r\f\v'.includes(ch))) return { count: null, error: 'the confirmation file is not text' };
  const num = (s: string): number => Number(s.replace(/[,'. ]/g, ''));
  const m = LABELLED.exec(t);
  if (m) return { count: num(m[1]), error: null };
  // Strip file names and run timestamps: their digits are not the count.
  const cleaned = t
    .replace(/\S+\.[A-Za-z][A-Za-z0-9]{0,7}\b/g, ' ')
    .replace(/\d{4}-?\d{2}-?\d{2}[T ]\d{2}:?\d{2}(:?\d{2})?(\.\d+)?Z?/g, ' ');
  const all = cleaned.match(NUMBER) ?? [];
  if (all.length === 1) return { count: num(all[0]), error: null };
  if (all.length === 0) return { count: null, error: `no record count in ${JSON.stringify(t.slice(0, 60))}` };
  return { count: null, error: `more than one number and no label in ${JSON.stringify(t.slice(0, 60))}` };
}
