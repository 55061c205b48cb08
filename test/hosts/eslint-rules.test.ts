// The process-boundary lint rules of eslint.config.js, checked on snippets.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restricted(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const IPC = "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n";
const IPC_R = "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n";
const APP = "import { app } from 'electron';\nexport const x = app;\n";
const FS = "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n";
const BARE_FS = "import fs from 'fs';\nexport const x = fs;\n";

describe('eslint.config.js boundaries', () => {
  it('ipcMain / ipcRenderer only in src/main/ipc.ts and src/preload/index.ts', async () => {
    expect(await restricted(IPC, 'src/main/ipc.ts')).toEqual([]);
    expect(await restricted(IPC_R, 'src/preload/index.ts')).toEqual([]);
    expect(await restricted(IPC, 'src/main/index.ts')).toHaveLength(1);
    expect(await restricted(IPC_R, 'src/preload/client.ts')).toHaveLength(1);
    expect(
      await restricted(
        "import { ipcMain } from 'electron/main';\nexport const x = ipcMain;\n",
        'src/main/menu.ts',
      ),
    ).toHaveLength(1);
    expect(await restricted(IPC, 'test/hosts/anything.ts')).toHaveLength(1);
    // Other electron names stay allowed in the main process.
    expect(await restricted(APP, 'src/main/index.ts')).toEqual([]);
  });

  it('no electron at all in engine, CLI, server, shared and renderer', async () => {
    for (const file of [
      'src/engine/x.ts',
      'src/cli/x.ts',
      'src/server/x.ts',
      'src/shared/x.ts',
      'src/renderer/x.tsx',
    ]) {
      expect(await restricted(APP, file), file).toHaveLength(1);
      expect(
        await restricted("import type { App } from 'electron/main';\nexport type X = App;\n", file),
        file,
      ).toHaveLength(1);
    }
  });

  it('no Node built-ins in the renderer, but fine in the engine', async () => {
    expect(await restricted(FS, 'src/renderer/api/x.ts')).toHaveLength(1);
    expect(await restricted(BARE_FS, 'src/renderer/x.tsx')).toHaveLength(1);
    expect(
      await restricted("import { join } from 'path/posix';\nexport const x = join;\n", 'src/renderer/x.ts'),
    ).toHaveLength(1);
    expect(await restricted(FS, 'src/engine/x.ts')).toEqual([]);
  });

  it('ignores build output', async () => {
    expect(await eslint.isPathIgnored('out/main/index.js')).toBe(true);
    expect(await eslint.isPathIgnored('node_modules/x/index.js')).toBe(true);
  });
});
