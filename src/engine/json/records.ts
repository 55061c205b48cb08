// JSON extracts (seed 002: "JSON file"; one array of objects, or one object per line),
// streamed, never held whole: records are cut out of the byte stream by a small tokenizer
// (strings, escapes and nesting depth), each record is parsed alone, and the union of the
// records' keys is the table's schema. Nested objects are flattened into dotted keys
// ("profile.likes"): what a warehouse loader (and the table browser) makes of them; arrays
// stay one value.
//
// - jsonl: one value per line; blank lines are not records; a line that is not a JSON object
//   is a malformed record (counted, and shown).
// - json-array: '[' value (',' value)* ']' with any whitespace; every element is a record (a
//   non-object element is malformed); bytes after the closing ']' or a missing one make the
//   file malformed (unterminated).

import { jsonStringAt, RecordShape } from './shape';
import { ShapeLines } from './shape-wasm';

export type JsonLayout = 'jsonl' | 'json-array';

export interface JsonCountResult {
  records: number;
  /** Union of the records' flattened keys, in order of first appearance. */
  keys: string[];
  /** Records that are not JSON objects (or do not parse). */
  malformedRows: number;
  /** 1-based numbers of the first malformed records. */
  firstMalformed: number[];
  /** The input ended inside a record (or, for an array, before its ']'). */
  unterminated: boolean;
  /** Bytes pushed. */
  bytes: number;
  /** The file is not JSON of this layout at all (e.g. the first byte of an array file is not '['). */
  notJson: string | null;
}

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

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Flattened keys of a parsed record, added to `into` (insertion order kept). */
export function addKeys(v: unknown, into: Set<string>, prefix = ''): void {
  for (const k of Object.keys(v as object)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length > 0)
      addKeys(x, into, `${prefix}${k}.`);
    else into.add(prefix + k);
  }
}

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

/** The record's id: the string value of its top-level key matching `key` (the first such key of the first record that has one). */
export interface JsonIdOption {
  key: RegExp;
  /** The id's UTF-8 bytes, b[from, to) (valid during the call only). */
  onId: (b: Uint8Array, from: number, to: number) => void;
}

/**
 * Counts records and collects their keys (and, when asked, each record's id). A record of the
 * shape of the last one parsed is only scanned (json/shape.ts: validated, its shape compared,
 * its id found), not parsed: it adds no key. Others are parsed, and become the shape.
 */
export class JsonRecordCounter {
  private readonly splitter: JsonRecordSplitter;
  private readonly keys = new Set<string>();
  private malformed = 0;
  private readonly samples: number[] = [];
  /** Key sets already added, by the record's top-level key list (most records share one). */
  private lastSig = '';
  private readonly shape = new RecordShape();
  /** The id key, once a record had one. */
  private idKey: string | null = null;

  constructor(
    layout: JsonLayout,
    private readonly maxSamples = 20,
    private readonly id?: JsonIdOption,
  ) {
    this.splitter = new JsonRecordSplitter(layout, (bytes, from, to, n) => this.record(bytes, from, to, n));
    if (layout === 'jsonl') {
      // Lines of the shape are taken in bulk by the WebAssembly kernel (json/shape-wasm.ts).
      const lines = new ShapeLines(this.shape);
      const onId = this.id ? (b: Uint8Array, from: number, to: number): void => this.emitId(b, from, to) : null;
      const splitter = this.splitter;
      splitter.fastLines = (b, i) => {
        const stop = lines.take(b, i, onId);
        splitter.records += lines.records;
        return stop;
      };
    }
  }

  private record(b: Uint8Array, from: number, to: number, n: number): void {
    const shape = this.shape;
    if (shape.match(b, from, to)) {
      if (this.id && shape.idFrom >= 0) this.emitId(b, shape.idFrom, shape.idTo);
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(utf8.decode(b.subarray(from, to)));
    } catch {
      v = undefined;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.malformed++;
      if (this.samples.length < this.maxSamples) this.samples.push(n);
      return;
    }
    const r = v as Record<string, unknown>;
    if (this.id) {
      const key = (this.idKey ??= Object.keys(r).find((k) => this.id!.key.test(k)) ?? null);
      const x = key === null ? undefined : r[key];
      if (typeof x === 'string') {
        const bytes = Buffer.from(x, 'utf8');
        this.id.onId(bytes, 0, bytes.length);
      }
    }
    // Flattening every record costs more than parsing it; records of one extract mostly share
    // their keys, so a record whose top-level keys (and nested objects' keys) match the
    // previous one's adds nothing new.
    const sig = signature(r);
    if (sig !== this.lastSig) {
      this.lastSig = sig;
      addKeys(v, this.keys);
    }
    if (shape.learn(b, from, to)) {
      // Which top-level key holds the id (the last of that name: JSON.parse keeps the last).
      shape.idOrdinal = -1;
      if (this.idKey !== null) {
        const spans = shape.keySpans;
        for (let k = 0; k < spans.length; k += 2)
          if (jsonStringAt(b, spans[k], spans[k + 1]) === this.idKey) shape.idOrdinal = k >> 1;
      }
    }
  }

  private emitId(b: Uint8Array, from: number, to: number): void {
    for (let x = from; x < to; x++) {
      if (b[x] === BACKSLASH || b[x] >= 0x80) {
        // Escapes, or bytes whose decoding (invalid UTF-8 becomes U+FFFD) may differ from them.
        const bytes = Buffer.from(jsonStringAt(b, from, to), 'utf8');
        this.id!.onId(bytes, 0, bytes.length);
        return;
      }
    }
    this.id!.onId(b, from, to);
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  finish(): JsonCountResult {
    const unterminated = this.splitter.finish();
    return {
      records: this.splitter.records,
      keys: [...this.keys],
      malformedRows: this.malformed,
      firstMalformed: this.samples,
      unterminated,
      bytes: this.splitter.bytes,
      notJson: this.splitter.notJson,
    };
  }
}

function signature(v: Record<string, unknown>): string {
  let s = '';
  for (const k in v) {
    s += k;
    const x = v[k];
    if (x !== null && typeof x === 'object' && !Array.isArray(x))
      s += `{${signature(x as Record<string, unknown>)}}`;
    s += '\u0000';
  }
  return s;
}

/**
 * One record's cells for the table browser: flattened keys → the exact text of each value
 * (strings decoded; numbers, true/false/null as written — no float rounding of big numbers;
 * arrays and empty objects as their JSON text). Null for a record that is not a JSON object.
 */
export function flattenRecord(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === LF || c === CR || c === TAB) i++;
      else break;
    }
  };
  const fail = (): never => {
    throw new SyntaxError(`bad JSON at ${i}`);
  };
  /** Skips a string token, returns its source span end. */
  const stringEnd = (): number => {
    if (text.charCodeAt(i) !== QUOTE) fail();
    let j = i + 1;
    for (;;) {
      if (j >= n) fail();
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) j += 2;
      else if (c === QUOTE) return j + 1;
      else j++;
    }
  };
  /** Skips any value, returns the end of its source text. */
  const skipValue = (): number => {
    ws();
    const c = text.charCodeAt(i);
    if (c === QUOTE) return (i = stringEnd());
    if (c === LBRACE || c === LBRACKET) {
      const close = c === LBRACE ? RBRACE : RBRACKET;
      i++;
      ws();
      if (text.charCodeAt(i) === close) return ++i;
      for (;;) {
        if (c === LBRACE) {
          ws();
          i = stringEnd();
          ws();
          if (text[i++] !== ':') fail();
        }
        skipValue();
        ws();
        const d = text.charCodeAt(i++);
        if (d === close) return i;
        if (d !== COMMA) fail();
      }
    }
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    return (i += m![0].length);
  };
  const object = (prefix: string): void => {
    // at '{'
    i++;
    ws();
    if (text.charCodeAt(i) === RBRACE) {
      i++;
      return;
    }
    for (;;) {
      ws();
      const ks = i;
      const ke = stringEnd();
      const key = JSON.parse(text.slice(ks, ke)) as string;
      i = ke;
      ws();
      if (text[i++] !== ':') fail();
      ws();
      const vs = i;
      const c = text.charCodeAt(i);
      if (c === LBRACE) {
        // A nested object: its keys, dotted (an empty one is a value).
        const save = i;
        i++;
        ws();
        const empty = text.charCodeAt(i) === RBRACE;
        i = save;
        if (empty) {
          skipValue();
          out.set(prefix + key, text.slice(vs, i));
        } else object(`${prefix}${key}.`);
      } else {
        const ve = skipValue();
        const raw = text.slice(vs, ve);
        out.set(prefix + key, c === QUOTE ? (JSON.parse(raw) as string) : raw);
      }
      ws();
      const d = text.charCodeAt(i++);
      if (d === RBRACE) return;
      if (d !== COMMA) fail();
    }
  };
  try {
    ws();
    if (text.charCodeAt(i) !== LBRACE) return null;
    object('');
    ws();
    if (i !== n) return null;
    return out;
  } catch {
    return null;
  }
}
