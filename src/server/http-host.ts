// The browser host: serves the renderer build and DropInspectorApi on loopback, following
// src/shared/http-protocol.ts exactly. Bound to 127.0.0.1 only; every request needs the
// per-run token (query, cookie or header, depending on the route) and a Host/Origin of
// this very server, which shuts out other sites and DNS rebinding.
import { createReadStream } from 'node:fs';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ApiErrorShape, DropInspectorApi, EngineEvent } from '../shared/api';
import {
  CALL_PATH,
  EVENTS_PATH,
  SAVE_VIEW_PATH,
  TOKEN_COOKIE,
  TOKEN_HEADER,
  TOKEN_QUERY,
  type CallResponse,
} from '../shared/http-protocol';
import { callApi, checkArgs } from './dispatch';
import type { ViewSpec } from '../shared/table-api';
import { httpStatusFor, toApiErrorShape } from './errors';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS, generateToken, tokensEqual } from './http-security';
import { HttpError, clientErrorAnswer, headerValue, mimeTypeFor, parseCookies, queryParam, resolveStaticPath, splitTarget } from './http-request';

export interface HttpHostOptions {
  api: DropInspectorApi;
  /** The renderer build (out/renderer): index.html and its assets. */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default: 24 random bytes, base64url. */
  token?: string;
  /** Milliseconds between SSE heartbeat comments (default 15 000). */
  heartbeatMs?: number;
  /** Where unexpected ('internal') errors are reported; default console.error. */
  onError?: (error: unknown) => void;
  /** Writes a table view as CSV to a file; enables the save-view download (SAVE_VIEW_PATH). */
  exportView?: (handle: string, view: ViewSpec, file: string) => Promise<unknown>;
}

export interface HttpHost {
  /** http://127.0.0.1:<port>/?token=<token>: what the user opens. */
  url: string;
  port: number;
  token: string;
  /** The node:http server, e.g. to check what it is bound to. */
  server: Server;
  close(): Promise<void>;
}

// Their one home is http-security.ts / http-request.ts; re-exported for the hosts and tests that import them from here.
export { CONTENT_SECURITY_POLICY, generateToken, tokensEqual, clientErrorAnswer, mimeTypeFor, resolveStaticPath };

export const MAX_BODY_BYTES = 1024 * 1024;
const HOST = '127.0.0.1';
const DEFAULT_HEARTBEAT_MS = 15_000;
/** An SSE client this far behind is dropped rather than buffered without end. */
const MAX_SSE_BUFFER = 8 * 1024 * 1024;


export async function startHttpHost(opts: HttpHostOptions): Promise<HttpHost> {
  const { api } = opts;
  const rendererDir = resolve(opts.rendererDir);
  const token = opts.token ?? generateToken();
  if (typeof token !== 'string' || token.length < 16)
    throw new Error('The token must be at least 16 characters.');
  const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const onError = opts.onError ?? ((error: unknown) => console.error('drop-inspector server:', error));
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  const eventStreams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  function baseHeaders(extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    return { ...SECURITY_HEADERS, ...extra };
  }

  function sendText(
    res: ServerResponse,
    status: number,
    text: string,
    extra: Record<string, string> = {},
  ): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = Buffer.from(text + '\n', 'utf8');
    res.writeHead(
      status,
      baseHeaders({
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': String(body.length),
        'Cache-Control': 'no-store',
        ...extra,
      }),
    );
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  function sendJson(
    res: ServerResponse,
    status: number,
    payload: CallResponse,
    extra: Record<string, string> = {},
  ): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    let body: Buffer;
    try {
      body = Buffer.from(JSON.stringify(payload), 'utf8');
    } catch (error) {
      // A value JSON cannot carry (a cycle, a BigInt): an internal error, not a crash.
      onError(error);
      const fallback: CallResponse = {
        ok: false,
        error: { code: 'internal', message: 'The answer could not be encoded.' },
      };
      body = Buffer.from(JSON.stringify(fallback), 'utf8');
      status = 500;
    }
    res.writeHead(
      status,
      baseHeaders({
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(body.length),
        'Cache-Control': 'no-store',
        ...extra,
      }),
    );
    res.end(body);
  }

  function sendApiError(res: ServerResponse, error: ApiErrorShape, extra: Record<string, string> = {}): void {
    sendJson(res, httpStatusFor(error.code), { ok: false, error }, extra);
  }

  /** Host must name this server on loopback; Origin, when sent, must be this server. */
  function checkHostAndOrigin(req: IncomingMessage): boolean {
    const host = headerValue(req, 'host');
    if (!host || !allowedHosts.has(host.toLowerCase())) return false;
    const origin = headerValue(req, 'origin');
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return false;
    return true;
  }

  type TokenSource = 'query' | 'cookie' | 'header';
  function hasToken(req: IncomingMessage, query: string, sources: readonly TokenSource[]): boolean {
    const candidates: string[] = [];
    if (sources.includes('header')) {
      const h = headerValue(req, TOKEN_HEADER);
      if (h !== undefined) candidates.push(h);
    }
    if (sources.includes('query')) {
      const q = queryParam(query, TOKEN_QUERY);
      if (q !== undefined) candidates.push(q);
    }
    if (sources.includes('cookie')) {
      const c = parseCookies(headerValue(req, 'cookie')).get(TOKEN_COOKIE);
      if (c !== undefined) candidates.push(c);
    }
    let ok = false;
    for (const candidate of candidates) if (tokensEqual(candidate, token)) ok = true;
    return ok;
  }

  /**
   * The request body, at most MAX_BODY_BYTES. Past the limit the rest is drained (not kept)
   * so the 413 answer reaches the client; a client sending far more is cut off.
   */
  function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise<Buffer>((resolveBody, rejectBody) => {
      const tooLarge = (): HttpError =>
        new HttpError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
      const declared = Number(headerValue(req, 'content-length') ?? '0');
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      const fail = (error: HttpError): void => {
        if (failed) return;
        failed = true;
        chunks.length = 0;
        rejectBody(error);
      };
      if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) fail(tooLarge());
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (failed) {
          if (size > 16 * MAX_BODY_BYTES) req.destroy();
          return;
        }
        if (size > MAX_BODY_BYTES) {
          fail(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!failed) resolveBody(Buffer.concat(chunks));
      });
      req.on('error', () => fail(new HttpError(400, 'The request body could not be read.')));
      req.on('aborted', () => fail(new HttpError(400, 'The request was aborted.')));
    });
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(
        res,
        405,
        { ok: false, error: { code: 'bad-request', message: 'Use POST.' } },
        { Allow: 'POST' },
      );
      return;
    }
    let method: string;
    try {
      method = decodeURIComponent(rawPath.slice(CALL_PATH.length));
    } catch {
      sendApiError(res, { code: 'bad-request', message: 'Malformed method name.' });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      // Answer now and close: the rest of an oversized body is not read.
      sendJson(
        res,
        status,
        { ok: false, error: { code: 'bad-request', message: (error as Error).message } },
        { Connection: 'close' },
      );
      return;
    }
    let args: unknown = [];
    const text = body.toString('utf8').trim();
    if (text !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        sendApiError(res, { code: 'bad-request', message: 'The request body is not valid JSON.' });
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        sendApiError(res, {
          code: 'bad-request',
          message: 'The request body must be an object { args: [...] }.',
        });
        return;
      }
      args = (parsed as { args?: unknown }).args ?? [];
    }
    try {
      const value = await callApi(api, method, args);
      sendJson(res, 200, { ok: true, value });
    } catch (error) {
      const shape = toApiErrorShape(error);
      if (shape.code === 'internal') onError(error);
      sendApiError(res, shape);
    }
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      sendText(res, 405, 'Method not allowed', { Allow: 'GET' });
      return;
    }
    res.writeHead(
      200,
      baseHeaders({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      }),
    );
    res.flushHeaders();
    res.write(': connected\n\n');
    eventStreams.add(res);
    const write = (chunk: string): void => {
      if (res.destroyed || res.writableEnded) return;
      if (res.writableLength > MAX_SSE_BUFFER) {
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    let unsubscribe: (() => void) | undefined;
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    let cleaned = false;
    const cleanup = (): void => {
      if (cleaned) return;
      cleaned = true;
      clearInterval(heartbeat);
      eventStreams.delete(res);
      try {
        unsubscribe?.();
      } catch (error) {
        onError(error);
      }
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
    res.on('error', cleanup);
    try {
      unsubscribe = api.onEvent((event: EngineEvent) => {
        let data: string;
        try {
          data = JSON.stringify(event);
        } catch (error) {
          onError(error);
          return;
        }
        write(`data: ${data}\n\n`);
      });
    } catch (error) {
      onError(error);
      res.destroy();
      return;
    }
    if (cleaned) unsubscribe();
  }

  async function handleStatic(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    query: string,
  ): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const isIndex = rawPath === '/' || rawPath === '/index.html';
    const viaQuery = hasToken(req, query, ['query']);
    if (!viaQuery && !hasToken(req, query, ['cookie', 'header'])) {
      sendText(res, 401, 'Unauthorized: open the URL with its token, as printed by drop-inspector serve.');
      return;
    }
    let file: string;
    try {
      file = resolveStaticPath(rendererDir, rawPath);
      // Symlinks must not lead out of the renderer folder either.
      const [realRoot, realFile] = await Promise.all([realpath(rendererDir), realpath(file)]);
      const rel = relative(realRoot, realFile);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new HttpError(404, 'Not found');
      const info = await stat(realFile);
      if (!info.isFile()) throw new HttpError(404, 'Not found');
      file = realFile;
      const extra: Record<string, string | string[]> = {
        'Content-Type': mimeTypeFor(file),
        'Content-Length': String(info.size),
        'Cache-Control': isIndex ? 'no-store' : 'no-cache',
      };
      if (isIndex && viaQuery) {
        extra['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      res.writeHead(200, baseHeaders(extra));
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = createReadStream(file);
      stream.on('error', (error) => {
        onError(error);
        res.destroy();
      });
      res.on('close', () => stream.destroy());
      stream.pipe(res);
    } catch (error) {
      if (error instanceof HttpError) {
        sendText(res, error.status, error.message);
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP') {
        sendText(res, 404, 'Not found');
        return;
      }
      throw error;
    }
  }

  /**
   * A table view as a CSV download: the engine writes it to a private temporary file (bounded
   * memory whatever the view's size), which is then streamed and removed.
   */
  async function handleSaveView(req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    if (req.method !== 'GET') {
      sendText(res, 405, 'Method not allowed', { Allow: 'GET' });
      return;
    }
    if (!opts.exportView) {
      sendText(res, 404, 'Not found');
      return;
    }
    let handle: string;
    let view: ViewSpec;
    try {
      const params = new URLSearchParams(query);
      [handle, view] = await checkArgs('saveView', [params.get('handle'), JSON.parse(params.get('view') || '{}')]);
    } catch (e) {
      sendApiError(res, e instanceof SyntaxError ? { code: 'bad-request', message: 'The view is not JSON.' } : toApiErrorShape(e));
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'di-view-'));
    try {
      const file = join(dir, 'view.csv');
      let name = 'table';
      try {
        await opts.exportView(handle, view, file);
        name = (await api.tableInfo(handle)).table.replace(/[^A-Za-z0-9._-]/g, '_') || 'table';
      } catch (e) {
        sendApiError(res, toApiErrorShape(e));
        return;
      }
      res.writeHead(
        200,
        baseHeaders({
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="${name}-view.csv"`,
          'Cache-Control': 'no-store',
        }),
      );
      await pipeline(createReadStream(file), res);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!checkHostAndOrigin(req)) {
      sendText(res, 403, 'Forbidden: this server answers only to its own address.');
      return;
    }
    const target = splitTarget(req.url);
    if (!target) {
      sendText(res, 400, 'Bad request');
      return;
    }
    const { rawPath, query } = target;
    if (rawPath.startsWith(CALL_PATH)) {
      if (!hasToken(req, query, ['header'])) {
        sendJson(res, 401, { ok: false, error: { code: 'forbidden', message: 'Missing or wrong token.' } });
        return;
      }
      await handleCall(req, res, rawPath);
      return;
    }
    if (rawPath === EVENTS_PATH) {
      if (!hasToken(req, query, ['query', 'cookie', 'header'])) {
        sendText(res, 401, 'Unauthorized');
        return;
      }
      handleEvents(req, res);
      return;
    }
    if (rawPath === SAVE_VIEW_PATH) {
      if (!hasToken(req, query, ['query', 'cookie', 'header'])) {
        sendText(res, 401, 'Unauthorized');
        return;
      }
      await handleSaveView(req, res, query);
      return;
    }
    if (rawPath.startsWith('/api/') || rawPath === '/api') {
      sendText(res, 404, 'Not found');
      return;
    }
    await handleStatic(req, res, rawPath, query);
  }

  const server = createServer((req, res) => {
    res.on('error', () => res.destroy());
    req.on('error', () => req.destroy());
    handle(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) sendText(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A client that went away (a tab closed, a request given up) is not an error to answer.
    if (error.code === 'ECONNRESET' || !socket.writable || socket.destroyed) {
      socket.destroy();
      return;
    }
    const { status, text, reason } = clientErrorAnswer(error);
    // The answer says why, in the API's own error shape, so the UI can show the reason.
    const body = JSON.stringify({ ok: false, error: { code: 'bad-request', message: reason } } satisfies CallResponse);
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolveListen, rejectListen) => {
    const onListenError = (error: Error): void => rejectListen(error);
    server.once('error', onListenError);
    server.listen({ host: HOST, port: opts.port ?? 0, exclusive: true }, () => {
      server.off('error', onListenError);
      resolveListen();
    });
  });
  server.on('error', (error) => onError(error));
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}/?${TOKEN_QUERY}=${token}`,
    port,
    token,
    server,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolveClose) => {
        for (const res of eventStreams) res.end();
        server.close(() => resolveClose());
        server.closeIdleConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
