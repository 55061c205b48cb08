// The browser host's API route: POST CALL_PATH<method> with a JSON body { args: [...] } of
// at most MAX_BODY_BYTES, the call made through dispatch.ts, its value or error in the
// API's JSON envelope. Apart from the host: reading a bounded body is the route's own care.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DropInspectorApi } from '../shared/api';
import { CALL_PATH } from '../shared/http-protocol';
import { callApi } from './dispatch';
import { toApiErrorShape } from './errors';
import { HttpError, headerValue } from './http-request';
import { sendApiError, sendJson } from './http-response';

export const MAX_BODY_BYTES = 1024 * 1024;

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

/** The API route; the host has checked the token (header only) before. */
export async function handleCall(
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  api: DropInspectorApi,
  onError: (error: unknown) => void,
): Promise<void> {
  if (req.method !== 'POST') {
    sendJson(
      res,
      405,
      { ok: false, error: { code: 'bad-request', message: 'Use POST.' } },
      onError,
      { Allow: 'POST' },
    );
    return;
  }
  let method: string;
  try {
    method = decodeURIComponent(rawPath.slice(CALL_PATH.length));
  } catch {
    sendApiError(res, { code: 'bad-request', message: 'Malformed method name.' }, onError);
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
      onError,
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
      sendApiError(res, { code: 'bad-request', message: 'The request body is not valid JSON.' }, onError);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      sendApiError(
        res,
        { code: 'bad-request', message: 'The request body must be an object { args: [...] }.' },
        onError,
      );
      return;
    }
    args = (parsed as { args?: unknown }).args ?? [];
  }
  try {
    const value = await callApi(api, method, args);
    sendJson(res, 200, { ok: true, value }, onError);
  } catch (error) {
    const shape = toApiErrorShape(error);
    if (shape.code === 'internal') onError(error);
    sendApiError(res, shape, onError);
  }
}
