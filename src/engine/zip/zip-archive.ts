// Reads zip archives without extracting them: yauzl for the central directory (zip64 and
// data-descriptor archives included), then our own 1 MiB raw reads fed to zlib, which is
// ~4x faster than yauzl's 16 KiB default stream (measured: ~390 vs ~106 MB/s).
import { promises as fsp } from 'node:fs';
import { once } from 'node:events';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { openRegular, type DropPath } from '../fs/open-regular';

export const INFLATE_CHUNK = 1 << 20;

/**
 * Members up to this size are read in one raw read (none for an archive held in memory) and
 * inflated in one synchronous call: a stream's 1 MiB buffers and thread-pool trips cost more
 * than inflating a small member (a worker then keeps its core busy instead of waiting).
 */
export const SYNC_INFLATE_MAX = 4 << 20;

export interface ZipMember {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
  crc32: number;
  encrypted: boolean;
  isDirectory: boolean;
  entry: yauzl.Entry;
  /**
   * Set when this member's data overlaps an earlier member's (several central entries that
   * point into one local entry: an overlap bomb inflates it once per entry): that member's
   * name. Such a member is never inflated.
   */
  overlaps?: string;
}

export class ZipError extends Error {
  constructor(
    message: string,
    readonly reason: 'open' | 'truncated' | 'corrupt' | 'crc' | 'too-large' | 'unsupported' | 'encrypted',
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    return raw.toString('latin1'); // CP437 names: close enough for display; never used as a path
  }
}

/** A member name that would escape or replace files if someone extracted the archive. */
export function isHostileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f]/.test(name)) return true;
  if (/^([a-zA-Z]:)?[\\/]/.test(name)) return true;
  return name.split(/[\\/]/).some((seg) => seg === '..');
}

interface LocalHeader {
  fileDataStart: number;
  generalPurposeBitFlag: number;
  compressionMethod: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  fileName: Buffer;
}

const ZIP64_MARK = 0xffffffff;

/** What `unzip -t` would complain about: the local header naming another method, name or size. */
function localDisagreement(m: ZipMember, h: LocalHeader): string | null {
  if (h.compressionMethod !== m.method) return `method ${h.compressionMethod} vs ${m.method}`;
  const central = m.entry.fileName as unknown as Buffer;
  if (Buffer.isBuffer(central) && !central.equals(h.fileName)) return `name ${JSON.stringify(h.fileName.toString('latin1'))} vs ${JSON.stringify(m.name)}`;
  // With a data descriptor (bit 3) the local fields may be zero; zip64 keeps them in the extra field.
  if ((h.generalPurposeBitFlag & 8) === 0) {
    if (h.crc32 >>> 0 !== m.crc32) return 'CRC-32';
    if (h.compressedSize !== ZIP64_MARK && h.compressedSize !== m.compressedSize) return `compressed size ${h.compressedSize} vs ${m.compressedSize}`;
    if (h.uncompressedSize !== ZIP64_MARK && h.uncompressedSize !== m.uncompressedSize) return `size ${h.uncompressedSize} vs ${m.uncompressedSize}`;
  }
  return null;
}

/**
 * Marks members whose local entry starts inside an earlier member's (each local entry takes
 * at least its 30-byte header and its compressed data), and members pointing at the same
 * local header.
 */
function markOverlaps(members: ZipMember[]): void {
  const byOffset = members
    .filter((m) => !m.isDirectory)
    .map((m) => ({ m, at: m.entry.relativeOffsetOfLocalHeader }))
    .sort((a, b) => a.at - b.at);
  let prev: { m: ZipMember; end: number } | null = null;
  for (const { m, at } of byOffset) {
    if (prev && at < prev.end) m.overlaps = prev.m.name;
    const end = at + 30 + m.compressedSize;
    if (!prev || end > prev.end) prev = { m, end };
  }
}

const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

/** The archive's members from its central directory. */
async function readEntries(zip: yauzl.ZipFile): Promise<ZipMember[]> {
  const members: ZipMember[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = decodeName(entry.fileName as unknown as Buffer);
      members.push({
        name,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        method: entry.compressionMethod,
        crc32: entry.crc32 >>> 0,
        encrypted: (entry.generalPurposeBitFlag & 1) !== 0,
        isDirectory: name.endsWith('/'),
        entry,
      });
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', (e: Error) => reject(new ZipError(e.message, 'corrupt')));
    zip.readEntry();
  });
  return members;
}

export class ZipArchive {
  private constructor(
    private readonly fh: fsp.FileHandle | null,
    private readonly zip: yauzl.ZipFile,
    readonly members: ZipMember[],
    readonly size: number,
    /** The whole archive, when it was read into memory (fromBuffer). */
    private readonly buffer: Buffer | null = null,
  ) {}

  static async open(file: DropPath): Promise<ZipArchive> {
    const fh = await openRegular(file);
    try {
      const size = (await fh.stat()).size;
      const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
        yauzl.fromFd(
          fh.fd,
          { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false },
          (err, z) => (err || !z ? reject(new ZipError(err?.message ?? 'cannot open', 'open')) : resolve(z)),
        ),
      );
      const members = await readEntries(zip);
      markOverlaps(members);
      return new ZipArchive(fh, zip, members, size);
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e instanceof ZipError ? e : new ZipError((e as Error).message, 'open');
    }
  }

  /**
   * An archive already in memory whole: the scan reads a small archive once for its SHA-1,
   * its central directory and its members (no further file-system calls).
   */
  static async fromBuffer(buf: Buffer): Promise<ZipArchive> {
    try {
      const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
        yauzl.fromBuffer(buf, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
          err || !z ? reject(new ZipError(err?.message ?? 'cannot open', 'open')) : resolve(z),
        ),
      );
      const members = await readEntries(zip);
      markOverlaps(members);
      return new ZipArchive(null, zip, members, buf.length, buf);
    } catch (e) {
      throw e instanceof ZipError ? e : new ZipError((e as Error).message, 'open');
    }
  }

  /**
   * Streams a member's uncompressed bytes to `onData` in ~1 MiB pieces and checks its
   * CRC-32 and declared size. `limit` caps the bytes produced (zip bombs).
   */
  async readMember(
    m: ZipMember,
    /** May return a promise: reading pauses until it settles (backpressure for codecs after it). */
    onData: (chunk: Buffer) => void | Promise<void>,
    opts: { signal?: AbortSignal; limit?: number; onRawBytes?: (n: number) => void } = {},
  ): Promise<{ bytes: number }> {
    if (m.encrypted) throw new ZipError(`${m.name} is encrypted`, 'encrypted');
    if (m.method !== 0 && m.method !== 8) {
      throw new ZipError(`${m.name} uses compression method ${m.method}, which cannot be read`, 'unsupported');
    }
    if (m.overlaps) throw new ZipError(`${m.name} shares its data with ${m.overlaps} (an overlapping-entry zip bomb?); not inflated`, 'corrupt');
    const limit = Math.min(opts.limit ?? Number.MAX_SAFE_INTEGER, m.uncompressedSize);
    const header = await new Promise<LocalHeader>((resolve, reject) =>
      this.zip.readLocalFileHeader(m.entry, { minimal: false }, (err: Error | null, h: LocalHeader) =>
        err ? reject(new ZipError(`${m.name}: ${err.message}`, 'truncated')) : resolve(h),
      ),
    );
    const disagreement = localDisagreement(m, header);
    if (disagreement) throw new ZipError(`${m.name}: the local header disagrees with the central directory (${disagreement})`, 'corrupt');
    const start = header.fileDataStart;
    const end = start + m.compressedSize;
    if (end > this.size) throw new ZipError(`${m.name} runs past the end of the archive`, 'truncated');

    let produced = 0;
    let crc = 0;
    const sink = (chunk: Buffer): void | Promise<void> => {
      produced += chunk.length;
      if (produced > limit) {
        throw new ZipError(
          produced > m.uncompressedSize
            ? `${m.name} inflates past its declared size of ${m.uncompressedSize} bytes`
            : `${m.name} is larger than the ${limit} bytes allowed`,
          produced > m.uncompressedSize ? 'corrupt' : 'too-large',
        );
      }
      if (crc32) crc = crc32(chunk, crc);
      return onData(chunk);
    };

    if (m.method === 0) {
      for (let pos = start; pos < end; ) {
        opts.signal?.throwIfAborted();
        const buf = await this.readRaw(pos, Math.min(INFLATE_CHUNK, end - pos));
        pos += buf.length;
        opts.onRawBytes?.(buf.length);
        const wait = sink(buf);
        if (wait && typeof wait.then === 'function') await wait;
      }
    } else if (m.uncompressedSize <= SYNC_INFLATE_MAX && m.compressedSize <= SYNC_INFLATE_MAX) {
      opts.signal?.throwIfAborted();
      const raw = await this.readRaw(start, end - start);
      let out: Buffer;
      try {
        // One byte over the declared size is enough to know it inflates past it.
        out = zlib.inflateRawSync(raw, { maxOutputLength: m.uncompressedSize + 1 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new ZipError(`${m.name} inflates past its declared size of ${m.uncompressedSize} bytes`, 'corrupt');
        }
        throw new ZipError(`${m.name}: ${(e as Error).message}`, 'corrupt');
      }
      opts.onRawBytes?.(end - start);
      const wait = sink(out);
      if (wait && typeof wait.then === 'function') await wait;
    } else {
      const inflater = zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK });
      let failure: unknown = null;
      inflater.on('data', (c: Buffer) => {
        if (failure) return;
        try {
          const wait = sink(c);
          if (wait && typeof wait.then === 'function') {
            inflater.pause();
            wait.then(
              () => inflater.resume(),
              (e: unknown) => {
                failure ??= e;
                inflater.destroy();
              },
            );
          }
        } catch (e) {
          failure = e;
          inflater.destroy();
        }
      });
      const ended = new Promise<void>((resolve, reject) => {
        inflater.once('end', () => (failure ? reject(failure) : resolve()));
        inflater.once('close', () => (failure ? reject(failure) : resolve()));
        inflater.once('error', (e) => reject(failure ?? new ZipError(`${m.name}: ${e.message}`, 'corrupt')));
      });
      ended.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
      try {
        // One raw read ahead, so reading overlaps inflating.
        let next: Promise<Buffer> | null = start < end ? this.readRaw(start, Math.min(INFLATE_CHUNK, end - start)) : null;
        for (let pos = start; next && !failure && !inflater.destroyed; ) {
          opts.signal?.throwIfAborted();
          const buf = await next;
          pos += buf.length;
          next = pos < end ? this.readRaw(pos, Math.min(INFLATE_CHUNK, end - pos)) : null;
          next?.catch(() => undefined);
          opts.onRawBytes?.(buf.length);
          if (!inflater.write(buf)) await Promise.race([once(inflater, 'drain'), ended]);
        }
        if (!inflater.destroyed) inflater.end();
        await ended;
      } catch (e) {
        inflater.destroy();
        if (failure) throw failure;
        throw e instanceof ZipError || (e as Error).name === 'AbortError' ? e : new ZipError(`${m.name}: ${(e as Error).message}`, 'corrupt');
      }
      if (failure) throw failure;
    }
    if (produced !== m.uncompressedSize && produced <= limit && limit === m.uncompressedSize) {
      throw new ZipError(`${m.name} ends after ${produced} of its ${m.uncompressedSize} bytes`, 'truncated');
    }
    if (crc32 && produced === m.uncompressedSize && (crc >>> 0) !== m.crc32) {
      throw new ZipError(`${m.name} fails its CRC-32 check (data damaged)`, 'crc');
    }
    return { bytes: produced };
  }

  /** Reads a small member whole (checksum files); refuses anything over `max` bytes. */
  async readSmallMember(m: ZipMember, max = 64 * 1024): Promise<Buffer> {
    if (m.uncompressedSize > max) throw new ZipError(`${m.name} is too large to be a checksum file`, 'too-large');
    const parts: Buffer[] = [];
    await this.readMember(m, (c) => {
      parts.push(c);
    });
    return Buffer.concat(parts);
  }

  private async readRaw(pos: number, length: number): Promise<Buffer> {
    if (this.buffer) {
      if (pos + length > this.buffer.length) throw new ZipError('the archive ends early (truncated)', 'truncated');
      return this.buffer.subarray(pos, pos + length);
    }
    if (!this.fh) throw new ZipError('the archive is closed', 'open');
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(buf, got, length - got, pos + got);
      if (bytesRead === 0) throw new ZipError('the archive ends early (truncated)', 'truncated');
      got += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    // Not zip.close(): yauzl's FdSlicer would close the fd itself, and closing the
    // FileHandle after it could close an unrelated file that reused the number.
    await this.fh?.close().catch(() => undefined);
  }
}
