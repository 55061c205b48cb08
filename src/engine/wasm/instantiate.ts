// Our WebAssembly SIMD kernels (the CSV record counter, the JSON shape matcher) are small
// modules instantiated synchronously once per thread from their base64 text. A thread without
// WebAssembly, or without SIMD (validate fails), gets null and its caller takes the JS path.

/** The parts of the WebAssembly JS API used here (this project's TS libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** The module's exports, or null where it cannot run here. */
export function instantiateKernel(base64: string): Record<string, unknown> | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  const bin = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  if (!wasm.validate(bin)) return null; // no SIMD (or not our module)
  return new wasm.Instance(new wasm.Module(bin)).exports;
}
