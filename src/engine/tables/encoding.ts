// Turns a table member's bytes, in the drop's encoding, into UTF-8 without a BOM: the one
// form the table cache, the cell parser and DuckDB read. Streaming, any chunk boundaries.
//
// - utf-8 (default): valid input passes through untouched (checked with the native
//   buffer.isUtf8); a chunk holding invalid bytes is decoded non-fatally, so each invalid
//   sequence becomes U+FFFD, and re-encoded. `invalid` counts the U+FFFD this introduced
//   (a U+FFFD already in the input is data, not a problem). A leading UTF-8 BOM is dropped;
//   a leading UTF-16 BOM (FF FE / FE FF, never valid UTF-8) switches to UTF-16.
// - windows-1252: the WHATWG table (every byte maps to a character; nothing is invalid).
//   Our own table: Node 20's TextDecoder('windows-1252') decodes 0x80..0x9F as ISO-8859-1.
// - latin1: ISO-8859-1 proper (byte = code point), unlike WHATWG's 'latin1' label, which
//   means windows-1252.
// - utf-16le / utf-16be: a matching BOM is dropped; lone surrogates and an odd last byte are
//   U+FFFD, counted. 'utf-16' picks the byte order from the BOM (little-endian without one).
import { isUtf8 } from 'node:buffer';
import { TABLE_ENCODINGS, type TableEncoding } from '../../shared/table-api';

export function isTableEncoding(v: unknown): v is TableEncoding {
  return typeof v === 'string' && (TABLE_ENCODINGS as readonly string[]).includes(v);
}

/** Accepts common spellings (UTF8, cp1252, ISO-8859-1, UTF-16LE...). */
export function parseEncoding(v: string): TableEncoding | null {
  const s = v.trim().toLowerCase().replace(/_/g, '-');
  if (s === 'utf-8' || s === 'utf8') return 'utf-8';
  if (s === 'windows-1252' || s === 'cp1252' || s === 'win1252' || s === '1252') return 'windows-1252';
  if (s === 'latin1' || s === 'latin-1' || s === 'iso-8859-1' || s === 'iso8859-1') return 'latin1';
  if (s === 'utf-16' || s === 'utf16') return 'utf-16';
  if (s === 'utf-16le' || s === 'utf16le') return 'utf-16le';
  if (s === 'utf-16be' || s === 'utf16be') return 'utf-16be';
  return null;
}

const FFFD = 0xfffd;
const EMPTY: Uint8Array = new Uint8Array(0);

function countChar(s: string, code: number): number {
  let n = 0;
  for (let i = s.indexOf(String.fromCharCode(code)); i >= 0; i = s.indexOf(String.fromCharCode(code), i + 1))
    n++;
  return n;
}

/** Occurrences of EF BF BD (a valid U+FFFD) in b. */
function countUtf8Replacement(b: Uint8Array): number {
  let n = 0;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const pat = Buffer.from([0xef, 0xbf, 0xbd]);
  for (let i = buf.indexOf(pat); i >= 0; i = buf.indexOf(pat, i + 3)) n++;
  return n;
}

/** Length of the longest prefix of b that ends on a UTF-8 sequence boundary (holds back an incomplete tail). */
function completePrefix(b: Uint8Array): number {
  const n = b.length;
  // Look back at most 3 bytes for the lead byte of the last sequence.
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k];
    if (c < 0x80) return n; // ASCII: everything before is complete
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return k < need ? n - k : n;
    }
    // continuation byte: keep looking
  }
  return n;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const encoder = new TextEncoder();

function encodeUtf8(s: string): Uint8Array {
  return s.length === 0 ? EMPTY : encoder.encode(s);
}

export class Utf8Transcoder {
  /** U+FFFD characters introduced for invalid input. */
  invalid = 0;
  /** The encoding in effect (utf-8 may become utf-16le/be after a UTF-16 BOM; 'utf-16' resolves). */
  encoding: TableEncoding;
  /** A BOM was found (and dropped). */
  bom = false;
  /** Total input bytes. */
  bytesIn = 0;

  private started = false;
  private head: Uint8Array = EMPTY; // first bytes, until the BOM question is settled
  private pending: Uint8Array = EMPTY; // utf-8: an incomplete sequence held for the next chunk
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  private utf16Odd = -1; // utf-16: a byte held to pair with the next chunk (-1: none)
  private finished = false;

  constructor(encoding: TableEncoding = 'utf-8') {
    this.encoding = encoding;
  }

  push(chunk: Uint8Array): Uint8Array {
    if (this.finished) throw new Error('Utf8Transcoder: push() after finish()');
    this.bytesIn += chunk.length;
    if (!this.started) {
      const b = concat(this.head, chunk);
      if (b.length < 3 && !this.canDecideBom(b)) {
        this.head = b.slice();
        return EMPTY;
      }
      this.head = EMPTY;
      this.started = true;
      return this.convert(this.stripBom(b), false);
    }
    return this.convert(chunk, false);
  }

  finish(): Uint8Array {
    if (this.finished) return EMPTY;
    let out: Uint8Array;
    if (!this.started) {
      this.started = true;
      out = this.convert(this.stripBom(this.head), true);
      this.head = EMPTY;
    } else out = this.convert(EMPTY, true);
    this.finished = true;
    return out;
  }

  private canDecideBom(b: Uint8Array): boolean {
    // With 2 bytes a UTF-16 BOM is known; a UTF-8 BOM needs 3 unless the prefix already differs.
    if (b.length === 0) return false;
    if (b.length === 1 && (b[0] === 0xff || b[0] === 0xfe)) return false;
    if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return true;
    if (this.encoding === 'utf-16' || this.encoding === 'utf-16le' || this.encoding === 'utf-16be')
      return b.length >= 2;
    if (this.encoding !== 'utf-8') return true;
    const bom = [0xef, 0xbb, 0xbf];
    for (let i = 0; i < b.length; i++) if (b[i] !== bom[i]) return true;
    return false;
  }

  private stripBom(b: Uint8Array): Uint8Array {
    const e = this.encoding;
    const le = b.length >= 2 && b[0] === 0xff && b[1] === 0xfe;
    const be = b.length >= 2 && b[0] === 0xfe && b[1] === 0xff;
    if (e === 'utf-8') {
      if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
        this.bom = true;
        return b.subarray(3);
      }
      if (le || be) {
        this.encoding = le ? 'utf-16le' : 'utf-16be';
        this.bom = true;
        return b.subarray(2);
      }
      return b;
    }
    if (e === 'utf-16' || e === 'utf-16le' || e === 'utf-16be') {
      if (e === 'utf-16') this.encoding = be ? 'utf-16be' : 'utf-16le';
      if ((le && this.encoding === 'utf-16le') || (be && this.encoding === 'utf-16be')) {
        this.bom = true;
        return b.subarray(2);
      }
      return b;
    }
    return b; // single-byte encodings have no BOM
  }

  private convert(b: Uint8Array, last: boolean): Uint8Array {
    switch (this.encoding) {
      case 'utf-8':
        return this.utf8(b, last);
      case 'latin1':
        return latin1ToUtf8(b);
      case 'windows-1252':
        return cp1252ToUtf8(b);
      default:
        return this.utf16(b, last);
    }
  }

  private utf8(chunk: Uint8Array, last: boolean): Uint8Array {
    const b = concat(this.pending, chunk);
    const cut = last ? b.length : completePrefix(b);
    this.pending = cut < b.length ? b.slice(cut) : EMPTY;
    const body = cut < b.length ? b.subarray(0, cut) : b;
    if (body.length === 0) return EMPTY;
    if (isUtf8(body)) return body;
    // Slow path: each invalid sequence becomes U+FFFD (WHATWG "maximal subpart" rule).
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(body);
    this.invalid += countChar(text, FFFD) - countUtf8Replacement(body);
    return encodeUtf8(text);
  }

  private utf16(chunk: Uint8Array, last: boolean): Uint8Array {
    let b = chunk;
    if (this.utf16Odd >= 0) {
      b = concat(Uint8Array.of(this.utf16Odd), chunk);
      this.utf16Odd = -1;
    }
    // Keep code units whole so the legitimate U+FFFD in the input can be counted.
    if (b.length % 2 === 1 && !last) {
      this.utf16Odd = b[b.length - 1];
      b = b.subarray(0, b.length - 1);
    }
    const le = this.encoding === 'utf-16le';
    this.decoder ??= new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: false, ignoreBOM: true });
    let legit = 0;
    for (let i = 0; i + 1 < b.length; i += 2) {
      const u = le ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1];
      if (u === FFFD) legit++;
    }
    const text = this.decoder.decode(b, { stream: !last });
    this.invalid += countChar(text, FFFD) - legit;
    return encodeUtf8(text);
  }
}

// Windows-1252's 0x80..0x9F (WHATWG; the 5 unassigned bytes map to the C1 controls). Not
// TextDecoder('windows-1252'): Node 20 decodes that label as ISO-8859-1.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

/** Windows-1252 → UTF-8. */
function cp1252ToUtf8(b: Uint8Array): Uint8Array {
  let extra = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c >= 0x80) extra += c >= 0xa0 ? 1 : CP1252_HIGH[c - 0x80] >= 0x800 ? 2 : 1;
  }
  if (extra === 0) return b;
  const out = new Uint8Array(b.length + extra);
  let o = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    const u = c >= 0xa0 ? c : CP1252_HIGH[c - 0x80];
    if (u < 0x800) {
      out[o++] = 0xc0 | (u >> 6);
      out[o++] = 0x80 | (u & 0x3f);
    } else {
      out[o++] = 0xe0 | (u >> 12);
      out[o++] = 0x80 | ((u >> 6) & 0x3f);
      out[o++] = 0x80 | (u & 0x3f);
    }
  }
  return out;
}

/** ISO-8859-1 → UTF-8. */
function latin1ToUtf8(b: Uint8Array): Uint8Array {
  let high = 0;
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) high++;
  if (high === 0) return b;
  const out = new Uint8Array(b.length + high);
  let o = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c < 0x80) out[o++] = c;
    else {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

/** Decodes a whole buffer (tests, small members). */
export function transcodeAll(
  b: Uint8Array,
  encoding: TableEncoding = 'utf-8',
): { bytes: Uint8Array; invalid: number; encoding: TableEncoding; bom: boolean } {
  const t = new Utf8Transcoder(encoding);
  const a = t.push(b);
  const z = t.finish();
  return { bytes: concat(a.slice(), z), invalid: t.invalid, encoding: t.encoding, bom: t.bom };
}
