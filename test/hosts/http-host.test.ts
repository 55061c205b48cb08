// The browser host (src/server/http-host.ts) against src/shared/http-protocol.ts, with a
// fake API and a temporary renderer folder; then the shared API contract over HTTP.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/server/http-call';
import { CONTENT_SECURITY_POLICY, startHttpHost, tokensEqual, type HttpHost } from '../../src/server/http-host';
import { TOKEN_COOKIE, TOKEN_HEADER } from '../../src/shared/http-protocol';
import { apiContractSuite } from './api-contract';
import { FakeApi } from './fake-api';
import { createNodeHttpClient, openEventStream } from './node-http-client';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with full control of the path and headers (fetch would normalize / refuse). */
function raw(
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
function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
  });
}

const SECRET = 'TOP-SECRET-OUTSIDE-RENDERER';
const INDEX =
  '<!doctype html><title>Drop Inspector</title><script type="module" src="./assets/app.js"></script>';

describe('HTTP host', () => {
  let root: string;
  let rendererDir: string;
  let host: HttpHost;
  let fake: FakeApi;
  const errors: unknown[] = [];

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

  const call = (method: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> =>
    raw(host.port, {
      method: 'POST',
      path: `/api/call/${method}`,
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('binds 127.0.0.1 only, on a free port, with a fresh base64url token', async () => {
    const address = host.server.address();
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: host.port });
    expect(host.port).toBeGreaterThan(0);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    const other = await startHttpHost({ api: fake, rendererDir, onError: () => undefined });
    try {
      expect(other.token).not.toBe(host.token);
      expect(other.port).not.toBe(host.port);
    } finally {
      await other.close();
    }
  });

  it('compares tokens exactly', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });

  describe('token', () => {
    it('401 without a token, for pages, assets, calls and events', async () => {
      expect((await raw(host.port, { path: '/' })).status).toBe(401);
      expect((await raw(host.port, { path: '/assets/app.js' })).status).toBe(401);
      const res = await raw(host.port, {
        method: 'POST',
        path: '/api/call/recentDrops',
        body: '{"args":[]}',
      });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await raw(host.port, { path: '/api/events' })).status).toBe(401);
      expect(fake.calls).toEqual([]);
    });

    it('401 with a wrong token, wherever it is put', async () => {
      const wrong = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
      expect((await raw(host.port, { path: `/?token=${wrong}` })).status).toBe(401);
      expect(
        (await raw(host.port, { path: '/', headers: { cookie: `${TOKEN_COOKIE}=${wrong}` } })).status,
      ).toBe(401);
      expect((await call('recentDrops', { args: [] }, { [TOKEN_HEADER]: wrong })).status).toBe(401);
      expect((await call('recentDrops', { args: [] }, { [TOKEN_HEADER]: '' })).status).toBe(401);
      expect((await raw(host.port, { path: `/api/events?token=${wrong}` })).status).toBe(401);
      expect(fake.calls).toEqual([]);
    });

    it('a call needs the token header: cookie or query alone do not do', async () => {
      const viaCookie = await raw(host.port, {
        method: 'POST',
        path: `/api/call/recentDrops?token=${host.token}`,
        headers: { cookie: `${TOKEN_COOKIE}=${host.token}` },
        body: '{"args":[]}',
      });
      expect(viaCookie.status).toBe(401);
      expect(fake.calls).toEqual([]);
    });

    it('GET /?token= serves index.html and sets the HttpOnly SameSite=Strict cookie, which then opens assets', async () => {
      const res = await raw(host.port, { path: `/?token=${host.token}` });
      expect(res.status).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toContain(`${TOKEN_COOKIE}=${host.token}`);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\//);
      const asset = await raw(host.port, {
        path: '/assets/app.js',
        headers: { cookie: `other=1; ${TOKEN_COOKIE}=${host.token}` },
      });
      expect(asset.status).toBe(200);
      expect(asset.body).toBe('console.log("app");');
      expect(asset.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('Host and Origin', () => {
    it('403 for a foreign Host, even with the token (DNS rebinding)', async () => {
      for (const h of [
        'evil.example',
        `evil.example:${host.port}`,
        '127.0.0.1',
        `127.0.0.1:${host.port + 1}`,
        `0.0.0.0:${host.port}`,
      ]) {
        const page = await raw(host.port, { path: `/?token=${host.token}`, headers: { host: h } });
        expect(page.status, h).toBe(403);
        const res = await call('recentDrops', { args: [] }, { host: h });
        expect(res.status, h).toBe(403);
      }
      expect(fake.calls).toEqual([]);
    });

    it('accepts localhost:<port> as Host', async () => {
      const res = await call('recentDrops', { args: [] }, { host: `localhost:${host.port}` });
      expect(res.status).toBe(200);
    });

    it('403 for a foreign Origin, even with the token', async () => {
      for (const origin of [
        'https://evil.example',
        'null',
        `http://127.0.0.1:${host.port + 1}`,
        `https://127.0.0.1:${host.port}`,
      ]) {
        const res = await call('recentDrops', { args: [] }, { origin });
        expect(res.status, origin).toBe(403);
      }
      expect(fake.calls).toEqual([]);
    });

    it('accepts the server’s own Origin', async () => {
      expect(
        (await call('recentDrops', { args: [] }, { origin: `http://127.0.0.1:${host.port}` })).status,
      ).toBe(200);
      expect(
        (await call('recentDrops', { args: [] }, { origin: `http://localhost:${host.port}` })).status,
      ).toBe(200);
    });
  });

  describe('API calls', () => {
    it('200 with the fake’s value', async () => {
      const res = await call('recentDrops', { args: [] });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(res.body)).toEqual({ ok: true, value: fake.recent });
    });

    it('404 for a method outside API_METHODS, the engine untouched', async () => {
      for (const method of [
        'deleteEverything',
        'onEvent',
        'constructor',
        '__proto__',
        'toString',
        'close',
        '',
      ]) {
        const res = await call(method, { args: [] });
        expect(res.status, method).toBe(404);
        expect(JSON.parse(res.body), method).toMatchObject({ ok: false, error: { code: 'not-found' } });
      }
      expect(fake.calls).toEqual([]);
    });

    it('400 for malformed JSON and wrong shapes', async () => {
      for (const body of ['{"args":[', 'not json', '[]', '"x"', '{"args":"x"}', '{"args":{}}']) {
        const res = await call('recentDrops', body);
        expect(res.status, body).toBe(400);
        expect(JSON.parse(res.body), body).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      }
      expect(fake.calls).toEqual([]);
    });

    it('an empty body means no arguments', async () => {
      const res = await call('recentDrops', '');
      expect(res.status).toBe(200);
    });

    it('413 for a body over 1 MB, and the server stays up', async () => {
      const big = JSON.stringify({ args: ['x'.repeat(MAX_BODY_BYTES + 10)] });
      const res = await call('recentDrops', big);
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      // Without a Content-Length the limit holds as the bytes arrive.
      const chunked = await call('recentDrops', big, { 'transfer-encoding': 'chunked' });
      expect(chunked.status).toBe(413);
      expect(fake.calls).toEqual([]);
      expect((await call('recentDrops', { args: [] })).status).toBe(200);
    });

    it('405 for GET on a call', async () => {
      const res = await raw(host.port, {
        path: '/api/call/recentDrops',
        headers: { [TOKEN_HEADER]: host.token },
      });
      expect(res.status).toBe(405);
    });

    it('maps error codes to statuses', async () => {
      const missing = await call('startScan', { args: ['/definitely/not/here'] });
      expect(missing.status).toBe(404);
      const bad = await call('startScan', { args: ['relative'] });
      expect(bad.status).toBe(400);
      const notADir = await call('startScan', { args: [join(root, 'secret.txt')] });
      expect(JSON.parse(notADir.body)).toMatchObject({ error: { code: 'not-a-directory' } });
      // A file given as the drop path is the client's mistake, said as such (issue 7).
      expect(notADir.status).toBe(400);
      expect(JSON.parse(notADir.body).error.message).toMatch(/not a folder/i);
      const engineNotFound = await call('cancelScan', { args: ['missing'] });
      expect(engineNotFound.status).toBe(404);
      expect(errors).toEqual([]);
      mkdirSync(join(root, 'boom'), { recursive: true });
      const internal = await call('getReport', { args: [join(root, 'boom')] });
      expect(internal.status).toBe(500);
      expect(JSON.parse(internal.body)).toEqual({
        ok: false,
        error: { code: 'internal', message: 'kaboom: the fake engine failed' },
      });
      // Unexpected errors are reported to the host's log; expected ones are not.
      expect(errors).toHaveLength(1);
    });
  });

  describe('static files', () => {
    const get = (path: string): Promise<RawResponse> =>
      raw(host.port, { path, headers: { cookie: `${TOKEN_COOKIE}=${host.token}` } });

    it('serves assets with the right MIME types', async () => {
      expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect((await get('/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
      expect((await get('/assets/logo.svg')).headers['content-type']).toBe('image/svg+xml');
      expect((await get('/assets/data.bin')).headers['content-type']).toBe('application/octet-stream');
      expect((await get('/index.html')).headers['content-type']).toBe('text/html; charset=utf-8');
      expect((await get('/assets/nope.js')).status).toBe(404);
      expect((await get('/assets')).status).toBe(404);
    });

    it('never leaves rendererDir', async () => {
      const attempts = [
        '/../secret.txt',
        '/assets/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E/secret.txt',
        '/assets/%2e%2e/%2e%2e/secret.txt',
        '/..%2fsecret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/%2e%2e%2fsecret.txt',
        '/..%5csecret.txt',
        '/..\\secret.txt',
        '/assets/%252e%252e/%252e%252e/secret.txt',
        '/index.html%00.js',
        '/%00',
        '/assets/app.js%00../../secret.txt',
        '//secret.txt',
        `/${root}/secret.txt`,
        `/%2f${root.slice(1)}/secret.txt`,
        '/.env',
        '/assets/link.txt',
        '/%',
        '/%zz',
        '/./index.html/../../secret.txt',
      ];
      for (const path of attempts) {
        const res = await get(path);
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.body, path).not.toContain(SECRET);
      }
      // Absolute-form and other odd request lines, straight on the socket.
      for (const line of [
        `GET http://127.0.0.1:${host.port}/../secret.txt HTTP/1.1`,
        'GET ../secret.txt HTTP/1.1',
        'GET * HTTP/1.1',
      ]) {
        const text = await rawSocket(
          host.port,
          `${line}\r\nHost: 127.0.0.1:${host.port}\r\nCookie: ${TOKEN_COOKIE}=${host.token}\r\nConnection: close\r\n\r\n`,
        );
        expect(text, line).toMatch(/^HTTP\/1\.1 4\d\d/);
        expect(text, line).not.toContain(SECRET);
      }
    });
  });

  it('puts the security headers on every response', async () => {
    const responses = [
      await raw(host.port, { path: '/' }),
      await raw(host.port, { path: `/?token=${host.token}` }),
      await raw(host.port, { path: '/x', headers: { host: 'evil.example' } }),
      await call('recentDrops', { args: [] }),
      await call('nope', { args: [] }),
      await raw(host.port, { path: '/%2e%2e/x', headers: { cookie: `${TOKEN_COOKIE}=${host.token}` } }),
    ];
    for (const res of responses) {
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('answers a request its parser refuses with the reason, in the API\u2019s error shape', async () => {
    const answer = await rawSocket(host.port, 'BLAH\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('bad-request');
    expect(body.error.message).toMatch(/could not read the request \(HPE_/);
    const huge = await rawSocket(host.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toMatch(/headers are too large/);
  });

  it('a request cancelled because the user moved on is 409 "cancelled", not a logged 500', async () => {
    fake.getRows = async () => {
      const e = new Error('cancelled');
      e.name = 'AbortError';
      throw e;
    };
    const res = await call('getRows', { args: ['h1', { offset: 0, limit: 10, sort: { column: 'A' } }] });
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(errors).toEqual([]);
  });

  it('survives malformed requests', async () => {
    for (const junk of [
      'BLAH\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: nope\r\n\r\n',
      '\0\0\0\0\r\n\r\n',
      `POST /api/call/recentDrops HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nTransfer-Encoding: chunked\r\n${TOKEN_HEADER}: ${host.token}\r\n\r\nzz\r\n`,
    ]) {
      await rawSocket(host.port, junk);
    }
    await raw(host.port, { path: '/', headers: { cookie: '%%%=%%%; ' + TOKEN_COOKIE + '=%E0%A4%A' } });
    await raw(host.port, { path: '/?token=%E0%A4%A&token=' });
    expect((await call('recentDrops', { args: [] })).status).toBe(200);
  });

  describe('events (SSE)', () => {
    it('delivers an event the fake emits, then cleans up on disconnect', async () => {
      const received: string[] = [];
      const stream = openEventStream(`http://127.0.0.1:${host.port}/api/events?token=${host.token}`, (d) =>
        received.push(d),
      );
      const res = await stream.ready;
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      await vi.waitFor(() => expect(fake.listeners.size).toBe(1));
      fake.emit({ type: 'report-updated', drop: '/data/drops/alpha' });
      await vi.waitFor(() => expect(received).toHaveLength(1));
      expect(JSON.parse(received[0]!)).toEqual({ type: 'report-updated', drop: '/data/drops/alpha' });
      stream.close();
      await vi.waitFor(() => expect(fake.listeners.size).toBe(0));
    });

    it('sends heartbeat comments', async () => {
      const quick = await startHttpHost({
        api: fake,
        rendererDir,
        heartbeatMs: 50,
        onError: () => undefined,
      });
      const comments: string[] = [];
      const stream = openEventStream(
        `http://127.0.0.1:${quick.port}/api/events?token=${quick.token}`,
        () => undefined,
        undefined,
        (c) => comments.push(c),
      );
      try {
        await stream.ready;
        await vi.waitFor(() =>
          expect(comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2),
        );
      } finally {
        stream.close();
        await quick.close();
      }
    });

    it('close() ends open event streams', async () => {
      const stream = openEventStream(
        `http://127.0.0.1:${host.port}/api/events?token=${host.token}`,
        () => undefined,
      );
      const res = await stream.ready;
      const ended = new Promise<void>((resolve) => res.on('close', () => resolve()));
      await host.close();
      await ended;
      expect(fake.listeners.size).toBe(0);
    });
  });
});

apiContractSuite('HTTP (node client → startHttpHost)', async (fake) => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'di-contract-renderer-'));
  const host = await startHttpHost({ api: fake, rendererDir, onError: () => undefined });
  const client = createNodeHttpClient(`http://127.0.0.1:${host.port}`, host.token);
  return {
    client,
    async close() {
      client.close();
      await host.close();
      rmSync(rendererDir, { recursive: true, force: true });
    },
  };
});
