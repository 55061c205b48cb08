// The record counter's WebAssembly path (CsvRecordCounter, record-counter.ts): the SIMD
// kernel (simd-kernel.wat, compiled to simd-kernel.wasm.ts by scripts/build-wasm.mjs), its
// memory layout as seen from JS, its loading, and kernelScan(), which hands it the counter's
// state (scan-state.ts), copies the bytes into its memory 64 KiB at a time and takes the state
// back. Its own module: the kernel's side of the counter, apart from the JS loops.
import { instantiateKernel } from '../wasm/instantiate';
import type { RecordEnds } from './count-types';
import { UNQUOTED, type CsvScanState } from './scan-state';
import { SIMD_KERNEL_WASM_BASE64 } from './simd-kernel.wasm';

// The kernel's memory (simd-kernel.wat's header describes the layout).
/** Bytes copied into the kernel's memory and scanned per call. */
const K_SLICE = 64 * 1024;
/** Byte offset of the malformed-record samples (f64 triples) the kernel writes (after the 18 f64 of state). */
const K_SAMPLES = 144;
/** Records ending within one call, at most: one per 2 bytes (a byte and its LF), plus one begun before. */
const K_SAMPLE_CAP = K_SLICE / 2 + 2;
/**
 * Byte offset of the region the bytes are copied to: K_SLICE bytes at one of 64 positions in
 * its first 4 KiB, chosen per copy (see kernelScan()).
 */
const K_DATA = (K_SAMPLES + 24 * K_SAMPLE_CAP + 4095) & ~4095;
/** Byte offset of the terminator addresses the kernel writes (i32 each, at most one per byte). */
const K_ENDS = K_DATA + 4096 + K_SLICE;

export interface Kernel {
  scan(p: number, n: number, sp: number, tp: number): number;
  bytes: Uint8Array;
  /** The state block (f64 0..17), then the samples. */
  f64: Float64Array;
  /** The terminator addresses of the last call (from K_ENDS). */
  ends: Int32Array;
}

/** Instantiated once per thread, synchronously (a ~2 KB module); null without Wasm SIMD. */
function loadKernel(): Kernel | null {
  try {
    const exports = instantiateKernel(SIMD_KERNEL_WASM_BASE64);
    if (!exports) return null;
    const memory = exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
    const pages = Math.ceil((K_ENDS + 4 * K_SLICE) / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages); // once: the views below stay valid
    return {
      scan: exports.scan as Kernel['scan'],
      bytes: new Uint8Array(memory.buffer),
      f64: new Float64Array(memory.buffer, 0, K_DATA >> 3),
      ends: new Int32Array(memory.buffer, K_ENDS, K_SLICE),
    };
  } catch {
    return null;
  }
}

/** The kernel of this thread, or null (every counter then uses the JS path). */
export const KERNEL = loadKernel();
/** The WebAssembly SIMD kernel loaded in this thread (else every counter uses the JS path). */
export const CSV_SIMD_AVAILABLE = KERNEL !== null;

/**
 * Counts b[o..] with the SIMD kernel: hands it the state, copies the bytes into its memory
 * slice by slice, and takes the state and the malformed-record samples back. The kernel's
 * state is the byte loop's (mode, atFieldStart, ...) and its counts are held as exact f64.
 */
export function kernelScan(
  k: Kernel,
  st: CsvScanState,
  b: Uint8Array,
  o: number,
  /** Where b starts in the pushed chunk (-1: not in it, its terminators are not listed). */
  base: number,
  recordEnds: RecordEnds | null,
): void {
  const s = k.f64;
  s[0] = st.mode;
  s[1] = st.atFieldStart ? 1 : 0;
  s[2] = st.atRecordStart ? 1 : 0;
  s[3] = st.afterCR ? 1 : 0;
  s[4] = st.quotedCR ? 1 : 0;
  s[5] = st.delim;
  s[6] = st.headerFields;
  s[8] = st.delims;
  s[9] = st.records;
  s[10] = st.malformed;
  s[11] = st.breaks;
  s[12] = st.recBreaks;
  s[13] = st.nLF;
  s[14] = st.nCRLF;
  s[15] = st.nCR;
  s[16] = st.quote;
  const n = b.length;
  // The copy into Wasm memory (a memmove) ran 10x slower (3 instead of 30 GB/s, glibc on this
  // AMD EPYC) when the destination was a few dozen bytes past the source modulo 4 KiB (4K
  // aliasing); with a fixed destination, whole tables hit it (irf_user_data_cust_1.csv of the
  // bench drop: 1.8 instead of 3.4 GB/s in all). The source's address is unknown but its
  // offset in its ArrayBuffer is known, and big buffers start at or just after a page
  // boundary: put the copy half a page away from the source, on a 64-byte boundary.
  const at = K_DATA + ((b.byteOffset + o + 2048 - K_DATA) & 4095 & ~63);
  const list = base >= 0 ? recordEnds : null;
  if (list) list.from = base + o;
  while (o < n) {
    const e = Math.min(o + K_SLICE, n);
    k.bytes.set(b.subarray(o, e), at); // (o moves by K_SLICE, a multiple of 4096: at stays right)
    const left = st.maxSamples - st.samples.length; // (NaN: none, like noteMalformed)
    s[7] = left > 0 ? Math.min(Math.ceil(left), K_SAMPLE_CAP) : 0;
    const got = k.scan(at, e - o, K_SAMPLES, K_ENDS);
    for (let j = 0, x = K_SAMPLES >> 3; j < got; j++, x += 3)
      st.samples.push({ record: s[x], fields: s[x + 1], line: s[x + 2] });
    if (list) {
      // Kernel addresses to offsets in the pushed chunk.
      const m = s[17];
      let out = list.ends;
      let c = list.count;
      if (c + m > out.length) {
        out = new Int32Array(Math.max(out.length * 2, c + m));
        out.set(list.ends.subarray(0, c));
        list.ends = out;
      }
      const bias = base + o - at;
      const src = k.ends;
      for (let j = 0; j < m; j++) out[c++] = src[j] + bias;
      list.count = c;
    }
    o = e;
  }
  st.mode = s[0];
  st.atFieldStart = s[0] === UNQUOTED && s[1] !== 0;
  st.atRecordStart = s[2] !== 0;
  st.afterCR = s[3] !== 0;
  st.quotedCR = s[4] !== 0;
  st.delims = s[8];
  st.records = s[9];
  st.malformed = s[10];
  st.breaks = s[11];
  st.recBreaks = s[12];
  st.nLF = s[13];
  st.nCRLF = s[14];
  st.nCR = s[15];
}
