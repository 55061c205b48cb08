// Decodes the raw bytes of one CSV record (the header) into its fields, per RFC 4180 with
// the same lenient rules as the record counter (src/engine/csv/record-counter.ts):
// - a quote opens a quoted field only as the first byte of a field;
// - inside a quoted field `""` is a literal quote and the field's quoted part ends at a `"`
//   not followed by another `"`; bytes after that closing quote, up to the next delimiter,
//   are kept as literal data (lenient);
// - a quote in the middle of an unquoted field is literal data;
// - delimiters, CR and LF inside quotes are data.
// The input is the record WITHOUT its terminator and without a BOM. Fields are decoded as
// UTF-8 (invalid sequences become U+FFFD). If the record ends inside a quoted field the
// field's content runs to the end of the input.

const QUOTE = 0x22;

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function decodeRecordFields(bytes: Uint8Array, delimiter = 0x2c): string[] {
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
