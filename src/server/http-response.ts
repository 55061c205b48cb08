// How the browser host writes an answer: always with the security headers, as plain text
// or as the API's JSON envelope, never cached; an answer whose headers already went out
// ends the connection instead. One place, so no route can forget a header. onError is
// where an answer JSON cannot carry is reported (the client then gets an internal error).
import type { ServerResponse } from 'node:http';
import type { ApiErrorShape } from '../shared/api';
import type { CallResponse } from '../shared/http-protocol';
import { httpStatusFor } from './errors';
import { SECURITY_HEADERS } from './http-security';

export function baseHeaders(extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return { ...SECURITY_HEADERS, ...extra };
}

export function sendText(
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

export function sendJson(
  res: ServerResponse,
  status: number,
  payload: CallResponse,
  onError: (error: unknown) => void,
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

export function sendApiError(
  res: ServerResponse,
  error: ApiErrorShape,
  onError: (error: unknown) => void,
  extra: Record<string, string> = {},
): void {
  sendJson(res, httpStatusFor(error.code), { ok: false, error }, onError, extra);
}
