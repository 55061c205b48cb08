// The error a cancelled piece of work ends with: named AbortError, as DOMException's is, so
// every host and caller tells a cancel from a failure by its name alone (server/errors.ts).
export function abortError(message = 'cancelled'): Error {
  const e = new Error(message);
  e.name = 'AbortError';
  return e;
}
