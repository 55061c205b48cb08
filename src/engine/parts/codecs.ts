// Decoders a part's bytes pass through, independent of where the bytes come from (a file,
// a zip member) and of their layout (DSV, JSON, Parquet). One entry per Codec; a codec is
// a Transform from encoded to decoded bytes.
import type { FileHandle } from 'node:fs/promises';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { Codec } from '../../shared/family';
import { gunzipFile } from './gunzip-file';
import { lzopDecoder } from './lzo';
import { pgpDecryptor, type PgpKeyOptions } from './pgp';

export interface CodecContext {
  /** Where the bytes come from, for messages. */
  name: string;
  /** Secrets and options a codec may need (PGP keys). */
  options?: Record<string, unknown>;
}

export class CodecError extends Error {
  constructor(
    message: string,
    /** 'encrypted': cannot be read without a key; 'corrupt': the bytes are damaged or truncated. */
    readonly reason: 'encrypted' | 'corrupt' | 'unsupported',
  ) {
    super(message);
  }
}

export type CodecFactory = (ctx: CodecContext) => Transform;

export const CODECS: Partial<Record<Codec, CodecFactory>> = {
  // Multi-member gzip (concatenated streams) is read whole, as gzip -dc does.
  gzip: () => zlib.createGunzip({ chunkSize: 1 << 20 }),
  // lzop files (LZO1X); our own decoder (see lzo.ts for why).
  lzo: () => lzopDecoder(),
  // Decrypted with the key of --pgp-key; without one the read fails as 'encrypted'.
  pgp: (ctx) => pgpDecryptor((ctx.options?.pgpKey as PgpKeyOptions | undefined) ?? null, ctx.name),
};

/**
 * Decoders that read a whole local file into one reused output buffer, for consumers that
 * keep nothing of a chunk (PartReadOptions.transient); a codec without one is streamed.
 */
export type InPlaceDecoder = (
  fh: FileHandle,
  deliver: (chunk: Uint8Array) => void | Promise<void>,
  opts: { name: string; signal?: AbortSignal; onRawBytes?: (n: number) => void },
) => Promise<void>;

export const IN_PLACE_DECODERS: Partial<Record<Codec, InPlaceDecoder>> = {
  gzip: gunzipFile,
};

/** The decoder for a codec, or a clear error when this build cannot read it. */
export function codecFor(codec: Codec, ctx: CodecContext): Transform {
  const make = CODECS[codec];
  if (!make) throw new CodecError(`${ctx.name}: ${codec} is not readable by this version`, 'unsupported');
  return make(ctx);
}
