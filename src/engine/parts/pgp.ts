// PGP/GPG/ASCII-armoured files (seed 002: "The platform supports PGP encryption"): sniffed
// as encrypted without a key (reported as `encrypted`, info, never as corrupt), and with
// --pgp-key decrypted as a stream with openpgp and read like any other file.
//
// Streaming: openpgp works on web streams; the Transform below feeds it and pushes what it
// decrypts. allowUnauthenticatedStream lets records be counted as they arrive (memory stays
// flat) while the integrity check (MDC / AEAD tag) still runs at the end: a failed check
// fails the read, so a tampered file is never reported as whole.
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { readFileSync } from 'node:fs';

export interface PgpKeyOptions {
  /** The armoured or binary private key file (--pgp-key). */
  keyFile: string;
  /** Its passphrase (DROP_INSPECTOR_PGP_PASSPHRASE or a prompt), if it has one. */
  passphrase?: string;
}

export class PgpError extends Error {
  constructor(
    message: string,
    readonly reason: 'encrypted' | 'corrupt',
  ) {
    super(message);
  }
}

type OpenPgp = typeof import('openpgp');
let lib: Promise<OpenPgp> | null = null;
/** openpgp is ~400 kB: loaded on first use, in the worker that decrypts. */
const openpgp = (): Promise<OpenPgp> => (lib ??= import('openpgp'));

const ARMOR = Buffer.from('-----BEGIN PGP MESSAGE-----');

/**
 * Does this file start like an OpenPGP message? Armour, or a binary packet whose tag is one
 * that begins an encrypted message (PKESK 1, SKESK 3, SED 9, SEIPD 18, AEAD 20) or a
 * compressed / literal message (8, 11; signed-only files are not encrypted but still PGP).
 */
export function looksLikePgp(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (Buffer.from(head.subarray(i, i + ARMOR.length)).equals(ARMOR)) return true;
  const b = head[0];
  if ((b & 0x80) === 0) return false;
  const tag = b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f;
  return [1, 3, 8, 9, 11, 18, 20].includes(tag);
}

const keyCache = new Map<string, Promise<unknown>>();

async function privateKey(opts: PgpKeyOptions): Promise<unknown> {
  const id = `${opts.keyFile}\0${opts.passphrase ?? ''}`;
  let k = keyCache.get(id);
  if (!k) {
    k = (async () => {
      const pgp = await openpgp();
      let bytes: Buffer;
      try {
        bytes = readFileSync(opts.keyFile);
      } catch (e) {
        throw new PgpError(`the PGP key ${opts.keyFile} cannot be read: ${(e as Error).message}`, 'encrypted');
      }
      const armored = bytes.includes(Buffer.from('-----BEGIN PGP PRIVATE KEY BLOCK-----'));
      let key = armored
        ? await pgp.readPrivateKey({ armoredKey: bytes.toString('utf8') })
        : await pgp.readPrivateKey({ binaryKey: bytes });
      if (!key.isDecrypted()) {
        if (!opts.passphrase)
          throw new PgpError(
            `the PGP key ${opts.keyFile} needs a passphrase (set DROP_INSPECTOR_PGP_PASSPHRASE)`,
            'encrypted',
          );
        try {
          key = await pgp.decryptKey({ privateKey: key, passphrase: opts.passphrase });
        } catch {
          throw new PgpError(`the passphrase does not unlock the PGP key ${opts.keyFile}`, 'encrypted');
        }
      }
      return key;
    })();
    keyCache.set(id, k);
    k.catch(() => keyCache.delete(id));
  }
  return k;
}

/**
 * A Transform from an OpenPGP message (binary or armoured) to its decrypted literal data.
 * Without a key: fails with PgpError('encrypted').
 */
export class PgpDecryptor extends Transform {
  private readonly input = new PassThrough({ highWaterMark: 1 << 20 });
  private finished: Promise<void> | null = null;
  private started = false;

  constructor(
    private readonly key: PgpKeyOptions | null,
    private readonly name: string,
  ) {
    super({ readableHighWaterMark: 1 << 20 });
  }

  private start(first: Buffer): void {
    this.started = true;
    const armoured = looksArmoured(first);
    this.finished = (async () => {
      if (!this.key) throw new PgpError(`${this.name} is PGP-encrypted; give --pgp-key to read it`, 'encrypted');
      const pgp = await openpgp();
      const decryptionKey = await privateKey(this.key);
      const web = Readable.toWeb(this.input) as unknown as ReadableStream<Uint8Array>;
      let message;
      try {
        message = armoured
          ? await pgp.readMessage({
              armoredMessage: web.pipeThrough(
                new TextDecoderStream() as unknown as { readable: ReadableStream<string>; writable: WritableStream<Uint8Array> },
              ) as unknown as ReadableStream<string>,
            })
          : await pgp.readMessage({ binaryMessage: web });
      } catch (e) {
        throw new PgpError(`${this.name} is not a readable PGP message: ${(e as Error).message}`, 'corrupt');
      }
      let data: ReadableStream<Uint8Array>;
      try {
        const r = await pgp.decrypt({
          message,
          decryptionKeys: decryptionKey as never,
          format: 'binary',
          config: { allowUnauthenticatedStream: true },
        });
        data = r.data as unknown as ReadableStream<Uint8Array>;
      } catch (e) {
        const m = (e as Error).message;
        throw new PgpError(`${this.name} cannot be decrypted with ${this.key.keyFile}: ${m}`, /key|session/i.test(m) ? 'encrypted' : 'corrupt');
      }
      const reader = data.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (value.length) this.push(Buffer.from(value.buffer, value.byteOffset, value.length));
        }
      } catch (e) {
        throw new PgpError(`${this.name} fails to decrypt to its end (corrupt or truncated): ${(e as Error).message}`, 'corrupt');
      }
    })();
    // Reported from _flush (or at once if it fails before the input ends).
    this.finished.catch((e: unknown) => {
      this.input.destroy();
      this.destroy(e as Error);
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.started) this.start(chunk);
    if (this.input.write(chunk)) cb();
    else this.input.once('drain', () => cb());
  }

  override _flush(cb: TransformCallback): void {
    if (!this.started) {
      cb(new PgpError(`${this.name} is empty, not a PGP message`, 'corrupt'));
      return;
    }
    this.input.end();
    this.finished!.then(
      () => cb(),
      (e: unknown) => cb(e as Error),
    );
  }
}

function looksArmoured(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, 256)).includes(ARMOR);
}

export function pgpDecryptor(key: PgpKeyOptions | null, name: string): Transform {
  return new PgpDecryptor(key, name);
}
