// lzop files (the LZO codec of seed 002's extracts): the lzop container and an LZO1X
// decompressor, streamed block by block, with the container's checksums verified.
//
// Why our own: the npm packages for LZO are native addons without the lzop container
// (lzo-decompress, lzo) or FFmpeg compiled to wasm (lzo-wasm); LZO1X decompression is a
// short, well-specified loop (the Linux kernel's lzo1x_decompress_safe is the model here), and
// the tests hold it to lzop's own output (test/parts/lzo.test.ts).
//
// Container (lzop 1.0x, all integers big-endian): magic 89 4C 5A 4F 00 0D 0A 1A 0A; version,
// lib version, [version needed >= 0x0940], method, [level], flags, [filter], mode, mtime,
// [mtime high], name, header checksum; [extra field]; then blocks: decoded size (0 = end),
// encoded size, checksums by flags, data (stored when encoded = decoded size).
import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

export const LZOP_MAGIC = Buffer.from([0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]);

const F_ADLER32_D = 0x1;
const F_ADLER32_C = 0x2;
const F_H_EXTRA_FIELD = 0x40;
const F_CRC32_D = 0x100;
const F_CRC32_C = 0x200;
const F_H_FILTER = 0x800;
const F_H_CRC32 = 0x1000;
/** lzop writes blocks of 256 KiB; its format allows up to 64 MiB. */
const MAX_BLOCK = 64 * 1024 * 1024;

export class LzoError extends Error {
  constructor(
    message: string,
    readonly reason: 'corrupt' | 'truncated' | 'unsupported',
  ) {
    super(message);
  }
}

export function adler32(b: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let s = (start >>> 16) & 0xffff;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const e = Math.min(n, i + 5552); // the most bytes before the sums can overflow 2^32
    for (; i < e; i++) {
      a += b[i];
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}

const crc32 = (b: Uint8Array): number => (zlib as unknown as { crc32(b: Uint8Array): number }).crc32(b) >>> 0;

/**
 * Decompresses one LZO1X block into exactly `outLen` bytes. Throws LzoError('corrupt') on
 * any overrun, a match before the output's start, or a wrong decoded size.
 */
export function lzo1xDecompress(src: Uint8Array, outLen: number): Uint8Array {
  const out = new Uint8Array(outLen);
  const n = src.length;
  let ip = 0;
  let op = 0;
  let t = 0;
  let state = 0;
  let next: number;
  let mPos = 0;
  const bad = (why: string): never => {
    throw new LzoError(`LZO data is corrupt (${why} at input ${ip}, output ${op})`, 'corrupt');
  };
  const need = (k: number): void => {
    if (ip + k > n) bad('input overrun');
  };
  /** t += 255 per zero byte, then the next byte: long lengths. */
  const longLength = (base: number): void => {
    const from = ip;
    while (ip < n && src[ip] === 0) ip++;
    need(1);
    t += (ip - from) * 255 + base + src[ip++];
  };
  const literals = (k: number): void => {
    need(k);
    if (op + k > outLen) bad('output overrun');
    out.set(src.subarray(ip, ip + k), op);
    ip += k;
    op += k;
  };
  const copyMatch = (len: number): void => {
    if (mPos < 0) bad('match before the start');
    if (op + len > outLen) bad('output overrun');
    if (op - mPos >= len) {
      out.copyWithin(op, mPos, mPos + len);
      op += len;
    } else for (let k = 0; k < len; k++) out[op++] = out[mPos++]; // overlapping: byte by byte
  };

  need(1);
  if (src[0] > 17) {
    t = src[ip++] - 17;
    if (t < 4) {
      state = t;
      literals(t);
    } else {
      literals(t);
      state = 4;
    }
  }
  for (;;) {
    need(1);
    t = src[ip++];
    let len: number;
    if (t < 16) {
      if (state === 0) {
        if (t === 0) longLength(15);
        literals(t + 3);
        state = 4;
        continue;
      }
      need(1);
      if (state !== 4) {
        next = t & 3;
        mPos = op - 1 - (t >> 2) - (src[ip++] << 2);
        len = 2;
      } else {
        next = t & 3;
        mPos = op - (1 + 0x0800) - (t >> 2) - (src[ip++] << 2);
        len = 3;
      }
    } else if (t >= 64) {
      need(1);
      next = t & 3;
      mPos = op - 1 - ((t >> 2) & 7) - (src[ip++] << 3);
      len = (t >> 5) + 1;
    } else if (t >= 32) {
      t &= 31;
      if (t === 0) longLength(31);
      len = t + 2;
      need(2);
      const d = src[ip] | (src[ip + 1] << 8);
      ip += 2;
      mPos = op - 1 - (d >> 2);
      next = d & 3;
    } else {
      mPos = op - ((t & 8) << 11);
      t &= 7;
      if (t === 0) longLength(7);
      len = t + 2;
      need(2);
      const d = src[ip] | (src[ip + 1] << 8);
      ip += 2;
      mPos -= d >> 2;
      next = d & 3;
      if (mPos === op) {
        // End of stream marker.
        if (len !== 3) bad('bad end marker');
        if (ip !== n) bad('data after the end marker');
        if (op !== outLen) bad(`decoded ${op} bytes, the block says ${outLen}`);
        return out;
      }
      mPos -= 0x4000;
    }
    copyMatch(len);
    state = next;
    literals(next);
  }
}

/** A Transform from an lzop file's bytes to its decoded bytes. */
export class LzopDecoder extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private headerDone = false;
  private flags = 0;
  private ended = false;
  /** Decoded bytes delivered so far (for "how much was readable"). */
  decoded = 0;

  constructor() {
    super({ readableHighWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.drain();
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (!this.ended) {
      cb(
        new LzoError(
          `the lzop file ends early (truncated): ${this.decoded} bytes could be decoded`,
          'truncated',
        ),
      );
      return;
    }
    cb();
  }

  /** Consumes whole units (header, blocks) from buf. */
  private drain(): void {
    for (;;) {
      if (this.ended) {
        this.buf = Buffer.alloc(0); // lzop ignores anything after the end block
        return;
      }
      const used = this.headerDone ? this.block() : this.header();
      if (used === 0) return;
      this.buf = this.buf.subarray(used);
    }
  }

  /** Parses the header if whole; returns the bytes it used (0: need more). */
  private header(): number {
    const b = this.buf;
    if (b.length < LZOP_MAGIC.length) return 0;
    if (!b.subarray(0, LZOP_MAGIC.length).equals(LZOP_MAGIC))
      throw new LzoError('not an lzop file (bad magic)', 'corrupt');
    let p = LZOP_MAGIC.length;
    const has = (k: number): boolean => p + k <= b.length;
    if (!has(2 + 2)) return 0;
    const version = b.readUInt16BE(p);
    p += 4; // version, lib version
    if (version >= 0x0940) {
      if (!has(2)) return 0;
      p += 2;
    }
    if (!has(1)) return 0;
    const method = b[p++];
    if (method < 1 || method > 3)
      throw new LzoError(`lzop method ${method} is not LZO1X (not readable by this version)`, 'unsupported');
    if (version >= 0x0940) {
      if (!has(1)) return 0;
      p++; // level
    }
    if (!has(4)) return 0;
    this.flags = b.readUInt32BE(p);
    p += 4;
    if (this.flags & F_H_FILTER) {
      throw new LzoError('lzop filters are not readable by this version', 'unsupported');
    }
    if (!has(4 + 4)) return 0;
    p += 8; // mode, mtime low
    if (version >= 0x0940) {
      if (!has(4)) return 0;
      p += 4;
    }
    if (!has(1)) return 0;
    const nameLen = b[p++];
    if (!has(nameLen + 4)) return 0;
    const headerBytes = b.subarray(LZOP_MAGIC.length, p + nameLen);
    p += nameLen;
    const want = b.readUInt32BE(p);
    p += 4;
    const got = this.flags & F_H_CRC32 ? crc32(headerBytes) : adler32(headerBytes);
    if (got !== want) throw new LzoError('the lzop header checksum does not match (corrupt)', 'corrupt');
    if (this.flags & F_H_EXTRA_FIELD) {
      if (!has(4)) return 0;
      const len = b.readUInt32BE(p);
      if (!has(4 + len + 4)) return 0;
      p += 4 + len + 4;
    }
    this.headerDone = true;
    return p;
  }

  /** Decodes one block if whole; returns the bytes it used (0: need more). */
  private block(): number {
    const b = this.buf;
    const f = this.flags;
    if (b.length < 4) return 0;
    const dLen = b.readUInt32BE(0);
    if (dLen === 0) {
      this.ended = true;
      return 4;
    }
    if (dLen > MAX_BLOCK) throw new LzoError(`an lzop block declares ${dLen} bytes (corrupt)`, 'corrupt');
    if (b.length < 8) return 0;
    const cLen = b.readUInt32BE(4);
    if (cLen > dLen) throw new LzoError('an lzop block is larger encoded than decoded (corrupt)', 'corrupt');
    let p = 8;
    const sums = (f & F_ADLER32_D ? 1 : 0) + (f & F_CRC32_D ? 1 : 0) + (cLen < dLen ? (f & F_ADLER32_C ? 1 : 0) + (f & F_CRC32_C ? 1 : 0) : 0);
    if (b.length < p + 4 * sums + cLen) return 0;
    const dAdler = f & F_ADLER32_D ? b.readUInt32BE((p += 4) - 4) : null;
    const dCrc = f & F_CRC32_D ? b.readUInt32BE((p += 4) - 4) : null;
    let cAdler: number | null = null;
    let cCrc: number | null = null;
    if (cLen < dLen) {
      if (f & F_ADLER32_C) cAdler = b.readUInt32BE((p += 4) - 4);
      if (f & F_CRC32_C) cCrc = b.readUInt32BE((p += 4) - 4);
    }
    const data = b.subarray(p, p + cLen);
    if ((cAdler !== null && adler32(data) !== cAdler) || (cCrc !== null && crc32(data) !== cCrc))
      throw new LzoError(`an lzop block fails its checksum after ${this.decoded} decoded bytes (corrupt)`, 'corrupt');
    const out = cLen === dLen ? Buffer.from(data) : lzo1xDecompress(data, dLen);
    if ((dAdler !== null && adler32(out) !== dAdler) || (dCrc !== null && crc32(out) !== dCrc))
      throw new LzoError(`an lzop block fails its checksum after ${this.decoded} decoded bytes (corrupt)`, 'corrupt');
    this.decoded += out.length;
    this.push(out);
    return p + cLen;
  }
}

export function lzopDecoder(): Transform {
  return new LzopDecoder();
}
