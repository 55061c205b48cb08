// A JSON record's key shape, read from its bytes without parsing it into objects: the JSON
// counter's fast path (json/records.ts). Parsing every record (utf8 decode + JSON.parse +
// the objects it makes) was most of a JSON extract's scan; records of one extract mostly share
// one shape, and a record whose shape is that of a record already parsed adds no key.
//
// The shape of a record is the sequence of its keys (raw bytes, escapes as written) with, for
// each, whether its value is a non-empty object (whose keys follow, then an end mark) or any
// other value. The flattened keys of a record (flatten.ts addKeys: nested objects dotted,
// arrays and empty objects one value) are a function of that shape alone, duplicates and key
// order included, so two records of one shape flatten to the same keys.
//
// match() is strict: it says yes only for bytes that JSON.parse accepts as an object (the
// grammar of ECMA-404: strings with their escapes and no raw control bytes, numbers, the three
// literals, whitespace " \t\r\n"); anything else, or anything it is unsure of (nesting deeper
// than MAX_DEPTH), is a no, and the caller parses the record. Non-ASCII bytes are only ever
// inside strings, where JSON.parse (of the non-fatal UTF-8 decode) accepts any of them.

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Shape marks: after a key, its value is not a non-empty object / is one; end of a nested object. */
const M_VALUE = 0;
const M_OBJECT = 1;
const M_END = 2;

/** Containers open inside a value: an object (its keys are not part of the shape), an array. */
const OBJ_OPAQUE = 1;
const ARR = 2;

const MAX_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function isWs(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** The string a JSON string's raw contents (between its quotes) stand for. */
export function jsonStringAt(b: Uint8Array, from: number, to: number): string {
  const raw = utf8.decode(b.subarray(from, to));
  return b.subarray(from, to).includes(BACKSLASH) ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** The closing quote of the JSON string opening at b[i] (a quote), or -1 when it is not a valid one. */
function stringEnd(b: Uint8Array, i: number, to: number): number {
  i++;
  for (;;) {
    // Plain string bytes (most of a record) skipped by one table look each.
    if (i >= to) return -1;
    const c = b[i];
    if (c === QUOTE) return i;
    if (c < SPACE) return -1;
    if (c === BACKSLASH) {
      if (i + 1 >= to) return -1;
      const e = b[i + 1];
      if (e === 0x75) {
        if (i + 5 >= to || !isHex(b[i + 2]) || !isHex(b[i + 3]) || !isHex(b[i + 4]) || !isHex(b[i + 5]))
          return -1;
        i += 6;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      )
        i += 2;
      else return -1;
      continue;
    }
    i++;
  }
}

export class RecordShape {
  private tape = new Uint8Array(1024);
  /** Length of the reference shape; -1: none yet. */
  private len = -1;
  /** The containers open inside a value (value()). */
  private readonly stack = new Uint8Array(MAX_DEPTH);
  /** The top-level key (by its position among the record's top-level keys) whose value is the id; -1: none. */
  idOrdinal = -1;
  /** After a match: the id's string contents b[idFrom, idTo) (idFrom -1: no string value there). */
  idFrom = -1;
  idTo = -1;
  /** After learn(): the raw contents [from, to) of each top-level key, in order, flat. */
  readonly keySpans: number[] = [];
  /** The byte length of each key of the shape (nested ones too), in order; nKeys of them. */
  private keyLens = new Int32Array(64);
  private nKeys = 0;
  /** Bumped by every learn(): a copy of the shape (json/shape-wasm.ts) is made again. */
  version = 0;

  /** The learned shape (null: none): the tape (marks and key bytes) and each key's byte length. */
  get learned(): { tape: Uint8Array; len: number; keyLens: Int32Array; nKeys: number } | null {
    return this.len < 0 ? null : { tape: this.tape, len: this.len, keyLens: this.keyLens, nKeys: this.nKeys };
  }

  /** Whether b[from, to) is a JSON object of the reference shape (and so adds no key). */
  match(b: Uint8Array, from: number, to: number): boolean {
    return this.len >= 0 && this.run(b, from, to, false);
  }

  /**
   * Makes b[from, to) (a record JSON.parse read as an object) the reference shape; false
   * when the scanner does not read it (then no record matches until the next learn()).
   */
  learn(b: Uint8Array, from: number, to: number): boolean {
    this.version++;
    this.len = 0;
    this.keySpans.length = 0;
    const ok = this.run(b, from, to, true);
    if (!ok) this.len = -1;
    return ok;
  }

  /** The shape's next byte: written (learn) or compared (match); false on a difference. */
  private mark(p: number, x: number, write: boolean): boolean {
    if (write) {
      if (p >= this.tape.length) {
        const t = new Uint8Array(this.tape.length * 2);
        t.set(this.tape);
        this.tape = t;
      }
      this.tape[p] = x;
      return true;
    }
    return p < this.len && this.tape[p] === x;
  }

  /**
   * One pass over the record: validates it and writes (learn) or compares (match) its shape.
   * The objects this loop walks are the record and its nested objects reached through keys
   * (their keys are the shape); any other value (arrays and what is inside them, strings,
   * numbers, literals) is validated by value().
   */
  private run(b: Uint8Array, from: number, to: number, write: boolean): boolean {
    const idOrdinal = write ? -1 : this.idOrdinal;
    this.idFrom = -1;
    let p = 0;
    /** Keys read so far (at any depth). */
    let nKeys = 0;
    let ordinal = -1;
    let i = from;
    while (i < to && isWs(b[i])) i++;
    if (i >= to || b[i] !== LBRACE) return false;
    let depth = 1;
    i++;
    while (i < to && isWs(b[i])) i++;
    if (i < to && b[i] === RBRACE) {
      i++; // {}: no key at all
    } else {
      key: for (;;) {
        // At a key of the object `depth` levels down.
        if (i >= to || b[i] !== QUOTE) return false;
        if (depth === 1) ordinal++;
        if (write) {
          const ks = i + 1;
          const ke = stringEnd(b, i, to);
          if (ke < 0) return false;
          i = ke + 1;
          if (depth === 1) this.keySpans.push(ks, ke);
          if (nKeys === this.keyLens.length) {
            const l = new Int32Array(nKeys * 2);
            l.set(this.keyLens);
            this.keyLens = l;
          }
          this.keyLens[nKeys++] = ke - ks;
          for (let x = ks; x < ke; x++) this.mark(p++, b[x], true);
        } else {
          // The key's bytes against the shape's (as many as the shape's key has), then the
          // closing quote. No validation needed: the shape's key bytes are the contents of a
          // valid string up to its end, so the same bytes then a quote are that string.
          if (nKeys === this.nKeys) return false;
          const kl = this.keyLens[nKeys++];
          const x = i + 1;
          if (x + kl >= to || p + kl > this.len) return false;
          const tape = this.tape;
          for (let j = 0; j < kl; j++) if (tape[p + j] !== b[x + j]) return false;
          if (b[x + kl] !== QUOTE) return false;
          p += kl;
          i = x + kl + 1;
        }
        while (i < to && isWs(b[i])) i++;
        if (i >= to || b[i] !== COLON) return false;
        i++;
        while (i < to && isWs(b[i])) i++;
        if (i >= to) return false;
        // Its value.
        const c = b[i];
        if (c === LBRACE) {
          let j = i + 1;
          while (j < to && isWs(b[j])) j++;
          if (j < to && b[j] === RBRACE) {
            if (!this.mark(p++, M_VALUE, write)) return false; // {}: a value
            i = j + 1;
          } else {
            if (!this.mark(p++, M_OBJECT, write)) return false;
            depth++;
            i = j;
            continue;
          }
        } else {
          if (!this.mark(p++, M_VALUE, write)) return false;
          const vs = i + 1;
          i = this.value(b, i, to);
          if (i < 0) return false;
          if (c === QUOTE && depth === 1 && ordinal === idOrdinal) {
            this.idFrom = vs;
            this.idTo = i - 1;
          }
        }
        // After a value: ',' then a key, or '}' closing objects.
        for (;;) {
          while (i < to && isWs(b[i])) i++;
          if (i >= to) return false;
          const d = b[i++];
          if (d === COMMA) {
            while (i < to && isWs(b[i])) i++;
            continue key;
          }
          if (d !== RBRACE) return false;
          depth--;
          if (depth === 0) break key;
          if (!this.mark(p++, M_END, write)) return false;
        }
      }
    }
    while (i < to && isWs(b[i])) i++;
    if (i !== to) return false;
    if (write) {
      this.len = p;
      this.nKeys = nKeys;
    } else if (p !== this.len) return false;
    return true;
  }

  /**
   * Validates one value from b[i] (an object here is opaque: inside an array); returns the
   * index just past it, or -1.
   */
  private value(b: Uint8Array, i: number, to: number): number {
    const stack = this.stack;
    let depth = 0;
    for (;;) {
      // At a value.
      if (i >= to) return -1;
      let c = b[i];
      if (c === QUOTE) {
        i = stringEnd(b, i, to);
        if (i < 0) return -1;
        i++;
      } else if (c === LBRACE || c === LBRACKET) {
        if (depth === MAX_DEPTH) return -1;
        stack[depth++] = c === LBRACE ? OBJ_OPAQUE : ARR;
        i++;
        while (i < to && isWs(b[i])) i++;
        if (i < to && b[i] === (c === LBRACE ? RBRACE : RBRACKET)) {
          depth--;
          i++;
        } else {
          if (c === LBRACE) {
            i = objectKey(b, i, to);
            if (i < 0) return -1;
          }
          continue;
        }
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        if (c === MINUS) {
          i++;
          if (i >= to) return -1;
          c = b[i];
        }
        if (c === ZERO) i++;
        else if (c > ZERO && c <= NINE) {
          i++;
          while (i < to && b[i] >= ZERO && b[i] <= NINE) i++;
        } else return -1;
        if (i < to && b[i] === DOT) {
          i++;
          if (i >= to || b[i] < ZERO || b[i] > NINE) return -1;
          while (i < to && b[i] >= ZERO && b[i] <= NINE) i++;
        }
        if (i < to && (b[i] | 0x20) === 0x65) {
          i++;
          if (i < to && (b[i] === PLUS || b[i] === MINUS)) i++;
          if (i >= to || b[i] < ZERO || b[i] > NINE) return -1;
          while (i < to && b[i] >= ZERO && b[i] <= NINE) i++;
        }
      } else if (c === 0x74) {
        if (i + 3 >= to || b[i + 1] !== 0x72 || b[i + 2] !== 0x75 || b[i + 3] !== 0x65) return -1;
        i += 4;
      } else if (c === 0x66) {
        if (i + 4 >= to || b[i + 1] !== 0x61 || b[i + 2] !== 0x6c || b[i + 3] !== 0x73 || b[i + 4] !== 0x65)
          return -1;
        i += 5;
      } else if (c === 0x6e) {
        if (i + 3 >= to || b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return -1;
        i += 4;
      } else return -1;
      // After a value inside the containers opened here: ',' or their ends.
      for (;;) {
        if (depth === 0) return i;
        while (i < to && isWs(b[i])) i++;
        if (i >= to) return -1;
        c = b[i++];
        const t = stack[depth - 1];
        if (c === COMMA) {
          while (i < to && isWs(b[i])) i++;
          if (t === OBJ_OPAQUE) {
            i = objectKey(b, i, to);
            if (i < 0) return -1;
          }
          break;
        }
        if ((c === RBRACE && t === OBJ_OPAQUE) || (c === RBRACKET && t === ARR)) {
          depth--;
          continue;
        }
        return -1;
      }
    }
  }
}

/** A key (a valid string), whitespace, ':' and whitespace, from b[i]; the index of its value, or -1. */
function objectKey(b: Uint8Array, i: number, to: number): number {
  if (i >= to || b[i] !== QUOTE) return -1;
  i = stringEnd(b, i, to);
  if (i < 0) return -1;
  i++;
  while (i < to && isWs(b[i])) i++;
  if (i >= to || b[i] !== COLON) return -1;
  i++;
  while (i < to && isWs(b[i])) i++;
  return i;
}
