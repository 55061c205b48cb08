// Errors as both hosts (HTTP and Electron IPC) hand them to the UI: an ApiErrorShape, never
// a stack trace and never a crash.
import type { ApiErrorShape } from '../shared/api';

export type ApiErrorCode = ApiErrorShape['code'];

const CODES = {
  'not-found': true,
  'not-a-directory': true,
  unreadable: true,
  'unknown-format': true,
  'catalog-too-new': true,
  'bad-request': true,
  forbidden: true,
  internal: true,
} as const satisfies Record<ApiErrorCode, true>;

export const API_ERROR_CODES = Object.keys(CODES) as readonly ApiErrorCode[];

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CODES, value);
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
    case 'bad-request':
      return 400;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    default:
      return 500;
  }
}
