// `npm start` where Electron cannot run (here: its runtime is not installed and cannot be
// downloaded): scripts/start.mjs must say so and fall back to the browser host, relaying
// the server's URL. The build is skipped (DROP_INSPECTOR_SKIP_BUILD): the suite's global
// setup has built the CLI, and the renderer is not needed to see the server answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TOKEN_HEADER } from '../../src/shared/http-protocol';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'out', 'cli', 'drop-inspector.mjs');
const hasServe = existsSync(cli) && /case ['"]serve['"]/.test(readFileSync(cli, 'utf8'));
if (!hasServe) {
  console.warn(
    `start-fallback test skipped: ${cli} has no 'serve' command yet (build the CLI with src/cli's serve to run it).`,
  );
}

function electronInstalled(): boolean {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path);
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe.skipIf(!hasServe)('scripts/start.mjs without Electron', () => {
  const dir = mkdtempSync(join(tmpdir(), 'di-start-'));
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null && child.pid) {
      // Only what this test started: start.mjs's own process group.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exited(child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('says why on stderr, prints http://127.0.0.1:<port>/?token=… and serves it until stopped', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DROP_INSPECTOR_SKIP_BUILD: '1',
      DROP_INSPECTOR_CATALOG: join(dir, 'catalog.sqlite'),
    };
    // On a machine where Electron is installed, make it unavailable the supported way.
    if (electronInstalled()) env.DROP_INSPECTOR_NO_ELECTRON = '1';
    const drop = join(dir, 'drop');
    mkdirSync(drop);
    child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), drop], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 45 s; stderr:\n${stderr}`)), 45_000);
      child!.stdout!.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const line = stdout.split('\n')[0]!;
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      child!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`start.mjs exited (${code}) before printing a URL; stderr:\n${stderr}`));
      });
    });
    // The URL is the first stdout line, exactly.
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(stderr).toMatch(
      /Electron cannot run here: .+, so Drop Inspector falls back to the browser host\./,
    );

    // It is a live server, guarded by that token.
    const { origin, searchParams } = new URL(url);
    const token = searchParams.get('token')!;
    const refused = await fetch(`${origin}/api/call/recentDrops`, { method: 'POST', body: '{"args":[]}' });
    expect(refused.status).toBe(401);
    const res = await fetch(`${origin}/api/call/initialDrop`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' },
      body: '{"args":[]}',
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { ok: boolean; value: unknown };
    expect(answer.ok).toBe(true);
    // The drop given to npm start is the server's initial drop.
    expect(String(answer.value)).toMatch(/[\\/]drop$/);

    // SIGTERM to start.mjs stops the server it started.
    child.kill('SIGTERM');
    await exited(child);
    await expect(fetch(`${origin}/`)).rejects.toThrow();
  });

  it('npm start -- --port N serves on that port with the same token run after run (a kept tab keeps working)', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const env: NodeJS.ProcessEnv = { ...process.env, DROP_INSPECTOR_SKIP_BUILD: '1', DROP_INSPECTOR_CATALOG: join(dir, 'catalog2.sqlite'), DROP_INSPECTOR_NO_ELECTRON: '1' };
    const startOnce = async (): Promise<string> => {
      const c = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), '--port', String(port)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      child = c;
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no URL within 45 s')), 45_000);
        c.stdout!.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('\n')) {
            clearTimeout(timer);
            resolve(out.split('\n')[0]!);
          }
        });
      });
      c.kill('SIGTERM');
      await exited(c);
      return url;
    };
    const first = await startOnce();
    expect(new URL(first).port).toBe(String(port));
    // No drop was taken from the port's number.
    expect(first).toMatch(/\?token=[A-Za-z0-9_-]{32}$/);
    const second = await startOnce();
    expect(second).toBe(first);
  });
});
