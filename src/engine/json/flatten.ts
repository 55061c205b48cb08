// Flattening of JSON records into dotted keys ("profile.likes"): what a warehouse loader (and
// the table browser) makes of nested objects; arrays and empty objects stay one value. Held
// apart from the record counter (records.ts) so the schema's keys (addKeys, from parsed
// records) and the table browser's cells (flattenRecord, from a record's text) follow one rule.

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
