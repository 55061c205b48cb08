// The browser host's wire protocol (src/server ↔ src/renderer/api/http-client.ts).
//
// - The URL printed by `drop-inspector serve` is  http://127.0.0.1:<port>/?token=<token>.
//   GET / with the right token answers index.html and sets the HttpOnly, SameSite=Strict
//   cookie TOKEN_COOKIE, so the page's own assets load; the page then drops the token
//   from the address bar and keeps it in sessionStorage.
// - API calls: POST /api/call/<method>, JSON body CallRequest, header TOKEN_HEADER.
//   Answer: 200 CallResponse with ok:true, or 4xx/5xx with ok:false and an ApiErrorShape.
// - Events: GET /api/events?token=<token> → text/event-stream, one `data: <EngineEvent>` each.
// - Anything without the token: 401. A Host header other than 127.0.0.1:<port> /
//   localhost:<port>, or an Origin header other than the server's own: 403.
import type { ApiErrorShape } from './api';

export const TOKEN_HEADER = 'x-drop-inspector-token';
export const TOKEN_COOKIE = 'di_token';
export const TOKEN_QUERY = 'token';
export const CALL_PATH = '/api/call/';
export const EVENTS_PATH = '/api/events';

export interface CallRequest {
  args: unknown[];
}

export type CallResponse = { ok: true; value: unknown } | { ok: false; error: ApiErrorShape };

// - Saving a table view in the browser: GET /api/save-view?handle=<h>&view=<JSON ViewSpec>&token=<t>
//   answers the view as CSV (RFC 4180, UTF-8, header first), streamed, as an attachment; the
//   renderer's saveView() simply points a download link at it.
export const SAVE_VIEW_PATH = '/api/save-view';
