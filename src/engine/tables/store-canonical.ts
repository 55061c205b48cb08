// The canonical CSV of a segment that DuckDB's strict reader cannot be trusted with (not
// "plain", see indexer.ts): our parser's records rewritten with every field quoted, LF line
// ends, the header's width, then the malformed flag and the extra fields. Apart from store.ts
// because it is a byte-level rewriter with its own hot loop, not store logic.
import { closeSync, openSync, promises as fsp, writeSync } from 'node:fs';
import type { EntryMeta } from './cache';
import { RecordParser } from './csv-cells';

const QUOTE = 0x22;

/** data.csv → every record as n quoted fields + "0"/"1" (malformed) + the extra fields, LF-terminated. */
export async function writeCanonical(
  src: string,
  dst: string,
  meta: EntryMeta,
  withHeader: boolean,
  signal?: AbortSignal,
): Promise<void> {
  const n = Math.max(1, meta.headerFields);
  const fd = openSync(dst, 'w');
  let out = Buffer.allocUnsafe(4 * 1024 * 1024);
  let o = 0;
  const flush = (): void => {
    let off = 0;
    while (off < o) off += writeSync(fd, out, off, o - off);
    o = 0;
  };
  const room = (k: number): void => {
    if (o + k <= out.length) return;
    flush();
    if (k > out.length) out = Buffer.allocUnsafe(k * 2);
  };
  const field = (b: Uint8Array, s: number, e: number): void => {
    room((e - s) * 2 + 3);
    out[o++] = QUOTE;
    for (let i = s; i < e; i++) {
      const c = b[i];
      out[o++] = c;
      if (c === QUOTE) out[o++] = QUOTE;
    }
    out[o++] = QUOTE;
  };
  const parser = new RecordParser(
    null,
    { headerFields: withHeader ? undefined : meta.headerFields, raw: true, dialect: meta.source.dialect },
    (bytes, ends, fields, info) => {
      let s = 0;
      for (let k = 0; k < n; k++) {
        if (k > 0) {
          room(1);
          out[o++] = 0x2c;
        }
        if (k < fields) {
          field(bytes, s, ends[k]);
          s = ends[k];
        } else field(bytes, 0, 0);
      }
      room(8);
      out[o++] = 0x2c;
      out[o++] = QUOTE;
      out[o++] = info.malformed ? 0x31 : 0x30;
      out[o++] = QUOTE;
      out[o++] = 0x2c;
      if (fields > n) {
        // Extra fields, joined with ',' (the delimiters they had).
        const start = ends[n - 1];
        const extra = Buffer.alloc(ends[fields - 1] - start + (fields - n - 1));
        let x = 0;
        let prev = start;
        for (let k = n; k < fields; k++) {
          if (k > n) extra[x++] = 0x2c;
          extra.set(bytes.subarray(prev, ends[k]), x);
          x += ends[k] - prev;
          prev = ends[k];
        }
        field(extra, 0, x);
      } else field(bytes, 0, 0);
      room(1);
      out[o++] = 0x0a;
    },
  );
  const fh = await fsp.open(src, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      parser.push(buf.subarray(0, bytesRead));
    }
    parser.finish();
    flush();
  } finally {
    await fh.close();
    closeSync(fd);
  }
}
