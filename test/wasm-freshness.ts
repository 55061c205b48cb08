// One check for every committed WebAssembly kernel: its base64 module is a fresh compile of its
// .wat text (scripts/build-wasm.mjs --print NAME). Needs the devDependency wabt, else skipped
// with a reason in its title.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);

function wabtInstalled(): boolean {
  try {
    require.resolve('wabt');
    return true;
  } catch {
    return false;
  }
}

/** `kernel`: the .wat's base name ('simd-kernel', 'shape-kernel'); `committed`: its base64 module. */
export function itIsAFreshCompile(kernel: string, committed: string): void {
  const wabt = wabtInstalled();
  it.skipIf(!wabt)(
    `the committed ${kernel}.wasm.ts is a fresh compile of ${kernel}.wat${wabt ? '' : ' (SKIPPED: devDependency wabt is not installed)'}`,
    () => {
      const root = fileURLToPath(new URL('..', import.meta.url));
      const fresh = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--print', kernel], { cwd: root, encoding: 'utf8' });
      expect(fresh.trim(), 'stale: run node scripts/build-wasm.mjs').toBe(committed);
    },
  );
}
