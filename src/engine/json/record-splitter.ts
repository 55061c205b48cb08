// Cuts a JSON extract's byte stream into records (JsonRecordCounter in records.ts counts them,
// the table browser reads them): JSON lines by indexOf, a JSON array by a small tokenizer
// (strings, escapes and nesting depth). Separate from the counter because the table browser
// uses the splitter without it; a record's bytes are copied only when they span chunks.
//
// - jsonl: one value per line; blank lines are not records.
// - json-array: '[' value (',' value)* ']' with any whitespace; every element is a record;
//   bytes after the closing ']' or a missing one make the file malformed (unterminated).

export type JsonLayout = 'jsonl' | 'json-array';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Cuts records out of a JSON byte stream. onRecord gets each record as bytes[from, to) (valid
 * during the call only: no view is made per record) and its 1-based number.
 */
export class JsonRecordSplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  /** json-array: '[' seen; after ']' the array is closed. */
  private opened = false;
  private closed = false;
  private parts: Uint8Array[] = [];
  private partLen = 0;
  /** In a record (its bytes are being collected). */
  private inRecord = false;
  records = 0;
  bytes = 0;
  notJson: string | null = null;
  /** Bytes that are neither a record nor separators (after ']', between values, a second top-level value). */
  stray = 0;
  private bomChecked = false;
  /**
   * JSON lines: takes whole lines from b[i] in bulk (counting them in `records`) and returns
   * where it stopped; the line there is read as usual (JsonRecordCounter's shape fast path).
   */
  fastLines: ((b: Uint8Array, i: number) => number) | null = null;

  constructor(
    private readonly layout: JsonLayout,
    private readonly onRecord: (bytes: Uint8Array, from: number, to: number, n: number) => void,
    private readonly maxRecordBytes = 256 * 1024 * 1024,
  ) {}

  push(chunk: Uint8Array): void {
    let b = chunk;
    this.bytes += b.length;
    if (!this.bomChecked && b.length > 0) {
      this.bomChecked = true;
      if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    }
    if (this.notJson) return;
    if (this.layout === 'jsonl') this.pushLines(b);
    else this.scan(b);
  }

  /**
   * JSON lines: whole lines found with indexOf (native), no byte loop (a raw LF cannot be
   * inside a valid JSON string, so a line is a record). A line cut by the chunk's end is kept.
   */
  private pushLines(b: Uint8Array): void {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
    const n = b.length;
    let i = 0;
    if (this.inRecord) {
      const e = buf.indexOf(LF);
      if (e < 0) {
        this.keep(b);
        return;
      }
      this.endRecord(b, 0, e);
      i = e + 1;
    }
    const fast = this.fastLines;
    while (i < n) {
      if (fast) {
        i = fast(b, i);
        if (i >= n) return;
      }
      const e = buf.indexOf(LF, i);
      if (e < 0) {
        this.inRecord = true;
        this.parts = [];
        this.partLen = 0;
        this.keep(b.subarray(i));
        return;
      }
      this.endRecord(b, i, e);
      i = e + 1;
    }
  }

  /** JSON array: the tokenizer (strings, escapes, depth) cuts its elements out. */
  private scan(b: Uint8Array): void {
    const n = b.length;
    let i = 0;
    let start = this.inRecord ? 0 : -1;
    while (i < n) {
      const c = b[i];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
        i++;
        continue;
      }
      if (!this.inRecord) {
        // Between records.
        if (c === LF || c === CR || c === SPACE || c === TAB) {
          i++;
          continue;
        }
        if (!this.opened) {
          if (c !== LBRACKET) {
            this.notJson = `starts with ${JSON.stringify(String.fromCharCode(c))}, not '[' (not a JSON array)`;
            return;
          }
          this.opened = true;
          this.depth = 1;
          i++;
          continue;
        }
        if (this.closed) {
          this.stray++;
          i++;
          continue;
        }
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === RBRACKET) {
          this.closed = true;
          this.depth = 0;
          i++;
          continue;
        }
        if (c === RBRACE) {
          // A stray '}': a (malformed) record of its own. Begun as a record, it would end
          // at once, empty, and be read again here: the scan never moved on (a hang).
          this.parts = [];
          this.endRecord(b, i, i + 1);
          i++;
          continue;
        }
        this.inRecord = true;
        start = i;
        this.parts = [];
        this.partLen = 0;
      }
      // In a record.
      if (c === QUOTE) this.inString = true;
      else if (c === LBRACE || c === LBRACKET) this.depth++;
      else if (c === RBRACE || c === RBRACKET) {
        if (this.depth === 1) {
          // The array's ']' right after a scalar element, or a stray bracket.
          this.endRecord(b, start, i);
          start = -1;
          continue; // re-read it between records
        }
        this.depth--;
        if (this.depth === 1) {
          this.endRecord(b, start, i + 1);
          start = -1;
        }
      } else if (c === COMMA && this.depth === 1) {
        this.endRecord(b, start, i);
        start = -1;
        continue;
      }
      i++;
    }
    if (this.inRecord && start >= 0) this.keep(b.subarray(start, n));
  }

  private keep(p: Uint8Array): void {
    this.partLen += p.length;
    if (this.partLen > this.maxRecordBytes) {
      this.notJson = `a record longer than ${this.maxRecordBytes} bytes`;
      this.parts = [];
      return;
    }
    // A copy (Buffer.prototype.slice would be a view): the caller may reuse its chunk.
    this.parts.push(Uint8Array.prototype.slice.call(p));
  }

  private endRecord(b: Uint8Array, start: number, end: number): void {
    let bytes = b;
    let s = Math.max(0, start);
    let e = end;
    if (this.parts.length) {
      this.keep(b.subarray(s, e));
      bytes = Buffer.concat(this.parts);
      this.parts = [];
      s = 0;
      e = bytes.length;
    }
    this.inRecord = false;
    this.partLen = 0;
    // Trailing whitespace of a JSON line.
    while (e > s && (bytes[e - 1] === CR || bytes[e - 1] === SPACE || bytes[e - 1] === TAB)) e--;
    while (s < e && (bytes[s] === SPACE || bytes[s] === TAB || bytes[s] === CR)) s++;
    if (s === e) return; // a blank line
    this.records++;
    this.onRecord(bytes, s, e, this.records);
  }

  /** Ends the input; returns whether it ended inside a record (or an unclosed array). */
  finish(): boolean {
    if (this.notJson) return false;
    let unterminated = false;
    if (this.inRecord) {
      // A JSON line may end without LF; an array element may not end the file.
      unterminated = this.layout === 'json-array';
      const rest = this.parts.length ? Buffer.concat(this.parts) : new Uint8Array(0);
      this.parts = [];
      this.endRecord(rest, 0, rest.length);
    }
    if (this.layout === 'json-array') {
      if (!this.opened && this.bytes > 0 && this.notJson === null) this.notJson = 'no JSON array';
      if (this.opened && !this.closed) unterminated = true;
    }
    return unterminated;
  }
}
