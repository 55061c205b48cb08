// A loopback proxy in front of moto_server that answers chosen requests with S3 error
// documents (503 SlowDown, 403 AccessDenied): throttling and denial against the real API.
import http from 'node:http';
import type net from 'node:net';

export interface Fault {
  status: number;
  code: string;
  message: string;
}

export interface FaultProxy {
  endpoint: string;
  /** Requests that reached the proxy (answered or forwarded). */
  seen: number;
  /** Each request as 'METHOD path', with ' range=…' when it asked for a byte range. */
  log: string[];
  /** Answers the next `n` requests (or all, with Infinity) with this fault. */
  inject(fault: Fault, n: number): void;
  close(): Promise<void>;
}

export const SLOW_DOWN: Fault = { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
export const ACCESS_DENIED: Fault = { status: 403, code: 'AccessDenied', message: 'Access Denied' };

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const t = new URL(target);
  let pending: { fault: Fault; n: number } | null = null;
  const state = { seen: 0 };
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    state.seen++;
    log.push(`${req.method} ${req.url}${req.headers.range ? ` range=${req.headers.range}` : ''}`);
    if (pending && pending.n > 0) {
      pending.n--;
      const f = pending.fault;
      req.resume();
      res.writeHead(f.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${f.code}</Code><Message>${f.message}</Message><RequestId>proxy</RequestId></Error>`);
      return;
    }
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get seen() {
      return state.seen;
    },
    log,
    inject(fault, n) {
      pending = { fault, n };
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
