// Dialect detection: which delimiter (',' ';' '|' tab), quote ('"', "'", or none) and
// whether a header is present, judged from a file's first records (a sample of its decoded
// bytes). Each part the user fixed (--delimiter, --no-header, the table browser) is taken as
// given and only the rest is detected.
//
// How:
// - Delimiter and quote: every candidate pair parses the sample's whole records (a record
//   cut by the sample's end is dropped); the pair whose records most often have the same
//   field count, with that count above 1, wins (ties: more fields, then the order above). A
//   file of one column has no delimiter to find: ',' and '"' (RFC 4180).
// - Header: a flattened file may have none (seed 002's example starts with data). The first
//   record is a header unless one of its fields is empty, repeated, a number, a date or a
//   long token; and when another column's first value has the shape of its data (numbers
//   under a number) while ... it is data. Ambiguous: header (the RFC 4180 default).
import { RFC4180, type Dialect } from '../../shared/family';
import { RecordParser } from '../tables/csv-cells';

export const DELIMITERS = [',', ';', '|', '\t'] as const;
const QUOTES: Array<string | null> = ['"', null, "'"];

/** Bytes of a file's start that detection reads (the caller passes at most this much). */
export const DIALECT_SAMPLE_BYTES = 64 * 1024;
/** Records detection looks at. */
const MAX_RECORDS = 100;

export interface DetectedDialect {
  dialect: Dialect;
  /** What was detected (the rest was given). */
  detected: { delimiter: boolean; quote: boolean; header: boolean };
  /** For people: why, in a few words. */
  evidence: string;
}

/** Records of the sample in a dialect (header or not: all records, as cells). */
function records(sample: Uint8Array, d: Dialect, complete: boolean): string[][] {
  const out: string[][] = [];
  const p = new RecordParser(
    (cells) => {
      out.push(cells);
      return out.length < MAX_RECORDS + 1;
    },
    { dialect: { ...d, header: false } },
  );
  p.push(sample);
  if (complete) p.finish();
  // Without the file's end, the last record may be cut: only records followed by a terminator count.
  return out.slice(0, MAX_RECORDS);
}

interface Score {
  consistency: number;
  fields: number;
}

function score(recs: string[][]): Score {
  if (recs.length === 0) return { consistency: 0, fields: 0 };
  const counts = new Map<number, number>();
  for (const r of recs) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let fields = 0;
  let best = 0;
  for (const [f, n] of counts) if (n > best || (n === best && f > fields)) [fields, best] = [f, n];
  return { consistency: best / recs.length, fields };
}

const NUMBER = /^[-+]?(\d+([.,]\d+)?|\d{1,3}([.,]\d{3})+([.,]\d+)?)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const NAME = /^[\p{L}_][\p{L}\p{N}_.\- #()/]*$/u;

type Shape = 'empty' | 'number' | 'date' | 'text';
const shapeOf = (v: string): Shape =>
  v.trim() === '' ? 'empty' : NUMBER.test(v.trim()) ? 'number' : DATE.test(v.trim()) ? 'date' : 'text';

/** Is the first record a header? With the reason. */
function headerOf(recs: string[][]): { header: boolean; why: string } {
  const first = recs[0];
  if (!first) return { header: true, why: 'empty sample' };
  if (first.some((v) => v.trim() === '')) return { header: false, why: 'the first record has an empty field' };
  if (new Set(first).size !== first.length) return { header: false, why: 'the first record repeats a value' };
  const bad = first.find((v) => shapeOf(v) !== 'text' || v.length > 64 || !NAME.test(v.trim()));
  if (bad !== undefined)
    return { header: false, why: `the first record holds ${JSON.stringify(bad.slice(0, 40))}, not a column name` };
  const rest = recs.slice(1).filter((r) => r.length === first.length);
  if (rest.length === 0) return { header: true, why: 'a record of names' };
  // A column whose data is mostly numbers, dates or empty under a name: a header.
  for (let c = 0; c < first.length; c++) {
    const shapes = rest.map((r) => shapeOf(r[c]));
    const typed = shapes.filter((s) => s !== 'text').length;
    if (typed / shapes.length >= 0.5) return { header: true, why: `names over ${shapes[0]} data` };
  }
  // All text: the first record's values recur below (data), or do not (names).
  for (let c = 0; c < first.length; c++) {
    if (rest.some((r) => r[c] === first[c])) return { header: false, why: `${JSON.stringify(first[c])} recurs in its column` };
  }
  return { header: true, why: 'a record of names' };
}

/**
 * Detects the dialect of a file from its first bytes. `complete`: the sample is the whole
 * file (its last record is whole even without a terminator). `given`: parts fixed by the user.
 */
export function detectDialect(
  sample: Uint8Array,
  given: Partial<Dialect> = {},
  complete = false,
): DetectedDialect {
  let s = sample;
  if (s.length >= 3 && s[0] === 0xef && s[1] === 0xbb && s[2] === 0xbf) s = s.subarray(3);
  const delims = given.delimiter !== undefined ? [given.delimiter] : [...DELIMITERS];
  const quotes = given.quote !== undefined ? [given.quote] : QUOTES;
  let best: { d: Dialect; sc: Score; recs: string[][] } | null = null;
  for (const delimiter of delims) {
    for (const quote of quotes) {
      if (quote === delimiter) continue;
      const d: Dialect = { delimiter, quote, header: false };
      let recs: string[][];
      try {
        recs = records(s, d, complete);
      } catch {
        continue; // a dialect the readers cannot follow (given by the user: reported by them)
      }
      const sc = score(recs);
      const better =
        !best ||
        (sc.fields > 1 && best.sc.fields <= 1) ||
        (sc.fields > 1 === best.sc.fields > 1 &&
          (sc.consistency > best.sc.consistency + 1e-9 ||
            (Math.abs(sc.consistency - best.sc.consistency) <= 1e-9 && sc.fields > best.sc.fields)));
      if (better) best = { d, sc, recs };
    }
  }
  let dialect: Dialect;
  let recs: string[][] = [];
  let evidence: string;
  if (!best || best.sc.fields <= 1) {
    dialect = { ...RFC4180, ...pick(given, ['delimiter', 'quote']) };
    evidence = 'one column';
    if (best && given.delimiter !== undefined) recs = best.recs;
  } else {
    dialect = best.d;
    recs = best.recs;
    evidence = `${Math.round(best.sc.consistency * 100)}% of ${recs.length} records with ${best.sc.fields} fields`;
  }
  let header: boolean;
  if (given.header !== undefined) header = given.header;
  else {
    const h = headerOf(recs);
    header = h.header;
    evidence += `; ${h.header ? 'header' : 'no header'}: ${h.why}`;
  }
  return {
    dialect: { delimiter: dialect.delimiter, quote: dialect.quote, header },
    detected: {
      delimiter: given.delimiter === undefined,
      quote: given.quote === undefined,
      header: given.header === undefined,
    },
    evidence,
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
