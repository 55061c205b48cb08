// Who the browser host answers at all: a Host (and Origin, when sent) naming this very
// server, which shuts out other sites and DNS rebinding, and the per-run token from the
// places a route accepts it (query, cookie or header). Apart from the routes so that each
// route's check is one call.
import type { IncomingMessage } from 'node:http';
import { TOKEN_COOKIE, TOKEN_HEADER, TOKEN_QUERY } from '../shared/http-protocol';
import { tokensEqual } from './http-security';
import { headerValue, parseCookies, queryParam } from './http-request';

/** Host must name this server on loopback; Origin, when sent, must be this server. */
export function checkHostAndOrigin(
  req: IncomingMessage,
  allowedHosts: ReadonlySet<string>,
  allowedOrigins: ReadonlySet<string>,
): boolean {
  const host = headerValue(req, 'host');
  if (!host || !allowedHosts.has(host.toLowerCase())) return false;
  const origin = headerValue(req, 'origin');
  if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return false;
  return true;
}

/** Where a route accepts the token from. */
export type TokenSource = 'query' | 'cookie' | 'header';

/** The per-run token from one of the sources given, compared in constant time. */
export function hasToken(
  req: IncomingMessage,
  query: string,
  sources: readonly TokenSource[],
  token: string,
): boolean {
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
