// The key column of a Parquet file as raw integers, the cheap way: only that column's chunks
// are read (one ranged read per row group), its pages walked here, and the values copied as
// bytes into one typed array per table (PLAIN) or gathered from the dictionary through the
// decoded indices (PLAIN_DICTIONARY / RLE_DICTIONARY). No value becomes a JS number, BigInt
// or string: hyparquet's general reader costs ~2 s of CPU per million INT64 keys here (values
// boxed into arrays), this ~10-30 ms (mostly Snappy).
//
// Only what a key column usually is: a top-level INT32 or INT64, required or optional,
// uncompressed, Snappy or gzip, data pages v1 or v2. Anything else (another type or codec, a
// DELTA encoding, nesting) returns null and the caller takes hyparquet's general path.
import { gunzipSync } from 'node:zlib';
import { snappyUncompress, type AsyncBuffer, type ColumnMetaData, type FileMetaData, type SchemaElement } from 'hyparquet';

export type IntKeys = BigInt64Array | Int32Array;

/** Why the fast path does not apply (the caller falls back), as opposed to a damaged file. */
export class Unsupported extends Error {}

interface Plan {
  width: 4 | 8;
  optional: boolean;
  chunks: Array<{ file: AsyncBuffer; meta: ColumnMetaData; start: number; end: number }>;
  rows: number;
}

/** Which column chunks to read, or null when the fast path does not apply. */
function plan(parts: Array<{ metadata: FileMetaData; file: AsyncBuffer }>, column: string): Plan | null {
  let width: 4 | 8 | null = null;
  let optional = false;
  const chunks: Plan['chunks'] = [];
  let rows = 0;
  for (const p of parts) {
    const schema = p.metadata.schema;
    const el = topLevel(schema, column);
    if (!el || (el.type !== 'INT32' && el.type !== 'INT64') || el.repetition_type === 'REPEATED') return null;
    const w = el.type === 'INT32' ? 4 : 8;
    if (width !== null && w !== width) return null;
    width = w;
    optional ||= el.repetition_type !== 'REQUIRED';
    for (const g of p.metadata.row_groups) {
      const c = g.columns.find((x) => x.meta_data?.path_in_schema.length === 1 && x.meta_data.path_in_schema[0] === column);
      const meta = c?.meta_data;
      if (!meta || c.file_path) return null;
      if (!['UNCOMPRESSED', 'SNAPPY', 'GZIP'].includes(meta.codec)) return null;
      const data = Number(meta.data_page_offset);
      const dict = meta.dictionary_page_offset !== undefined ? Number(meta.dictionary_page_offset) : null;
      const start = dict !== null && dict > 0 && dict < data ? dict : data;
      chunks.push({ file: p.file, meta, start, end: start + Number(meta.total_compressed_size) });
      rows += Number(meta.num_values);
    }
  }
  return width ? { width, optional, chunks, rows } : null;
}

function topLevel(schema: SchemaElement[], column: string): SchemaElement | null {
  // schema[0] is the root; its children follow depth-first. A top-level leaf has no children.
  let i = 1;
  const root = schema[0]?.num_children ?? 0;
  for (let c = 0; c < root && i < schema.length; c++) {
    const el = schema[i];
    if (el.name === column) return el.num_children ? null : el;
    i = skip(schema, i);
  }
  return null;
}

function skip(schema: SchemaElement[], i: number): number {
  const n = schema[i].num_children ?? 0;
  let j = i + 1;
  for (let c = 0; c < n; c++) j = skip(schema, j);
  return j;
}

/**
 * Every non-null value of `column` over the parts, in file order, or null when the fast path
 * does not apply. Throws on bytes that are not what the footer describes.
 */
export async function readIntKeys(parts: Array<{ metadata: FileMetaData; file: AsyncBuffer }>, column: string, signal?: AbortSignal): Promise<IntKeys | null> {
  const p = plan(parts, column);
  if (!p) return null;
  const out = p.width === 8 ? new BigInt64Array(p.rows) : new Int32Array(p.rows);
  const bytes = new Uint8Array(out.buffer);
  let n = 0;
  // Read side by side (the store bounds requests in flight), decoded in order as they come.
  const reads = coalescedReads(p.chunks);
  reads.forEach((r) => r.catch(() => undefined)); // an early failure must not go unhandled
  try {
    for (const [i, c] of p.chunks.entries()) {
      signal?.throwIfAborted();
      const buf = new Uint8Array(await reads[i]);
      if (buf.length !== c.end - c.start) throw new Error('the key column chunk lies outside the file');
      n = decodeChunk(buf, c.meta, p.width, p.optional, bytes, n);
    }
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  return out.subarray(0, n);
}

/**
 * Ranges of one object closer than this are fetched as one read: a request costs far more
 * than this many bytes (an S3 GET's round trip is tens of ms; moto spends 5-8 ms of CPU on
 * any request). Row groups of one writer are far apart (the other columns lie between), but
 * a table of few columns, or small row groups, has its key chunks side by side.
 */
export const COALESCE_GAP = 64 * 1024;

/** Each chunk's bytes, chunks of one object near each other read together (one request each run). */
export function coalescedReads(chunks: Array<{ file: AsyncBuffer; start: number; end: number }>): Array<Promise<ArrayBuffer>> {
  const out = new Array<Promise<ArrayBuffer>>(chunks.length);
  const byFile = new Map<AsyncBuffer, number[]>();
  chunks.forEach((c, i) => (byFile.get(c.file) ?? byFile.set(c.file, []).get(c.file)!).push(i));
  for (const [file, idx] of byFile) {
    idx.sort((a, b) => chunks[a].start - chunks[b].start);
    for (let i = 0; i < idx.length; ) {
      let j = i + 1;
      let end = chunks[idx[i]].end;
      while (j < idx.length && chunks[idx[j]].start - end <= COALESCE_GAP) end = Math.max(end, chunks[idx[j++]].end);
      const start = chunks[idx[i]].start;
      const run = idx.slice(i, j);
      if (run.length === 1) out[run[0]] = Promise.resolve(file.slice(start, end));
      else {
        const whole = Promise.resolve(file.slice(start, end));
        for (const k of run) out[k] = whole.then((b) => b.slice(chunks[k].start - start, chunks[k].end - start));
      }
      i = j;
    }
  }
  return out;
}

/** Decodes one column chunk's pages into out (as bytes) from value n; returns the new n. */
function decodeChunk(buf: Uint8Array, meta: ColumnMetaData, width: 4 | 8, optional: boolean, out: Uint8Array, n: number): number {
  const r = { buf, pos: 0 };
  let dict: Uint8Array | null = null;
  let values = 0;
  const total = Number(meta.num_values);
  while (values < total && r.pos < buf.length) {
    const h = readStruct(r);
    const type = h.get(1) as number;
    const uncompressed = h.get(2) as number;
    const compressed = h.get(3) as number;
    const start = r.pos;
    if (start + compressed > buf.length) throw new Error('a key column page runs past its chunk');
    const page = buf.subarray(start, start + compressed);
    r.pos = start + compressed;
    if (type === 2) {
      // Dictionary page: PLAIN values.
      dict = decompress(page, meta.codec, uncompressed);
    } else if (type === 0) {
      const dh = h.get(5) as Map<number, unknown>;
      const num = dh.get(1) as number;
      const enc = dh.get(2) as number;
      const body = decompress(page, meta.codec, uncompressed);
      let off = 0;
      let nonNull = num;
      if (optional) {
        if ((dh.get(3) as number) !== 3) throw new Unsupported('definition levels not RLE');
        const len = body[0] | (body[1] << 8) | (body[2] << 16) | (body[3] << 24);
        nonNull = countMax(body.subarray(4, 4 + len), num);
        off = 4 + len;
      }
      n = values_(body.subarray(off), enc, nonNull, dict, width, out, n);
      values += num;
    } else if (type === 3) {
      const dh = h.get(8) as Map<number, unknown>;
      const num = dh.get(1) as number;
      const nulls = dh.get(2) as number;
      const enc = dh.get(4) as number;
      const levels = ((dh.get(5) as number) ?? 0) + ((dh.get(6) as number) ?? 0);
      const isCompressed = dh.get(7) !== false;
      let body = page.subarray(levels);
      if (isCompressed && meta.codec !== 'UNCOMPRESSED' && uncompressed - levels > 0) body = decompress(body, meta.codec, uncompressed - levels);
      n = values_(body, enc, num - nulls, dict, width, out, n);
      values += num;
    } // index pages (1) and others: skipped
  }
  return n;
}

/** The non-null values of one data page, appended to out at value n. */
function values_(body: Uint8Array, enc: number, count: number, dict: Uint8Array | null, width: number, out: Uint8Array, n: number): number {
  if (count > out.length / width - n) throw new Error('a key column holds more values than its footer says');
  if (enc === 0) {
    // PLAIN: the values' little-endian bytes, as the typed array holds them.
    if (body.length < count * width) throw new Error('a key column page is shorter than its values');
    out.set(body.subarray(0, count * width), n * width);
    return n + count;
  }
  if (enc === 2 || enc === 8) {
    if (!dict) throw new Error('a dictionary-encoded key page without a dictionary');
    const bitWidth = body[0];
    const idx = new Int32Array(count);
    if (bitWidth > 0) hybrid(body, 1, body.length, bitWidth, idx, count);
    const dictSize = Math.floor(dict.length / width);
    for (let i = 0; i < count; i++) {
      const k = idx[i];
      if (k < 0 || k >= dictSize) throw new Error('a key column index points outside its dictionary');
      out.set(dict.subarray(k * width, k * width + width), (n + i) * width);
    }
    return n + count;
  }
  throw new Unsupported(`encoding ${enc}`);
}

function decompress(page: Uint8Array, codec: string, size: number): Uint8Array {
  if (codec === 'UNCOMPRESSED') return page;
  if (codec === 'GZIP') return new Uint8Array(gunzipSync(page));
  const out = new Uint8Array(size);
  snappyUncompress(page, out);
  return out;
}

/** How many of `num` 1-bit definition levels are 1 (not null), RLE/bit-packed hybrid. */
function countMax(levels: Uint8Array, num: number): number {
  const v = new Int32Array(num);
  hybrid(levels, 0, levels.length, 1, v, num);
  let c = 0;
  for (let i = 0; i < num; i++) c += v[i];
  return c;
}

/** Parquet's RLE / bit-packed hybrid: `count` values of `bitWidth` bits from buf[pos, end). */
function hybrid(buf: Uint8Array, pos: number, end: number, bitWidth: number, out: Int32Array, count: number): void {
  let i = 0;
  const bytesPer = (bitWidth + 7) >> 3;
  while (i < count && pos < end) {
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80 || pos >= end) break;
    }
    if (header % 2 === 0) {
      const run = header / 2;
      let v = 0;
      for (let k = 0; k < bytesPer; k++) v |= buf[pos++] << (8 * k);
      const stop = Math.min(count, i + run);
      out.fill(v, i, stop);
      i = stop;
    } else {
      const groups = (header - 1) / 2;
      const mask = bitWidth >= 32 ? -1 : (1 << bitWidth) - 1;
      let acc = 0;
      let bits = 0;
      const stopByte = Math.min(end, pos + groups * bitWidth);
      for (let k = 0; k < groups * 8 && i < count; k++) {
        while (bits < bitWidth && pos < stopByte) {
          acc += buf[pos++] * 2 ** bits;
          bits += 8;
        }
        out[i++] = acc % 2 ** bitWidth & mask;
        acc = Math.floor(acc / 2 ** bitWidth);
        bits -= bitWidth;
      }
      pos = stopByte;
    }
  }
  if (i < count) throw new Error('a key column page ends before its values');
}

// ---- Thrift compact protocol: just enough to read page headers. ----

interface Reader {
  buf: Uint8Array;
  pos: number;
}

function varint(r: Reader): number {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (r.pos >= r.buf.length) throw new Error('a key column page header is cut short');
    const b = r.buf[r.pos++];
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return v;
    if (shift > 70) throw new Error('a key column page header is damaged');
  }
}

function zigzag(r: Reader): number {
  const v = varint(r);
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

function readValue(r: Reader, type: number): unknown {
  switch (type) {
    case 1:
      return true;
    case 2:
      return false;
    case 3:
      return r.buf[r.pos++];
    case 4:
    case 5:
    case 6:
      return zigzag(r);
    case 7:
      r.pos += 8;
      return 0;
    case 8: {
      const len = varint(r);
      r.pos += len;
      return null;
    }
    case 9:
    case 10: {
      const h = r.buf[r.pos++];
      let size = h >> 4;
      if (size === 15) size = varint(r);
      const et = h & 0x0f;
      for (let i = 0; i < size; i++) readValue(r, et === 1 || et === 2 ? 3 : et);
      return null;
    }
    case 11: {
      const size = varint(r);
      if (size) {
        const kv = r.buf[r.pos++];
        for (let i = 0; i < size; i++) {
          readValue(r, kv >> 4);
          readValue(r, kv & 0x0f);
        }
      }
      return null;
    }
    case 12:
      return readStruct(r);
    default:
      throw new Error('a key column page header is damaged');
  }
}

function readStruct(r: Reader): Map<number, unknown> {
  const fields = new Map<number, unknown>();
  let id = 0;
  for (;;) {
    if (r.pos >= r.buf.length) throw new Error('a key column page header is cut short');
    const b = r.buf[r.pos++];
    if (b === 0) return fields;
    const delta = b >> 4;
    id = delta ? id + delta : zigzag(r);
    fields.set(id, readValue(r, b & 0x0f));
  }
}
