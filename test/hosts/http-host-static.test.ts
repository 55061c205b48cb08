// The browser host's static files: the renderer build only, paths proven inside it, links and
// dotfiles refused, MIME types (http-host-fixture.ts).
import { describe, expect, it } from 'vitest';
import { startHttpHost } from '../../src/server/http-host';
import { TOKEN_COOKIE } from '../../src/shared/http-protocol';
import { fake, host, raw, rawSocket, rendererDir, root, SECRET, useHttpHost, type RawResponse } from './http-host-fixture';

describe('HTTP host', () => {
  useHttpHost();

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

  it('tells onAppLoading when the page and then its script were sent: once per page, not for a script alone', async () => {
    let told = 0;
    const own = await startHttpHost({ api: fake, rendererDir, onError: () => undefined, onAppLoading: () => told++ });
    try {
      // The server's side of each answer ends (its 'finish') a moment after the client has it.
      const get = async (path: string): Promise<RawResponse> => {
        const res = await raw(own.port, { path, headers: { cookie: `${TOKEN_COOKIE}=${own.token}` } });
        await new Promise((r) => setTimeout(r, 20));
        return res;
      };
      expect((await get('/assets/app.js')).status).toBe(200);
      expect(told).toBe(0);
      expect((await get(`/?token=${own.token}`)).status).toBe(200);
      expect((await get('/assets/style.css')).status).toBe(200);
      expect(told).toBe(0);
      expect((await get('/assets/app.js')).status).toBe(200);
      expect(told).toBe(1);
      // A script loaded later (code split off, a second fetch) is not a page loading.
      expect((await get('/assets/app.js')).status).toBe(200);
      expect(told).toBe(1);
      // A reload is.
      await get('/index.html');
      await get('/assets/app.js');
      expect(told).toBe(2);
    } finally {
      await own.close();
    }
  });
});
