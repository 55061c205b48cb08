// Streams a zip member's bytes through its codecs (gzip for a .csv.gz) to a consumer, with
// backpressure end to end: the consumer is synchronous, the gzip decoder runs on libuv's
// pool, and the zip reader waits for the decoder to drain, so memory stays at a few MiB
// whatever the member's size. Shaped as the part reader's codec step (src/engine/parts/
// codecs.ts takes over when it lands: same Codec names, same limit and abort semantics).
import zlib from 'node:zlib';
import type { Codec } from '../../../shared/family';
import { ZipError, type ZipArchive, type ZipMember } from '../../zip/zip-archive';

/** Why a decoded read failed: the container (zip), the codec's stream, or our byte limit. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'codec' | 'too-large' | 'unsupported',
  ) {
    super(message);
  }
}

export interface DecodeOptions {
  signal?: AbortSignal;
  /** Refuse to produce more decoded bytes than this (bombs). */
  limit: number;
  /** Raw (stored) bytes of the zip read, for progress. */
  onRawBytes?: (n: number) => void;
}

const DECODERS: Partial<Record<Codec, () => zlib.Gunzip>> = {
  gzip: () => zlib.createGunzip({ chunkSize: 1 << 20 }),
};

/** Decoded bytes of a member to `onData`; throws ZipError (container) or DecodeError. */
export async function readMemberDecoded(
  archive: ZipArchive,
  m: ZipMember,
  codecs: Codec[],
  onData: (chunk: Buffer) => void,
  opts: DecodeOptions,
): Promise<{ bytes: number }> {
  if (codecs.length === 0) {
    try {
      return await archive.readMember(m, onData, { signal: opts.signal, limit: opts.limit, onRawBytes: opts.onRawBytes });
    } catch (e) {
      if (e instanceof ZipError && e.reason === 'too-large') throw new DecodeError(e.message, 'too-large');
      throw e;
    }
  }
  if (codecs.length > 1 || !DECODERS[codecs[0]]) throw new DecodeError(`${m.name}: codec ${codecs.join('+')} cannot be read here`, 'unsupported');
  const decoder = DECODERS[codecs[0]]!();
  let bytes = 0;
  let failure: Error | null = null;
  decoder.on('data', (c: Buffer) => {
    if (failure) return;
    bytes += c.length;
    if (bytes > opts.limit) {
      failure = new DecodeError(`${m.name} decodes to more than the ${opts.limit} bytes allowed`, 'too-large');
      decoder.destroy();
      return;
    }
    try {
      onData(c);
    } catch (e) {
      failure = e as Error;
      decoder.destroy();
    }
  });
  const done = new Promise<void>((resolve, reject) => {
    decoder.once('end', () => (failure ? reject(failure) : resolve()));
    decoder.once('close', () => (failure ? reject(failure) : resolve()));
    decoder.once('error', (e) => reject(failure ?? new DecodeError(`${m.name} is not a readable ${codecs[0]} stream: ${e.message}`, 'codec')));
  });
  done.catch(() => undefined); // observed below
  try {
    await archive.readMember(
      m,
      (c) => {
        if (failure) throw failure;
        if (!decoder.write(c)) {
          return new Promise<void>((resolve, reject) => {
            const ok = (): void => resolve();
            decoder.once('drain', ok);
            done.then(ok, reject);
          });
        }
      },
      { signal: opts.signal, onRawBytes: opts.onRawBytes },
    );
    decoder.end();
    await done;
  } catch (e) {
    decoder.destroy();
    throw failure ?? e;
  }
  if (failure) throw failure;
  return { bytes };
}
