// The JSON gap report: exactly the contract's document (../../../shared report-contract),
// i.e. the ScanReport as it is. Nothing is added or computed here, so scripts that parse
// `scan --json` and this export read the same thing. Small reports are pretty-printed for
// people; a report of many chunks is written compact (the same fields: indentation made a
// 3000-chunk report 11 MB, and writing it a good part of a re-scan).
import type { ScanReport } from '../../shared/report';

/** Reports of more chunks than this are written without indentation. */
export const PRETTY_MAX_CHUNKS = 200;

export function renderJson(r: ScanReport): string {
  return `${r.chunks.length > PRETTY_MAX_CHUNKS ? JSON.stringify(r) : JSON.stringify(r, null, 2)}\n`;
}

/** About how much text jsonPieces gathers before it hands a piece on. */
const PIECE_CHARS = 1 << 18;

/**
 * renderJson's text in pieces of about PIECE_CHARS, for writing as they come: a 3000-chunk
 * report is 12 MB, and one string of it (then one buffer of it) cost more than the text
 * itself. The pieces joined are renderJson's output exactly (its tests hold them to it).
 */
export function* jsonPieces(r: ScanReport): Generator<string> {
  if (r.chunks.length <= PRETTY_MAX_CHUNKS) {
    yield renderJson(r);
    return;
  }
  let piece = '{';
  let first = true;
  for (const [key, value] of Object.entries(r)) {
    // What JSON.stringify leaves out of an object, this leaves out too.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    piece += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!Array.isArray(value)) {
      piece += JSON.stringify(value);
      continue;
    }
    piece += '[';
    for (let i = 0; i < value.length; i++) {
      piece += `${i ? ',' : ''}${JSON.stringify(value[i]) ?? 'null'}`;
      if (piece.length >= PIECE_CHARS) {
        yield piece;
        piece = '';
      }
    }
    piece += ']';
  }
  yield `${piece}}\n`;
}

/** About how many bytes jsonBuffers gathers before it hands a piece on. */
const PIECE_BYTES = 1 << 20;

/**
 * renderJson's text as UTF-8 pieces of about PIECE_BYTES, where some of the report's arrays
 * come as JSON already (`raw`: the array's items' JSON joined with commas, for a report over
 * PRETTY_MAX_CHUNKS, which is compact): those bytes are written as they are, not
 * stringified again. Text is gathered in arrays and joined (a string grown with += is a rope
 * that costs more to turn into bytes than to build).
 */
export function* jsonBuffers(r: ScanReport, raw: { [K in keyof ScanReport]?: Buffer } = {}): Generator<Buffer> {
  if (r.chunks.length <= PRETTY_MAX_CHUNKS && !Object.keys(raw).length) {
    yield Buffer.from(renderJson(r));
    return;
  }
  let out: Buffer[] = [];
  let bytes = 0;
  let text: string[] = [];
  let chars = 0;
  const settle = (): void => {
    if (!text.length) return;
    const b = Buffer.from(text.join(''));
    text = [];
    chars = 0;
    out.push(b);
    bytes += b.length;
  };
  const put = (s: string): void => {
    text.push(s);
    chars += s.length;
    if (chars >= PIECE_BYTES / 2) settle();
  };
  const take = (): Buffer | null => {
    settle();
    if (!out.length) return null;
    const piece = out.length === 1 ? out[0] : Buffer.concat(out, bytes);
    out = [];
    bytes = 0;
    return piece;
  };
  put('{');
  let first = true;
  for (const [key, value] of Object.entries(r) as Array<[keyof ScanReport, unknown]>) {
    // What JSON.stringify leaves out of an object, this leaves out too.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    put(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    const joined = raw[key];
    if (joined) {
      put('[');
      yield take()!;
      for (let at = 0; at < joined.length; at += PIECE_BYTES) yield joined.subarray(at, at + PIECE_BYTES);
      put(']');
    } else if (Array.isArray(value)) {
      put('[');
      for (let i = 0; i < value.length; i++) {
        put(`${i ? ',' : ''}${JSON.stringify(value[i]) ?? 'null'}`);
        if (bytes + chars >= PIECE_BYTES) yield take()!;
      }
      put(']');
    } else put(JSON.stringify(value));
  }
  put('}\n');
  const last = take();
  if (last) yield last;
}
