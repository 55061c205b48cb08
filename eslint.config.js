// ESLint flat config. Beyond the recommended rules it keeps the process boundaries:
// - ipcMain / ipcRenderer only in src/main/ipc.ts and src/preload/index.ts (one audited
//   wrapper each side);
// - no 'electron' at all in the plain-Node engine, CLI, server and shared code, nor in the
//   renderer, which also gets no Node built-ins (it runs in a sandboxed page or a browser).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const IPC_MESSAGE = 'Register IPC only through src/main/ipc.ts (main) and src/preload/index.ts (preload).';
const ipcImports = [
  { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: IPC_MESSAGE },
  { name: 'electron/main', importNames: ['ipcMain'], message: IPC_MESSAGE },
  { name: 'electron/renderer', importNames: ['ipcRenderer'], message: IPC_MESSAGE },
];

const NO_ELECTRON = 'This code runs without Electron (plain Node or the browser): do not import electron.';
// 'electron' by name, its subpaths (electron/main, …) by pattern.
const noElectron = [{ name: 'electron', message: NO_ELECTRON }];

const NO_NODE = 'The renderer runs in a sandboxed page or a browser: no Node built-ins; ask the API instead.';
// Top-level names ('fs', 'path'); their subpaths ('fs/promises') by pattern, 'node:*' too.
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_') && !m.includes(':') && !m.includes('/'));

export default defineConfig(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'dist/**',
      'coverage/**',
      'test-artifacts/**',
      'bench/.data/**',
      '.cache/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-imports': ['error', { paths: ipcImports }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // The only two places that may touch ipcMain / ipcRenderer.
    files: ['src/main/ipc.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/engine/**', 'src/cli/**', 'src/server/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: noElectron, patterns: [{ group: ['electron/*'], message: NO_ELECTRON }] },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The classic hook rules; the React Compiler rules of 'recommended' (v7) assume the compiler.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          paths: [...noElectron, ...nodeBuiltins.map((name) => ({ name, message: NO_NODE }))],
          patterns: [
            { group: ['electron/*'], message: NO_ELECTRON },
            { group: ['node:*'], message: NO_NODE },
            ...nodeBuiltins.map((name) => ({ group: [`${name}/*`], message: NO_NODE })),
          ],
        },
      ],
    },
  },
);
