// Reading a request to the browser host, before any route: its target split and its static
// path proven inside the renderer build, its cookies, query and headers, the type of a file
// it asks for, and what a request Node's parser refused is answered with. HttpError is an
// answer with a status, thrown by any of these and by the routes.
import type { IncomingMessage } from 'node:http';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export function mimeTypeFor(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export function queryParam(query: string, name: string): string | undefined {
  try {
    const value = new URLSearchParams(query).get(name);
    return value ?? undefined;
  } catch {
    return undefined;
  }
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Splits a request target into its raw path and query; only origin-form ("/…") is accepted. */
export function splitTarget(target: string | undefined): { rawPath: string; query: string } | null {
  if (!target || !target.startsWith('/')) return null;
  const hash = target.indexOf('#');
  const noHash = hash >= 0 ? target.slice(0, hash) : target;
  const q = noHash.indexOf('?');
  return q >= 0
    ? { rawPath: noHash.slice(0, q), query: noHash.slice(q + 1) }
    : { rawPath: noHash, query: '' };
}

/**
 * The file a static request names, inside rendererDir, or an HttpError. Decodes the path
 * once and refuses anything that could step out or hide: '..' and '.' segments (however
 * encoded), empty segments, dotfiles, backslashes, NUL and other control characters.
 */
export function resolveStaticPath(rendererDir: string, rawPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new HttpError(400, 'Malformed path');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(decoded)) throw new HttpError(400, 'Malformed path');
  if (decoded === '/' || decoded === '') decoded = '/index.html';
  const segments = decoded.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') throw new HttpError(400, 'Malformed path');
    if (segment.startsWith('.')) throw new HttpError(404, 'Not found');
  }
  const root = resolve(rendererDir);
  const full = resolve(root, ...segments);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new HttpError(400, 'Malformed path');
  }
  return full;
}

/** What a request Node's parser refused is answered with, and why, in words. */
export function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; text: string; reason: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, text: 'Request Header Fields Too Large', reason: 'The request\u2019s headers are too large (a very long address or cookie).' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return { status: 408, text: 'Request Timeout', reason: 'The request did not arrive in time; try again.' };
    default:
      return {
        status: 400,
        text: 'Bad Request',
        reason: `The server could not read the request (${error.code ?? 'malformed'}${error.message ? `: ${error.message}` : ''}).`,
      };
  }
}
