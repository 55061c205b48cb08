// The browser host's static files: the renderer build, GET or HEAD, with the token from the
// URL (then set as an HttpOnly cookie on index.html) or from that cookie; the path proven
// inside the build, symlinks included, and streamed. Apart from the host: the one route
// that reads files.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, relative } from 'node:path';
import { TOKEN_COOKIE } from '../shared/http-protocol';
import { hasToken } from './http-access';
import { HttpError, mimeTypeFor, resolveStaticPath } from './http-request';
import { baseHeaders, sendText } from './http-response';

export interface StaticOptions {
  /** The renderer build, resolved. */
  rendererDir: string;
  token: string;
  onError: (error: unknown) => void;
  /** Told of each file sent whole (its real path), once the answer has gone out. */
  onSent?: (file: string) => void;
}

/** Any path not under /api: a file of the renderer build. */
export async function handleStatic(
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  query: string,
  opts: StaticOptions,
): Promise<void> {
  const { rendererDir, token, onError } = opts;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  const isIndex = rawPath === '/' || rawPath === '/index.html';
  const viaQuery = hasToken(req, query, ['query'], token);
  if (!viaQuery && !hasToken(req, query, ['cookie', 'header'], token)) {
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
    const sent = file;
    if (opts.onSent) res.once('finish', () => opts.onSent!(sent));
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
