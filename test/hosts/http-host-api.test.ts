// The browser host's API calls (bounded JSON bodies, errors in the API's shape) and its event
// stream (SSE), over the fake API (http-host-fixture.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/server/http-call';
import { CONTENT_SECURITY_POLICY, startHttpHost } from '../../src/server/http-host';
import { TOKEN_HEADER } from '../../src/shared/http-protocol';
import { openEventStream } from './node-http-client';
import { call, errors, fake, host, raw, rendererDir, root, useHttpHost } from './http-host-fixture';

describe('HTTP host', () => {
  useHttpHost();

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
