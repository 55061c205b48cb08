// Errors as both hosts (HTTP and Electron IPC) hand them to the UI: an ApiErrorShape, never
// a stack trace and never a crash.
import { API_ERROR_CODES, type ApiErrorCode, type ApiErrorShape } from '../shared/api';

export { API_ERROR_CODES, type ApiErrorCode };

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value);
}

/** An error whose code the UI sees as is. */
export class ApiError extends Error implements ApiErrorShape {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/**
 * Any thrown value → ApiErrorShape: an object whose `code` is one of ApiErrorShape's codes
 * keeps it (and its message); anything else is 'internal' with its message.
 */
export function toApiErrorShape(error: unknown): ApiErrorShape {
  if (typeof error === 'object' && error !== null) {
    // A request the UI made obsolete (another table, a newer sort) was stopped on purpose.
    if ((error as { name?: unknown }).name === 'AbortError') {
      return { code: 'cancelled', message: 'Cancelled: a newer request took its place.' };
    }
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' && message !== '' ? message : String(error);
    if (isApiErrorCode(code)) return { code, message: text };
    return { code: 'internal', message: text };
  }
  return { code: 'internal', message: error === undefined ? 'Unknown error' : String(error) };
}

/** The HTTP status an error code answers with. */
export function httpStatusFor(code: ApiErrorCode): number {
  switch (code) {
    // A bad request, or a path that cannot be a drop (a file): the client's to fix, with the
    // reason in the body, never "internal".
    case 'bad-request':
    case 'not-a-directory':
      return 400;
    // Forbidden, or a path this user may not read (mode bits, an ACL).
    case 'forbidden':
    case 'unreadable':
      return 403;
    case 'not-found':
      return 404;
    case 'unknown-format':
      // Unprocessable: a readable folder, but no drop family recognises it.
      return 422;
    case 'cancelled':
      // Conflict: a later request of the same client superseded this one.
      return 409;
    case 'too-large':
      // Insufficient Storage: the memory or spill space the operation needs is not allowed.
      return 507;
    default:
      return 500;
  }
}
