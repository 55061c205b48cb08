// DropInspectorApi over the browser host's loopback HTTP protocol (../../shared/http-protocol.ts).
import { API_METHODS, type ApiMethod, type DropInspectorApi, type EngineEvent } from '../../shared/api';
import {
  CALL_PATH,
  EVENTS_PATH,
  SAVE_VIEW_PATH,
  TOKEN_HEADER,
  TOKEN_QUERY,
  type CallRequest,
  type CallResponse,
} from '../../shared/http-protocol';
import { ApiError, API_ERROR_CODES } from './errors';
import { clickDownload } from './download';

export const TOKEN_STORAGE_KEY = 'drop-inspector.token';

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  close(): void;
}
type EventSourceCtor = new (url: string) => EventSourceLike;

export interface HttpApiOptions {
  /** Origin (and path prefix) of the server; '' = the page's own origin. */
  baseUrl?: string;
  token: string | null;
  fetch?: FetchLike;
  EventSource?: EventSourceCtor;
  /** First reconnect delay of the event stream (doubles up to 15 s). */
  reconnectMs?: number;
  /** Starts a download of a URL (default: a hidden <a download> clicked in the page). */
  download?: (url: string) => void;
}

/** Points a hidden <a download> at the URL and clicks it: the browser streams the file to disk. */
export function downloadUrl(url: string, doc: Document = document): void {
  clickDownload(url, '', doc);
}

const CLOSED = 2;

/**
 * Reads the session token: from ?token= in the address (then removed from the address
 * bar and kept in sessionStorage), else from sessionStorage. Never throws.
 */
export function takeToken(
  loc: Pick<Location, 'href'> = window.location,
  hist: Pick<History, 'replaceState' | 'state'> = window.history,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeSessionStorage(),
): string | null {
  let url: URL;
  try {
    url = new URL(loc.href);
  } catch {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  }
  const fromQuery = url.searchParams.get(TOKEN_QUERY);
  if (fromQuery) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromQuery);
    } catch {
      /* storage full or disabled: the token still works for this page */
    }
    url.searchParams.delete(TOKEN_QUERY);
    try {
      hist.replaceState(hist.state, '', url.pathname + url.search + url.hash);
    } catch {
      /* not fatal */
    }
    return fromQuery;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.sessionStorage : null;
  } catch {
    return null;
  }
}

function isErrorShape(v: unknown): v is { code: (typeof API_ERROR_CODES)[number]; message: string } {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.code === 'string' && (API_ERROR_CODES as readonly string[]).includes(o.code) && typeof o.message === 'string';
}

/** The reason a non-JSON answer gives (a plain-text body), short enough for a banner. */
function reasonOf(body: string): string {
  const line = body.trim().split(/\r?\n/)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function statusError(status: number, statusText: string, body = ''): ApiError {
  const why = reasonOf(body);
  const because = why ? `: ${why}` : '';
  const label = `${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 401) {
    return new ApiError({
      code: 'forbidden',
      message:
        'The server refused the request (401): this page has no valid session token. Open the address printed by `drop-inspector serve` again.',
    });
  }
  if (status === 403) {
    return new ApiError({ code: 'forbidden', message: `The server refused the request (${label})${because}` });
  }
  if (status === 404) return new ApiError({ code: 'not-found', message: `Not found (${label})${because}` });
  // No reason in the answer at all: say so, and what to try, rather than a bare status.
  const fallback = because || ': the server gave no reason; try again, and if it recurs, see the server\u2019s terminal';
  if (status >= 400 && status < 500) return new ApiError({ code: 'bad-request', message: `Request refused (${label})${fallback}` });
  return new ApiError({ code: 'internal', message: `The server failed (${label})${fallback}` });
}

export function createHttpApi(options: HttpApiOptions): DropInspectorApi {
  const base = (options.baseUrl ?? '').replace(/\/$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const ES: EventSourceCtor | undefined =
    options.EventSource ?? (typeof EventSource !== 'undefined' ? (EventSource as unknown as EventSourceCtor) : undefined);
  const firstDelay = options.reconnectMs ?? 1000;
  const token = options.token;

  async function call<T>(method: ApiMethod, args: unknown[]): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers[TOKEN_HEADER] = token;
    const body: CallRequest = { args };
    let res: Response;
    try {
      res = await doFetch(`${base}${CALL_PATH}${method}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new ApiError({
        code: 'internal',
        message: `Cannot reach the Drop Inspector server (${e instanceof Error ? e.message : String(e)}). Is it still running?`,
      });
    }
    let payload: unknown;
    let text = '';
    try {
      text = await res.text();
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: judged by the status below */
    }
    if (payload && typeof payload === 'object' && 'ok' in payload) {
      const r = payload as CallResponse;
      if (r.ok) return r.value as T;
      if (isErrorShape(r.error)) throw new ApiError(r.error);
    }
    if (!res.ok) throw statusError(res.status, res.statusText, payload === undefined ? text : '');
    throw new ApiError({ code: 'internal', message: `Unexpected answer from the server for ${method}.` });
  }

  // One shared event stream, opened on the first subscriber, reconnecting when it closes.
  const listeners = new Set<(event: EngineEvent) => void>();
  let source: EventSourceLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let delay = firstDelay;

  function dispatch(raw: string): void {
    let event: EngineEvent;
    try {
      event = JSON.parse(raw) as EngineEvent;
    } catch {
      return;
    }
    if (!event || typeof event !== 'object' || typeof event.type !== 'string') return;
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch (e) {
        console.error('event listener failed', e);
      }
    }
  }

  function connect(): void {
    if (!ES || source || listeners.size === 0) return;
    const url = `${base}${EVENTS_PATH}${token ? `?${TOKEN_QUERY}=${encodeURIComponent(token)}` : ''}`;
    let es: EventSourceLike;
    try {
      es = new ES(url);
    } catch {
      scheduleReconnect();
      return;
    }
    source = es;
    es.onopen = () => {
      delay = firstDelay;
    };
    es.onmessage = (m: MessageEvent) => dispatch(typeof m.data === 'string' ? m.data : String(m.data));
    es.onerror = () => {
      // The browser retries by itself while CONNECTING; once CLOSED we retry ourselves.
      if (es.readyState === CLOSED) {
        es.close();
        if (source === es) source = null;
        scheduleReconnect();
      }
    };
  }

  function scheduleReconnect(): void {
    if (retryTimer || listeners.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
    delay = Math.min(delay * 2, 15_000);
  }

  function disconnect(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    source?.close();
    source = null;
  }

  return {
    // One POST per method of the method table (trailing omitted arguments left out).
    ...(Object.fromEntries(
      API_METHODS.map((m) => [
        m,
        (...args: unknown[]) => {
          let n = args.length;
          while (n > 0 && args[n - 1] === undefined) n--;
          return call(m, args.slice(0, n));
        },
      ]),
    ) as Pick<DropInspectorApi, ApiMethod>),
    // The browser has no native folder picker.
    pickFolder: async () => null,
    // In the browser a saved view is a download the server streams (GET SAVE_VIEW_PATH).
    async saveView(handle, view) {
      const q = [`handle=${encodeURIComponent(handle)}`, `view=${encodeURIComponent(JSON.stringify(view))}`];
      if (token) q.push(`${TOKEN_QUERY}=${encodeURIComponent(token)}`);
      const url = `${base}${SAVE_VIEW_PATH}?${q.join('&')}`;
      (options.download ?? ((u: string) => downloadUrl(u)))(url);
      return { saved: true };
    },
    onEvent(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) disconnect();
      };
    },
  };
}
