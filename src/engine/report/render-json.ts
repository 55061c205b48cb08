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
  // Without entries every piece is text.
  for (const piece of compactPieces(r)) yield piece as string;
}

/**
 * The same text, compact, with `chunkText` (the chunks' entries as JSON text in UTF-8,
 * commas between them included) in place of r.chunks, in UTF-8 pieces:
 * report/build-report.ts reportJson, a report from the catalog's stored entries, written
 * without making a string of any of them. A piece of PIECE_CHARS or more goes out as it is.
 */
export function* jsonBytes(r: ScanReport, chunkText: Iterable<Uint8Array>): Generator<Uint8Array> {
  let held: Uint8Array[] = [];
  let size = 0;
  for (const piece of compactPieces(r, chunkText)) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    // A piece this long goes out as it is, before the next is asked for: the entries file's
    // pieces (entries-file.ts) share one buffer and are all this long but the last, which
    // may be held with what follows it (nothing is read into the buffer after it).
    if (bytes.length >= PIECE_CHARS) {
      if (size) yield Buffer.concat(held, size);
      held = [];
      size = 0;
      yield bytes;
      continue;
    }
    held.push(bytes);
    size += bytes.length;
    if (size >= PIECE_CHARS) {
      yield Buffer.concat(held, size);
      held = [];
      size = 0;
    }
  }
  if (size) yield Buffer.concat(held, size);
}

/** The compact text in pieces; with `chunkText`, its pieces stand in for r.chunks' JSON inside the brackets. */
function* compactPieces(r: ScanReport, chunkText?: Iterable<Uint8Array>): Generator<string | Uint8Array> {
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
    if (key === 'chunks' && chunkText) {
      yield piece;
      yield* chunkText;
      piece = '';
    } else {
      for (let i = 0; i < value.length; i++) {
        piece += `${i ? ',' : ''}${JSON.stringify(value[i]) ?? 'null'}`;
        if (piece.length >= PIECE_CHARS) {
          yield piece;
          piece = '';
        }
      }
    }
    piece += ']';
  }
  yield `${piece}}\n`;
}
