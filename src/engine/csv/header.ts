// Decodes the raw bytes of one DSV record (the header) into its fields, per RFC 4180 with
// the same lenient rules as the record counter (src/engine/csv/record-counter.ts), for any
// Dialect (delimiter, and quote or none):
// - a quote opens a quoted field only as the first byte of a field;
// - inside a quoted field a doubled quote is a literal quote and the field's quoted part ends
//   at a quote not followed by another; bytes after that closing quote, up to the next
//   delimiter, are kept as literal data (lenient);
// - a quote in the middle of an unquoted field is literal data;
// - delimiters, CR and LF inside quotes are data.
// Without a quote character every byte but the delimiter is data.
// The input is the record WITHOUT its terminator and without a BOM. Fields are decoded as
// UTF-8 (invalid sequences become U+FFFD). If the record ends inside a quoted field the
// field's content runs to the end of the input.
import { RFC4180, type Dialect } from '../../shared/family';

const LF = 0x0a;
const CR = 0x0d;

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * The dialect as the byte-level readers use it: delimiter byte, quote byte or -1. Throws a
 * RangeError for a dialect no reader here can follow (multi-byte or non-ASCII characters, CR
 * or LF, a quote equal to the delimiter).
 */
export function dialectBytes(d: Dialect): { delim: number; quote: number } {
  const one = (c: string, what: string): number => {
    const b = c.length === 1 ? c.charCodeAt(0) : -1;
    if (b < 0 || b > 0x7f || b === LF || b === CR)
      throw new RangeError(`invalid DSV ${what}: ${JSON.stringify(c)} (one ASCII character other than CR and LF)`);
    return b;
  };
  const delim = one(d.delimiter, 'delimiter');
  const quote = d.quote === null ? -1 : one(d.quote, 'quote');
  if (quote === delim) throw new RangeError(`invalid DSV dialect: the quote is the delimiter`);
  return { delim, quote };
}

export function decodeRecordFields(bytes: Uint8Array, dialect: Dialect = RFC4180): string[] {
  const { delim: delimiter, quote: QUOTE } = dialectBytes(dialect);
  const fields: string[] = [];
  const n = bytes.length;
  // Field content bytes, with quotes unescaped. At most n bytes.
  const out = new Uint8Array(n);
  let i = 0;
  for (;;) {
    // At the start of a field.
    let o = 0;
    if (i < n && bytes[i] === QUOTE) {
      i++;
      // Quoted part.
      while (i < n) {
        const c = bytes[i];
        if (c === QUOTE) {
          if (i + 1 < n && bytes[i + 1] === QUOTE) {
            out[o++] = QUOTE;
            i += 2;
            continue;
          }
          i++; // closing quote
          break;
        }
        out[o++] = c;
        i++;
      }
    }
    // Unquoted part (or the remainder after a closing quote): up to the next delimiter.
    while (i < n && bytes[i] !== delimiter) out[o++] = bytes[i++];
    fields.push(utf8.decode(out.subarray(0, o)));
    if (i >= n) break;
    i++; // skip the delimiter; a delimiter as the last byte means one more (empty) field
  }
  return fields;
}

/** Column names of a table whose dialect has no header: column_1 … column_n. */
export function syntheticColumns(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `column_${i + 1}`);
}
