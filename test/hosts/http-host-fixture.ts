// The browser host's tests' fixture: a temporary renderer folder (with files a request must
// never reach), a host on a fresh port over a fresh FakeApi for each test, and requests with
// full control of the path and headers. The host, the fake and the folders are live bindings:
// a test file calls useHttpHost() once, then reads them as they are in each test.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startHttpHost, type HttpHost } from '../../src/server/http-host';
import { TOKEN_HEADER } from '../../src/shared/http-protocol';
import { FakeApi } from './fake-api';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with full control of the path and headers (fetch would normalize / refuse). */
export function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Bytes straight onto the socket: for request lines http.request would not send. */
export function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
  });
}

export const SECRET = 'TOP-SECRET-OUTSIDE-RENDERER';
export const INDEX =
  '<!doctype html><title>Drop Inspector</title><script type="module" src="./assets/app.js"></script>';

export let root: string;
export let rendererDir: string;
export let host: HttpHost;
export let fake: FakeApi;
/** What the host reported through onError in the current test. */
export const errors: unknown[] = [];

/** The hooks that make the renderer folder once and a host for each test (call once, at a file's top). */
export function useHttpHost(): void {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'di-http-'));
    rendererDir = join(root, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), INDEX);
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
    writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body{}');
    writeFileSync(join(rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(rendererDir, 'assets', 'data.bin'), 'xx');
    writeFileSync(join(rendererDir, '.env'), SECRET);
    writeFileSync(join(root, 'secret.txt'), SECRET);
    symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeEach(async () => {
    fake = new FakeApi();
    errors.length = 0;
    host = await startHttpHost({ api: fake, rendererDir, onError: (e) => errors.push(e) });
  });
  afterEach(async () => {
    await host.close();
  });
}

/** An API call with the token, as the renderer makes it (body: JSON, or a string as is). */
export const call = (method: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> =>
  raw(host.port, {
    method: 'POST',
    path: `/api/call/${method}`,
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
