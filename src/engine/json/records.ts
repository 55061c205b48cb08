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
//
// The records are cut out by JsonRecordSplitter (record-splitter.ts) and flattened by the rules
// of flatten.ts; this file counts them and collects their keys and ids.

import { addKeys } from './flatten';
import { JsonRecordSplitter, type JsonLayout } from './record-splitter';
import { jsonStringAt, RecordShape } from './shape';
import { ShapeLines } from './shape-wasm';

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

const BACKSLASH = 0x5c;

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

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
