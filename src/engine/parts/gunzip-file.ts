// A gzip file of the drop decoded on the calling thread into one reused output buffer, for
// readers whose consumer keeps nothing of a chunk past its return (PartReadOptions.transient:
// the extracts inspector's one pass, the scan's counters). Same zlib (Node's own inflate
// handle, the one zlib.createGunzip drives), same results: concatenated members read whole,
// a truncated file fails as Z_BUF_ERROR ("unexpected end of file"), damaged bytes as
// Z_DATA_ERROR, after the bytes decoded before them were delivered.
//
// Why not the stream: per 1 MiB of output the stream costs a thread-pool trip, a
// stream/event dispatch and a fresh 1 MiB buffer (the file's ReadStream another per 1 MiB
// read). On these VMs a fresh page costs ~10-15 µs to fault in: a 1 GB extract drop spent
// more CPU faulting in zlib's output buffers than counting their records. Here one 256 KiB
// output buffer (it stays in the CPU's L2 for the counters that read it next) and one raw
// buffer serve the whole file. Inflating on the worker's own thread loses nothing: the
// stream's consumer waited for each chunk anyway.
import zlib from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';

/** Decoded bytes handed over per call (the reused output buffer). */
export const GUNZIP_OUT_BYTES = 256 << 10;
/** Raw bytes read per file read (the reused input buffer). */
const RAW_BYTES = 1 << 20;

/** What Node's zlib handle exposes to zlib.js (stable since Node 12; checked at first use). */
interface InflateHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

interface HandleOwner {
  _handle?: InflateHandle;
  _writeState?: Uint32Array;
}

/** Node's zlib handle and its state array for a new Gunzip, or null when this Node does not expose them. */
function gunzipHandle(): { gz: zlib.Gunzip; handle: InflateHandle; state: Uint32Array } | null {
  const gz = zlib.createGunzip();
  const own = gz as unknown as HandleOwner;
  const handle = own._handle;
  const state = own._writeState;
  if (!handle || typeof handle.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    gz.destroy();
    return null;
  }
  return { gz, handle, state };
}

let supported: boolean | null = null;

/** Buffers of a finished read, for this thread's next one. */
const spare: { out: Buffer | null; raw: Buffer | null } = { out: null, raw: null };

/** True when Node's zlib handle can be driven directly (else the caller streams). */
export function canGunzipInPlace(): boolean {
  if (supported === null) {
    const h = gunzipHandle();
    supported = h !== null;
    h?.gz.destroy();
  }
  return supported;
}

/** A zlib failure, shaped as the stream's errors are (code Z_BUF_ERROR, Z_DATA_ERROR, …). */
function zlibError(message: string, errno: number, code?: string): NodeJS.ErrnoException {
  const e = new Error(message) as NodeJS.ErrnoException;
  e.errno = errno;
  e.code = code;
  return e;
}

/**
 * Reads `fh` from its start and delivers its gunzipped bytes in pieces of GUNZIP_OUT_BYTES
 * (the last shorter), each a view of the same buffer, valid only until `deliver` returns (or
 * its promise settles). Throws zlib's error (the bytes before it delivered), or deliver's.
 */
export async function gunzipFile(
  fh: FileHandle,
  deliver: (chunk: Uint8Array) => void | Promise<void>,
  opts: { name?: string; signal?: AbortSignal; onRawBytes?: (n: number) => void } = {},
): Promise<void> {
  const h = gunzipHandle();
  if (!h) throw new Error('zlib handle not available');
  const { handle, state, gz } = h;
  let failure: NodeJS.ErrnoException | null = null;
  handle.onerror = (message, errno, code) => {
    failure ??= zlibError(message, errno, code);
  };
  // The thread's spare buffers, when no other read holds them (fresh pages are what cost).
  const out = spare.out ?? Buffer.allocUnsafe(GUNZIP_OUT_BYTES);
  const raw = spare.raw ?? Buffer.allocUnsafe(RAW_BYTES);
  spare.out = spare.raw = null;
  let used = 0;
  let position = 0;
  const flushOut = async (): Promise<void> => {
    const n = used;
    used = 0;
    const wait = deliver(n === out.length ? out : out.subarray(0, n));
    if (wait && typeof wait.then === 'function') await wait;
  };
  /** Inflates input[0, len) with `flush`; delivers every filled output buffer. */
  const inflate = async (input: Uint8Array, len: number, flush: number): Promise<void> => {
    let inOff = 0;
    let availIn = len;
    for (;;) {
      const availOut = out.length - used;
      state[0] = availOut;
      state[1] = availIn;
      handle.writeSync(flush, input, inOff, availIn, out, used, availOut);
      const outAfter = state[0];
      const inAfter = state[1];
      used += availOut - outAfter;
      if (failure) {
        // What was decoded before the damage is delivered first (how much was readable).
        if (used > 0) await flushOut();
        throw failure;
      }
      inOff += availIn - inAfter;
      availIn = inAfter;
      if (used === out.length) await flushOut();
      // zlib stops short of the output's end only once the input is used up (or the stream ended).
      if (outAfter !== 0) return;
    }
  };
  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(raw, 0, raw.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      opts.onRawBytes?.(bytesRead);
      await inflate(raw, bytesRead, zlib.constants.Z_NO_FLUSH);
    }
    await inflate(raw, 0, zlib.constants.Z_FINISH);
    if (used > 0) await flushOut();
  } finally {
    // Closes the handle (once: zlib.js nulls it).
    gz.destroy();
    spare.out = out;
    spare.raw = raw;
  }
}
