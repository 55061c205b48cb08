// The browser host: serves the renderer build and DropInspectorApi on loopback, following
// src/shared/http-protocol.ts exactly. Bound to 127.0.0.1 only; every request needs the
// per-run token (query, cookie or header, depending on the route) and a Host/Origin of
// this very server, which shuts out other sites and DNS rebinding. This file is the server
// and its routing; each route is a module of its own (http-call.ts, http-events.ts,
// http-save-view.ts, http-static.ts), the checks in http-access.ts, answers in http-response.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import type { DropInspectorApi } from '../shared/api';
import { CALL_PATH, EVENTS_PATH, SAVE_VIEW_PATH, TOKEN_QUERY, type CallResponse } from '../shared/http-protocol';
import type { ViewSpec } from '../shared/table-api';
import { checkHostAndOrigin, hasToken } from './http-access';
import { handleCall } from './http-call';
import { handleEvents } from './http-events';
import { clientErrorAnswer, mimeTypeFor, resolveStaticPath, splitTarget } from './http-request';
import { sendJson, sendText } from './http-response';
import { handleSaveView } from './http-save-view';
import { CONTENT_SECURITY_POLICY, generateToken, tokensEqual } from './http-security';
import { handleStatic } from './http-static';

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
  /**
   * Called when the app's page and then its script have been sent: the browser now parses
   * and starts the app (~0.1 s here) before its first call, time this server is idle in.
   */
  onAppLoading?: () => void;
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

const HOST = '127.0.0.1';
const DEFAULT_HEARTBEAT_MS = 15_000;

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
  // The page was sent and its script not yet (onAppLoading).
  let pageSent = false;
  const onSent = (file: string): void => {
    if (file.endsWith('.html')) pageSent = true;
    else if (pageSent && file.endsWith('.js')) {
      pageSent = false;
      opts.onAppLoading?.();
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!checkHostAndOrigin(req, allowedHosts, allowedOrigins)) {
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
      if (!hasToken(req, query, ['header'], token)) {
        sendJson(
          res,
          401,
          { ok: false, error: { code: 'forbidden', message: 'Missing or wrong token.' } },
          onError,
        );
        return;
      }
      await handleCall(req, res, rawPath, api, onError);
      return;
    }
    if (rawPath === EVENTS_PATH) {
      if (!hasToken(req, query, ['query', 'cookie', 'header'], token)) {
        sendText(res, 401, 'Unauthorized');
        return;
      }
      handleEvents(req, res, { api, heartbeatMs, onError, eventStreams });
      return;
    }
    if (rawPath === SAVE_VIEW_PATH) {
      if (!hasToken(req, query, ['query', 'cookie', 'header'], token)) {
        sendText(res, 401, 'Unauthorized');
        return;
      }
      await handleSaveView(req, res, query, { api, exportView: opts.exportView, onError });
      return;
    }
    if (rawPath.startsWith('/api/') || rawPath === '/api') {
      sendText(res, 404, 'Not found');
      return;
    }
    await handleStatic(req, res, rawPath, query, { rendererDir, token, onError, onSent });
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
