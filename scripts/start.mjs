#!/usr/bin/env node
// `npm start [drop]`: builds what is stale, then runs Drop Inspector in Electron — or, when
// Electron cannot run here (runtime not installed and not downloadable, no display, the
// SQLite addon for Electron cannot be built, the window dies at once), says why in one
// sentence on stderr and serves the same UI to the browser instead:
//   node out/cli/drop-inspector.mjs serve <drop> --port 0   (or the --port N given)
// relaying its URL line (http://127.0.0.1:<port>/?token=…) as our own first stdout line.
//
// Environment: DROP_INSPECTOR_SKIP_BUILD=1 skips the build; DROP_INSPECTOR_NO_ELECTRON=1
// goes straight to the browser host. Build output goes to stderr, so stdout carries only
// the URL (and whatever the server prints after it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const INSTALL_TIMEOUT_MS = 20_000;
const ADDON_BUILD_TIMEOUT_MS = 10 * 60_000;
/** An Electron that exits (non-zero) this soon after launch is taken as unable to run here. */
const EARLY_EXIT_MS = 5_000;

function say(message) {
  process.stderr.write(`drop-inspector: ${message}\n`);
}

function firstLine(text) {
  const lines = String(text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  const line = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

// ---- what to open -------------------------------------------------------------------

const userArgs = process.argv.slice(2);
// `--port N` (or --port=N): the browser host listens there run after run, so a tab or
// bookmark of it keeps working (serve keeps that port's token too). Default: any free port.
let port = '0';
const positionals = [];
for (let i = 0; i < userArgs.length; i++) {
  const a = userArgs[i];
  if (a === '--port') port = userArgs[++i] ?? '';
  else if (a.startsWith('--port=')) port = a.slice('--port='.length);
  else if (!a.startsWith('-')) positionals.push(a);
}
if (!/^\d+$/.test(port) || Number(port) > 65535) {
  say(`--port must be a number from 0 to 65535 (not "${port}").`);
  process.exit(2);
}
const dropArg = positionals[0];
const sampleDrop = path.join(root, 'resources', 'sample-drop');
const drop = dropArg ? path.resolve(dropArg) : fs.existsSync(sampleDrop) ? sampleDrop : null;

// ---- build --------------------------------------------------------------------------

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function buildIsFresh() {
  const outputs = [
    'out/main/index.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
    'out/cli/drop-inspector.mjs',
  ];
  let oldestOutput = Infinity;
  for (const rel of outputs) {
    try {
      oldestOutput = Math.min(oldestOutput, fs.statSync(path.join(root, rel)).mtimeMs);
    } catch {
      return false;
    }
  }
  const inputs = ['src', 'electron.vite.config.ts', 'package.json', 'scripts/build-cli.mjs'];
  const newestInput = Math.max(...inputs.map((rel) => newestMtime(path.join(root, rel))));
  return oldestOutput >= newestInput;
}

function run(label, args) {
  // Child stdout goes to our stderr: our stdout is for the URL.
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    say(
      `${label} failed${result.error ? ` (${result.error.message})` : ''}; fix the errors above and run npm start again.`,
    );
    process.exit(result.status || 1);
  }
}

function build() {
  if (process.env.DROP_INSPECTOR_SKIP_BUILD) return;
  if (buildIsFresh()) return;
  say('building…');
  run('the app build (electron-vite build)', [
    path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
    'build',
  ]);
  run('the CLI build (scripts/build-cli.mjs)', [path.join(root, 'scripts/build-cli.mjs')]);
}

// ---- Electron -----------------------------------------------------------------------

/** The Electron executable, or null. require('electron') answers its path only once installed. */
function electronExecutable() {
  try {
    const resolved = require.resolve('electron');
    delete require.cache[resolved];
    const executable = require('electron');
    return typeof executable === 'string' && fs.existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

/** Electron's path, or { reason } when it cannot be had. */
function getElectron() {
  if (process.env.DROP_INSPECTOR_NO_ELECTRON) return { reason: 'DROP_INSPECTOR_NO_ELECTRON is set' };
  let executable = electronExecutable();
  if (executable) return { executable };
  let installScript;
  try {
    installScript = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  say('the Electron runtime is not installed; trying to download it…');
  const result = spawnSync(process.execPath, [installScript], {
    cwd: path.dirname(installScript),
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
    encoding: 'utf8',
  });
  executable = electronExecutable();
  if (executable) return { executable };
  const why =
    result.error?.code === 'ETIMEDOUT'
      ? `no answer within ${INSTALL_TIMEOUT_MS / 1000} s`
      : firstLine(result.stderr) || result.error?.message || `exit code ${result.status}`;
  return { reason: `its runtime is not installed and downloading it failed (${why})` };
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not a dependency */
  }
  const nodeDir = path.dirname(process.execPath);
  candidates.push(
    path.join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

/**
 * resources/native/electron-<version>-<platform>-<arch>/better_sqlite3.node: better-sqlite3
 * built for Electron's ABI (same naming as src/main/native-sqlite.ts). Built once, from a
 * temporary copy so node_modules keeps the plain-Node build that the CLI and tests load.
 * Returns null on success, else the reason.
 */
function ensureElectronSqlite() {
  const electronVersion = require('electron/package.json').version;
  const dir = path.join(
    root,
    'resources',
    'native',
    `electron-${electronVersion}-${process.platform}-${process.arch}`,
  );
  const target = path.join(dir, 'better_sqlite3.node');
  if (fs.existsSync(target)) return null;
  const gyp = findNodeGyp();
  if (!gyp) return 'node-gyp was not found (it comes with npm)';
  let source;
  try {
    source = path.dirname(require.resolve('better-sqlite3/package.json'));
  } catch {
    return 'the better-sqlite3 package is not installed';
  }
  say(`building better-sqlite3 for Electron ${electronVersion} (once; this takes a few minutes)…`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-inspector-sqlite-'));
  try {
    fs.cpSync(source, tmp, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(source, src);
        return rel !== 'build' && !rel.startsWith(`build${path.sep}`) && !rel.startsWith('node_modules');
      },
    });
    const result = spawnSync(
      process.execPath,
      [
        gyp,
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        `--arch=${process.arch}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
      ],
      { cwd: tmp, stdio: ['ignore', 2, 'pipe'], encoding: 'utf8', timeout: ADDON_BUILD_TIMEOUT_MS },
    );
    const built = path.join(tmp, 'build', 'Release', 'better_sqlite3.node');
    if (result.status !== 0 || !fs.existsSync(built)) {
      if (result.stderr) process.stderr.write(result.stderr);
      return `building better-sqlite3 for Electron ${electronVersion} failed (${firstLine(result.stderr) || result.error?.message || `exit code ${result.status}`})`;
    }
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(built, `${target}.tmp`);
    fs.renameSync(`${target}.tmp`, target);
    return null;
  } catch (error) {
    return `building better-sqlite3 for Electron failed (${error.message})`;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs Electron; resolves to its exit code, or to { reason } if it could not run here. */
function launchElectron(executable) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(executable, [root, ...(drop ? [drop] : [])], { cwd: root, stdio: 'inherit', env });
    const started = Date.now();
    forwardSignals(child);
    child.once('error', (error) => resolve({ reason: `Electron could not be started (${error.message})` }));
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null && Date.now() - started < EARLY_EXIT_MS) {
        resolve({ reason: `Electron exited at once with code ${code}` });
      } else {
        resolve(code ?? 1);
      }
    });
  });
}

// ---- the browser host ---------------------------------------------------------------

let forwarded = null;
function forwardSignals(child) {
  forwarded = child;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (forwarded && forwarded.exitCode === null && forwarded.signalCode === null) forwarded.kill(signal);
      else process.exit(130);
    });
  }
}

function serveInBrowser() {
  const cli = path.join(root, 'out', 'cli', 'drop-inspector.mjs');
  if (!fs.existsSync(cli))
    run('the CLI build (scripts/build-cli.mjs)', [path.join(root, 'scripts/build-cli.mjs')]);
  const child = spawn(process.execPath, [cli, 'serve', ...(drop ? [drop] : []), '--port', port], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  forwardSignals(child);
  child.once('error', (error) => {
    say(`the browser host could not be started (${error.message}).`);
    process.exit(1);
  });
  let first = true;
  readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    if (first && /^https?:\/\//.test(line)) {
      first = false;
      say(`open ${line} in your browser (Ctrl-C stops the server).`);
    }
  });
  child.once('exit', (code, signal) => {
    process.exit(code ?? (signal ? 0 : 1));
  });
}

// ---- main ---------------------------------------------------------------------------

build();
const electron = getElectron();
let reason = electron.reason;
if (!reason && !hasDisplay()) reason = 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
if (!reason) reason = ensureElectronSqlite() ?? undefined;
if (!reason) {
  const outcome = await launchElectron(electron.executable);
  if (typeof outcome === 'number') process.exit(outcome);
  reason = outcome.reason;
}
say(`Electron cannot run here: ${reason}, so Drop Inspector falls back to the browser host.`);
serveInBrowser();
