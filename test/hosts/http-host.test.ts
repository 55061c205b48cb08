// The browser host (src/server/http-host.ts) against src/shared/http-protocol.ts, with a
// fake API and a temporary renderer folder (http-host-fixture.ts): its address and token, the
// Host and Origin checks, headers and malformed requests; then the shared API contract over
// HTTP. API calls and events: http-host-api.test.ts; static files: http-host-static.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, startHttpHost, tokensEqual } from '../../src/server/http-host';
import { TOKEN_COOKIE, TOKEN_HEADER } from '../../src/shared/http-protocol';
import { apiContractSuite } from './api-contract';
import { createNodeHttpClient } from './node-http-client';
import { call, errors, fake, host, INDEX, raw, rawSocket, rendererDir, useHttpHost } from './http-host-fixture';

describe('HTTP host', () => {
  useHttpHost();

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
