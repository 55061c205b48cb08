// Reads one part's decoded bytes: from a file of the drop or a member of a zip in it, through
// its codecs (gzip, …), in ~1 MiB pieces with backpressure, the decode limits of limits.ts
// (bombs: a decoded-size limit, and when asked a ratio limit) and abort. Layout-independent: counting (count.ts) and the table browser consume the bytes.
// Read-only: files are opened for reading only.
import { once } from 'node:events';
import zlib from 'node:zlib';
import { pathOfRel } from '../fs/names';
import { openRegular } from '../fs/open-regular';
import type { Transform } from 'node:stream';
import { describeSource, fileOf, type PartSpec } from '../../shared/family';
import { EngineError } from '../model';
import { isS3Url } from '../storage/location';
import { sharedStore } from '../storage/open';
import { ObjectChanged } from '../storage/types';
import { ZipArchive, ZipError } from '../zip/zip-archive';
import { codecFor, CodecError, IN_PLACE_DECODERS } from './codecs';
import { canGunzipInPlace } from './gunzip-file';
import { LzoError } from './lzo';
import { PgpError } from './pgp';
import { refusalOf, streamRefusal, type InflateLimits } from './limits';

export type PartFailure = 'missing' | 'corrupt' | 'truncated' | 'encrypted' | 'unsupported' | 'too-large' | 'changed';

export class PartReadError extends Error {
  constructor(
    message: string,
    readonly reason: PartFailure,
    /** Decoded bytes delivered before the failure (how much was readable). */
    readonly bytesRead: number = 0,
  ) {
    super(message);
  }
}

export interface PartReadOptions {
  signal?: AbortSignal;
  /** Decoded bytes allowed before the read is refused (zip and gzip bombs; default DEFAULT_MAX_MEMBER_BYTES). */
  maxBytes?: number;
  /**
   * Refuse a likely bomb: a part decoding past BOMB_MIN_BYTES at more than this ratio to its
   * raw bytes (a zip member by its declared sizes, before inflating). Unset: no ratio limit
   * (the scan counts such parts and reports them).
   */
  maxRatio?: number;
  /** Raw (encoded) bytes read from the drop, for progress. */
  onRawBytes?: (n: number) => void;
  /** Options for codecs (e.g. a PGP key). */
  codecOptions?: Record<string, unknown>;
  /**
   * The archive a member part is in, already open (the inspector's, often held in memory):
   * its members are read from it instead of opening the file again. Not closed here.
   */
  archive?: ZipArchive;
  /**
   * onData keeps nothing of a chunk once it returns (or its promise settles): the reader may
   * hand every chunk in one reused buffer (a local .gz file is then gunzipped in place,
   * gunzip-file.ts). Consumers that hold chunks (the table browser) leave it unset.
   */
  transient?: boolean;
}

const PIECE = 1 << 20;

/** Streams a part's decoded bytes to onData; resolves with the decoded byte count. */
export async function readPart(
  root: string,
  part: PartSpec,
  onData: (chunk: Uint8Array) => void | Promise<void>,
  opts: PartReadOptions = {},
): Promise<{ bytes: number }> {
  const name = describeSource(part.source);
  const limits: Partial<InflateLimits> = { maxMemberBytes: opts.maxBytes, maxRatio: opts.maxRatio };
  let produced = 0;
  let raw = 0;
  const deliver = (chunk: Uint8Array): void | Promise<void> => {
    produced += chunk.length;
    const refusal = streamRefusal(name, produced, raw, limits);
    if (refusal) throw new PartReadError(refusal, 'too-large', produced - chunk.length);
    return onData(chunk);
  };
  const counted: PartReadOptions = {
    ...opts,
    onRawBytes: (n) => {
      raw += n;
      opts.onRawBytes?.(n);
    },
  };

  // A member's archive is opened once for both paths below (or is the caller's, already open);
  // if it cannot be opened, readSource opens it again and says why.
  const src = part.source;
  const own =
    !opts.archive && !isS3Url(root) && src.kind === 'member' && src.of.kind === 'file'
      ? await ZipArchive.open(pathOfRel(root, src.of.path)).catch(() => null)
      : null;
  const archive = opts.archive ?? own ?? undefined;
  try {
    // A small gzip member of a zip (bulk exports: a .csv.gz per record type) decoded in one
    // synchronous call; anything unusual about it is left to the streaming path below.
    const whole = archive ? await smallGzipMember(part, limits, archive) : null;
    if (whole) {
      counted.onRawBytes?.(whole.raw);
      for (let at = 0; at < whole.bytes.length; at += PIECE) {
        opts.signal?.throwIfAborted();
        await deliver(whole.bytes.subarray(at, Math.min(at + PIECE, whole.bytes.length)));
      }
      return { bytes: produced };
    }

    const inPlace = opts.transient && src.kind === 'file' && part.codecs.length === 1 && !isS3Url(root) ? IN_PLACE_DECODERS[part.codecs[0]] : undefined;
    if (inPlace && src.kind === 'file' && (part.codecs[0] !== 'gzip' || canGunzipInPlace())) {
      // A local .gz file for a consumer that copies what it keeps: one reused output buffer.
      const fh = await openRegular(pathOfRel(root, src.path)).catch((e: unknown) => {
        throw asPartError(e, name, 0);
      });
      try {
        await inPlace(fh, deliver, { name, signal: opts.signal, onRawBytes: counted.onRawBytes });
      } catch (e) {
        throw asPartError(e, name, produced);
      } finally {
        await fh.close();
      }
      return { bytes: produced };
    }

    const codecs = part.codecs.map((c) => codecFor(c, { name, options: opts.codecOptions }));
    const sink = codecs.length ? chain(codecs, deliver) : null;
    const push = sink ? sink.write : deliver;
    try {
      await readSource(root, part, push, { ...counted, archive }, name, limits);
      if (sink) await sink.end();
    } catch (e) {
      sink?.destroy();
      throw asPartError(e, name, produced);
    }
  } finally {
    await own?.close();
  }
  return { bytes: produced };
}

function asPartError(e: unknown, name: string, produced: number): Error {
  if (e instanceof PartReadError || (e as Error)?.name === 'AbortError') return e as Error;
  if (e instanceof ZipError) {
    const reason: PartFailure = e.reason === 'encrypted' ? 'encrypted' : e.reason === 'unsupported' ? 'unsupported' : e.reason === 'too-large' ? 'too-large' : e.reason === 'truncated' ? 'truncated' : 'corrupt';
    return new PartReadError(e.message, reason, produced);
  }
  if (e instanceof CodecError || e instanceof PgpError) return new PartReadError(e.message, e.reason, produced);
  if (e instanceof LzoError) return new PartReadError(`${name}: ${e.message}`, e.reason, produced);
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return new PartReadError(`${name} is gone`, 'missing', produced);
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err?.message ?? '')) {
    return new PartReadError(`${name} ends early (truncated): ${produced} bytes could be decoded`, 'truncated', produced);
  }
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) {
    return new PartReadError(`${name} cannot be decoded: ${err.message} (after ${produced} bytes)`, 'corrupt', produced);
  }
  return new PartReadError(`${name}: ${err?.message ?? String(e)}`, 'corrupt', produced);
}

async function readSource(
  root: string,
  part: PartSpec,
  push: (chunk: Uint8Array) => void | Promise<void>,
  opts: PartReadOptions,
  name: string,
  limits: Partial<InflateLimits>,
): Promise<void> {
  const src = part.source;
  if (src.kind === 'file') {
    if (isS3Url(root)) {
      // Read in place from S3 through the drop's store (If-Match on the listed ETag).
      const stream = sharedStore(root).stream(src.path, { signal: opts.signal, version: src.version });
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          opts.onRawBytes?.(chunk.length);
          await push(chunk);
        }
      } catch (e) {
        if (e instanceof ObjectChanged) throw new PartReadError(`${name} changed while it was read`, 'changed');
        if (e instanceof EngineError) throw new PartReadError(e.message, e.code === 'not-found' ? 'missing' : 'corrupt');
        throw e;
      }
      return;
    }
    // Opened non-blocking and checked regular first (a FIFO would block forever).
    const fh = await openRegular(pathOfRel(root, src.path));
    try {
      const stream = fh.createReadStream({ highWaterMark: PIECE, signal: opts.signal, autoClose: false });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        opts.onRawBytes?.(chunk.length);
        await push(chunk);
      }
    } finally {
      await fh.close();
    }
    return;
  }
  if (isS3Url(root)) throw new PartReadError(`${name}: zip members are not read from S3 by this version`, 'unsupported');
  if (src.of.kind !== 'file') throw new PartReadError(`${name}: archives nested in archives are not read by this version`, 'unsupported');
  const file = fileOf(src);
  let zip: ZipArchive;
  try {
    zip = opts.archive ?? (await ZipArchive.open(pathOfRel(root, file.path)));
  } catch (e) {
    throw new PartReadError(`${file.path} cannot be opened as a zip: ${(e as Error).message}`, 'corrupt');
  }
  try {
    const m = zip.members.find((x) => x.name === src.member);
    if (!m) throw new PartReadError(`${src.member} is not in ${file.path}`, 'missing');
    // Declared sizes first: a likely bomb is refused before a byte is inflated.
    const refusal = refusalOf(src.member, m, limits);
    if (refusal) throw new PartReadError(refusal, 'too-large');
    await zip.readMember(m, push, { signal: opts.signal, onRawBytes: opts.onRawBytes });
  } finally {
    if (zip !== opts.archive) await zip.close();
  }
}

/** Gzip bytes of a zip member up to this size are read and gunzipped whole, in one call... */
const WHOLE_GZIP_MAX = 4 << 20;
/** ...when they decode to at most this much (else the stream, with its limits, takes over). */
const WHOLE_DECODED_MAX = 64 << 20;

/**
 * The decoded bytes of a small `.gz` member of a zip (its raw size beside them), or null when
 * the part is not one, or anything about it needs the streaming path's account: damage,
 * truncation, a size past the limits. Nothing is delivered here, so falling back is clean.
 * Why: per member, a stream costs two thread-pool trips per 1 MiB piece and two 1 MiB
 * buffers; a bulk request holds four members of a few hundred KiB.
 */
async function smallGzipMember(part: PartSpec, limits: Partial<InflateLimits>, zip: ZipArchive): Promise<{ bytes: Buffer; raw: number } | null> {
  const src = part.source;
  if (src.kind !== 'member' || part.codecs.length !== 1 || part.codecs[0] !== 'gzip') return null;
  try {
    const m = zip.members.find((x) => x.name === src.member);
    if (!m || m.uncompressedSize > WHOLE_GZIP_MAX || m.compressedSize > WHOLE_GZIP_MAX || refusalOf(src.member, m, limits)) return null;
    const gz = await zip.readSmallMember(m, WHOLE_GZIP_MAX);
    const cap = Math.min(WHOLE_DECODED_MAX, limits.maxMemberBytes ?? WHOLE_DECODED_MAX);
    // The gzip trailer's size (mod 2^32) sizes the output in one piece: no concatenation of
    // 16 KiB chunks (one member; several members or a wrong trailer only cost more chunks).
    const isize = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
    const chunkSize = Math.min(cap, Math.max(64 << 10, isize + 1));
    const bytes = zlib.gunzipSync(gz, { maxOutputLength: cap, chunkSize });
    return { bytes, raw: m.compressedSize };
  } catch {
    return null;
  }
}

/** Connects codecs in a row: write() with backpressure, end() resolves when all is delivered. */
function chain(
  codecs: Transform[],
  deliver: (chunk: Uint8Array) => void | Promise<void>,
): { write: (c: Uint8Array) => Promise<void>; end: () => Promise<void>; destroy: () => void } {
  for (let i = 0; i + 1 < codecs.length; i++) codecs[i].pipe(codecs[i + 1]);
  const first = codecs[0];
  const last = codecs[codecs.length - 1];
  let failure: unknown = null;
  const fail = (e: unknown): void => {
    failure ??= e;
    // Stop decoding at once (a bomb must not run on after its limit).
    for (const c of codecs) if (!c.destroyed) c.destroy();
  };
  for (const c of codecs) c.on('error', fail);
  last.on('data', (c: Buffer) => {
    if (failure) return;
    try {
      const wait = deliver(c);
      if (wait && typeof wait.then === 'function') {
        last.pause();
        wait.then(
          () => last.resume(),
          (e: unknown) => {
            fail(e);
            last.resume();
          },
        );
      }
    } catch (e) {
      fail(e);
    }
  });
  const done = new Promise<void>((resolve) => {
    last.once('end', resolve);
    last.once('close', resolve);
    for (const c of codecs) c.once('error', () => resolve());
  });
  return {
    async write(c) {
      if (failure) throw failure;
      if (!first.write(c)) await Promise.race([once(first, 'drain'), done]);
      if (failure) throw failure;
    },
    async end() {
      if (failure) throw failure;
      first.end();
      await done;
      if (failure) throw failure;
    },
    destroy() {
      for (const c of codecs) c.destroy();
    },
  };
}
