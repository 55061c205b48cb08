// The browser host's event stream: GET EVENTS_PATH as Server-Sent Events, every EngineEvent
// one `data:` line of JSON, a heartbeat comment to keep proxies and the browser from giving
// up, a client too far behind dropped rather than buffered without end. Apart from the
// host: a long-lived response with its own subscription and cleanup.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DropInspectorApi, EngineEvent } from '../shared/api';
import { baseHeaders, sendText } from './http-response';

/** An SSE client this far behind is dropped rather than buffered without end. */
const MAX_SSE_BUFFER = 8 * 1024 * 1024;

export interface EventStreamOptions {
  api: DropInspectorApi;
  /** Milliseconds between heartbeat comments. */
  heartbeatMs: number;
  onError: (error: unknown) => void;
  /** The host's open streams, ended when it closes; a stream is in it while it is open. */
  eventStreams: Set<ServerResponse>;
}

/** The events route; the host has checked the token (query, cookie or header) before. */
export function handleEvents(req: IncomingMessage, res: ServerResponse, opts: EventStreamOptions): void {
  const { api, heartbeatMs, onError, eventStreams } = opts;
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
