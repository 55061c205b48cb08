// Every failure of an API call becomes an ApiErrorShape the UI can show.
import { API_ERROR_CODES, type ApiErrorShape } from '../../shared/api';

export { API_ERROR_CODES };

/** An Error carrying an ApiErrorShape (thrown by the HTTP client and the fake API). */
export class ApiError extends Error implements ApiErrorShape {
  readonly code: ApiErrorShape['code'];
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.code = shape.code;
  }
  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }
}

function isCode(value: unknown): value is ApiErrorShape['code'] {
  return typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value);
}

/** A JSON ApiErrorShape embedded in a message (the way Electron IPC may carry it). */
function fromEmbeddedJson(message: string): ApiErrorShape | null {
  const start = message.indexOf('{');
  if (start < 0) return null;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    if (parsed && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      if (isCode(o.code) && typeof o.message === 'string') return { code: o.code, message: o.message };
    }
  } catch {
    /* not JSON */
  }
  return null;
}

/** Electron prefixes rejected invoke() messages with "Error invoking remote method 'x': Error: ". */
function stripIpcPrefix(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*':\s*(?:[A-Za-z]*Error:\s*)?/, '');
}

/** Normalises anything thrown by an API call. Never throws. */
export function toApiError(error: unknown): ApiErrorShape {
  if (error && typeof error === 'object') {
    const o = error as Record<string, unknown>;
    const message = typeof o.message === 'string' ? o.message : '';
    if (isCode(o.code)) return { code: o.code, message: stripIpcPrefix(message) || String(o.code) };
    if (message) {
      const embedded = fromEmbeddedJson(message);
      if (embedded) return embedded;
      return { code: 'internal', message: stripIpcPrefix(message) };
    }
  }
  if (typeof error === 'string' && error) return { code: 'internal', message: error };
  return { code: 'internal', message: 'Something went wrong (no details were given).' };
}

/** A heading a person understands, for each code. */
export const ERROR_TITLES: Record<ApiErrorShape['code'], string> = {
  'not-found': 'Folder not found',
  'not-a-directory': 'Not a folder',
  unreadable: 'The folder cannot be read',
  'unknown-format': 'Unknown drop family',
  'catalog-too-new': 'Catalog written by a newer version',
  'bad-request': 'Request refused',
  forbidden: 'Not authorised',
  cancelled: 'Cancelled',
  'too-large': 'Too large for the memory or disk allowed',
  internal: 'Internal error',
};

/** A request the UI itself made obsolete: nothing to tell the user. */
export function isCancelled(error: unknown): boolean {
  return toApiError(error).code === 'cancelled' || (error as { name?: unknown } | null)?.name === 'AbortError';
}
