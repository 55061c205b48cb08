// @vitest-environment jsdom
// The browser transport: token handling, calls, error mapping, the event stream.
import { describe, expect, it, vi } from 'vitest';
import { createHttpApi, takeToken, TOKEN_STORAGE_KEY } from '../../src/renderer/api/http-client';
import { toApiError } from '../../src/renderer/api/errors';
import { pathFromDroppedText } from '../../src/renderer/api';
import { TOKEN_HEADER } from '../../src/shared/http-protocol';
import type { EngineEvent } from '../../src/shared/api';
import './setup-dom';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('takeToken', () => {
  it('takes ?token= from the address, removes it and keeps it in sessionStorage', () => {
    sessionStorage.clear();
    history.replaceState(null, '', '/?token=s3cret&x=1#frag');
    expect(takeToken()).toBe('s3cret');
    expect(location.search).toBe('?x=1');
    expect(location.hash).toBe('#frag');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('s3cret');
    // After a reload (no token in the address) it comes from sessionStorage.
    expect(takeToken()).toBe('s3cret');
    sessionStorage.clear();
    history.replaceState(null, '', '/');
    expect(takeToken()).toBeNull();
  });
});

describe('createHttpApi', () => {
  it('POSTs /api/call/<method> with the token header and JSON args', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { ok: true, value: { jobId: 'j1' } }));
    const api = createHttpApi({ token: 'tok', fetch });
    await expect(api.startScan('/d', { verify: true })).resolves.toEqual({ jobId: 'j1' });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/call/startScan');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)[TOKEN_HEADER]).toBe('tok');
    expect(JSON.parse(init.body as string)).toEqual({ args: ['/d', { verify: true }] });
  });

  it('maps a 401 to a forbidden ApiError with a readable message', async () => {
    const api = createHttpApi({ token: 'wrong', fetch: async () => new Response('unauthorised', { status: 401, statusText: 'Unauthorized' }) });
    const err = await api.recentDrops().catch((e: unknown) => e);
    const shape = toApiError(err);
    expect(shape.code).toBe('forbidden');
    expect(shape.message).toMatch(/401/);
    expect(shape.message).toMatch(/token/);
  });

  it('a refused request always says why: the plain-text reason, or that none was given', async () => {
    const withText = createHttpApi({ token: 't', fetch: async () => new Response('Malformed path\n', { status: 400, statusText: 'Bad Request' }) });
    const a = toApiError(await withText.getRows('h', { offset: 0, limit: 10, sort: { column: 'A' } }).catch((e: unknown) => e));
    expect(a.code).toBe('bad-request');
    expect(a.message).toBe('Request refused (400 Bad Request): Malformed path');
    // An empty 400 (what Node's parser-error path used to send): no bare status.
    const empty = createHttpApi({ token: 't', fetch: async () => new Response('', { status: 400, statusText: 'Bad Request' }) });
    const b = toApiError(await empty.getRows('h', { offset: 0, limit: 10 }).catch((e: unknown) => e));
    expect(b.message).toMatch(/^Request refused \(400 Bad Request\): the server gave no reason/);
  });

  it('passes an ApiErrorShape from the server through', async () => {
    const api = createHttpApi({
      token: 't',
      fetch: async () => jsonResponse(400, { ok: false, error: { code: 'catalog-too-new', message: 'catalog v9' } }),
    });
    await expect(api.getReport('/d')).rejects.toMatchObject({ code: 'catalog-too-new', message: 'catalog v9' });
  });

  it('maps a network failure to a message', async () => {
    const api = createHttpApi({
      token: 't',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const shape = toApiError(await api.initialDrop().catch((e: unknown) => e));
    expect(shape.code).toBe('internal');
    expect(shape.message).toContain('Cannot reach');
  });

  it('has no folder picker in the browser', async () => {
    const fetch = vi.fn();
    const api = createHttpApi({ token: 't', fetch });
    await expect(api.pickFolder()).resolves.toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('listens on /api/events?token=… and reconnects when the stream closes', async () => {
    vi.useFakeTimers();
    try {
      const sources: FakeES[] = [];
      class FakeES {
        readyState = 0;
        onopen: ((e: Event) => unknown) | null = null;
        onmessage: ((e: MessageEvent) => unknown) | null = null;
        onerror: ((e: Event) => unknown) | null = null;
        closed = false;
        constructor(public url: string) {
          sources.push(this);
        }
        close() {
          this.closed = true;
          this.readyState = 2;
        }
      }
      const api = createHttpApi({ token: 'a b', fetch: vi.fn(), EventSource: FakeES, reconnectMs: 100 });
      const got: EngineEvent[] = [];
      const off = api.onEvent((e) => got.push(e));
      expect(sources).toHaveLength(1);
      expect(sources[0].url).toBe('/api/events?token=a%20b');
      sources[0].onmessage?.(new MessageEvent('message', { data: JSON.stringify({ type: 'report-updated', drop: '/d' }) }));
      sources[0].onmessage?.(new MessageEvent('message', { data: 'not json' }));
      expect(got).toEqual([{ type: 'report-updated', drop: '/d' }]);
      // The server went away: the stream is CLOSED; a new one opens after the delay.
      sources[0].readyState = 2;
      sources[0].onerror?.(new Event('error'));
      expect(sources).toHaveLength(1);
      vi.advanceTimersByTime(100);
      expect(sources).toHaveLength(2);
      off();
      expect(sources[1].closed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('toApiError', () => {
  it('reads Electron IPC rejections', () => {
    expect(toApiError(new Error("Error invoking remote method 'di:call': Error: boom"))).toEqual({ code: 'internal', message: 'boom' });
    expect(
      toApiError(new Error(`Error invoking remote method 'di:call': Error: ${JSON.stringify({ code: 'not-found', message: 'no such folder' })}`)),
    ).toEqual({ code: 'not-found', message: 'no such folder' });
    expect(toApiError({ code: 'unreadable', message: 'EACCES' })).toEqual({ code: 'unreadable', message: 'EACCES' });
    expect(toApiError(undefined).code).toBe('internal');
  });
});

describe('dropped paths', () => {
  it('reads file:// URIs and plain paths', () => {
    expect(pathFromDroppedText('file:///data/drops/site%20a\r\n')).toBe('/data/drops/site a');
    expect(pathFromDroppedText('file:///C:/drops/x')).toBe('C:/drops/x');
    expect(pathFromDroppedText('/srv/drop')).toBe('/srv/drop');
    expect(pathFromDroppedText('hello')).toBeNull();
  });
});
