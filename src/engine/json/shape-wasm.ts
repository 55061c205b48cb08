// The JSON counter's fast path in bulk: lines of the learned shape (json/shape.ts) validated
// and compared by a WebAssembly kernel (shape-kernel.wat), a slice of a chunk per call, their
// ids' spans handed back. Same answers as RecordShape.match line by line (the kernel is its
// port; the tests hold the counter to parsing every record), ~5x faster: the JS scanner took
// a byte step per string byte, the kernel skips plain string bytes 16 at a time (v128
// compares), and no call crosses from JS per record. A line the kernel does not take (another
// shape, not valid, cut by the chunk's end) goes through the JS path as before.
import type { RecordShape } from './shape';
import { SHAPE_KERNEL_WASM_BASE64 } from './shape-kernel.wasm';
import { instantiateKernel } from '../wasm/instantiate';

// The kernel's memory (shape-kernel.wat describes it): state words at 0, then these regions.
const K_KEYLENS = 1024;
const MAX_KEYS = 4096;
const K_TAPE = 32768;
const MAX_TAPE = 65536;
const K_OUT = 98304;
/** Records taken per call at most (their id spans fill K_OUT..K_DATA). */
const MAX_RECS = 32768;
const K_DATA = 360448;
/** Bytes copied in per call (the memory holds 64 more: the kernel's v128 loads may read past). */
const K_SLICE = 256 * 1024;

interface Kernel {
  lines(p: number, n: number, out: number, max: number, tape: number, keyLens: number): number;
  bytes: Uint8Array;
  i32: Int32Array;
}

/** Instantiated once per thread, synchronously (a ~2.5 KB module); null without Wasm SIMD. */
function loadKernel(): Kernel | null {
  try {
    const exports = instantiateKernel(SHAPE_KERNEL_WASM_BASE64);
    if (!exports) return null;
    const memory = exports.memory as { buffer: ArrayBuffer };
    if (memory.buffer.byteLength < K_DATA + K_SLICE + 64) return null;
    return { lines: exports.lines as Kernel['lines'], bytes: new Uint8Array(memory.buffer), i32: new Int32Array(memory.buffer, 0, K_DATA >> 2) };
  } catch {
    return null;
  }
}

const KERNEL = loadKernel();
/** The kernel loaded in this thread (else every line goes through the JS scanner). */
export const SHAPE_KERNEL_AVAILABLE = KERNEL !== null;
/** Whose shape the kernel holds (counters of one thread may take turns). */
let holder: ShapeLines | null = null;

/** The JSON lines of one counter's shape, taken in bulk. */
export class ShapeLines {
  private synced = -1;
  /** Records the last take() took. */
  records = 0;

  constructor(private readonly shape: RecordShape) {}

  /**
   * Takes the lines of b from i (i at a line's start) while they are records of the shape or
   * blank; `id` gets each taken record's id (its string contents, b[from, to)) where it has
   * one. Returns where it stopped: the first line not taken (b.length: all of them).
   */
  take(b: Uint8Array, i: number, id: ((b: Uint8Array, from: number, to: number) => void) | null): number {
    this.records = 0;
    const k = KERNEL;
    if (!k || !this.sync(k)) return i;
    k.i32[4] = this.shape.idOrdinal;
    const n = b.length;
    let got = 0;
    while (i < n) {
      const e = Math.min(i + K_SLICE, n);
      k.bytes.set(b.subarray(i, e), K_DATA);
      const m = k.lines(K_DATA, e - i, K_OUT, MAX_RECS, K_TAPE, K_KEYLENS);
      const bias = i - K_DATA;
      const stop = k.i32[0] + bias;
      const reason = k.i32[1];
      if (m > 0) {
        got += m;
        if (id) {
          const o = k.i32;
          for (let j = 0, x = K_OUT >> 2; j < m; j++, x += 2) if (o[x] >= 0) id(b, o[x] + bias, o[x + 1] + bias);
        }
      }
      // On from where it stopped if only the slice (not the chunk) cut the line there, or
      // the ids' room ran out; else the line there is the caller's.
      const more = reason === 2 || (reason === 0 && e < n && stop > i);
      i = stop;
      if (!more) break;
    }
    this.records = got;
    return i;
  }

  /** The kernel holds the shape learned last; false when there is none (or it is too big for it). */
  private sync(k: Kernel): boolean {
    const s = this.shape;
    if (holder === this && s.version === this.synced) return true;
    const l = s.learned;
    if (!l || l.len > MAX_TAPE || l.nKeys > MAX_KEYS) return false;
    k.bytes.set(l.tape.subarray(0, l.len), K_TAPE);
    new Int32Array(k.bytes.buffer, K_KEYLENS, MAX_KEYS).set(l.keyLens.subarray(0, l.nKeys));
    k.i32[2] = l.len;
    k.i32[3] = l.nKeys;
    this.synced = s.version;
    // The one kernel instance is shared: remember which matcher's shape it now holds.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    holder = this;
    return true;
  }
}
