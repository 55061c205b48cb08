// The account-id hash: 52 bits of two FNV-1a variants over an id's UTF-8 bytes. Separate from
// the set (uid-set.ts) and the readers (uids.ts, uid-scanner.ts) because all of them, and the
// JSON id path, must hash an id alike; the readers carry its two states across an id's pieces.

/**
 * Two 32-bit FNV-1a variants over the id's UTF-8 bytes, combined into an exact float64
 * integer (< 2^52). Bytes, so that ids read as raw DSV field bytes and ids parsed from JSON
 * hash alike without decoding every DSV field to a string.
 */
export function uidHashBytes(b: Uint8Array, from = 0, to = b.length): number {
  let a = HASH_A0;
  let h = HASH_H0;
  for (let i = from; i < to; i++) {
    const c = b[i];
    a = Math.imul(a ^ c, 0x01000193);
    h = Math.imul(h ^ c, 0x5bd1e995) ^ (h >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((h >>> 0) & 0xfffff);
}

/** The hash's two states before any byte (UidScanner carries them across an id's pieces). */
export const HASH_A0 = 0x811c9dc5;
export const HASH_H0 = 0x01000193 ^ 0x5bd1e995;
/** The hash of an empty id. */
export const EMPTY_HASH = (HASH_A0 >>> 0) * 0x100000 + ((HASH_H0 >>> 0) & 0xfffff);

export function uidHash(s: string): number {
  // ASCII ids (the usual _gid_… form) are their own UTF-8 bytes: no encoding needed.
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
  if (!ascii) return uidHashBytes(Buffer.from(s, 'utf8'));
  let a = HASH_A0;
  let h = HASH_H0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    h = Math.imul(h ^ c, 0x5bd1e995) ^ (h >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((h >>> 0) & 0xfffff);
}
