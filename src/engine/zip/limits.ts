// The zip-bomb limits, one place for the scan and the table browser. A member is a likely
// bomb when it inflates past BOMB_RATIO:1 and past BOMB_MIN_BYTES (small members compress
// that well legitimately: a column of zeros). The scan reports it (suspicious-entry) and
// still counts it up to the absolute limit; the table browser refuses to inflate it into its
// cache unless the ratio limit is raised. Both limits can be overridden (--max-member-bytes,
// --max-ratio).
export const DEFAULT_MAX_MEMBER_BYTES = 64 * 1024 ** 3;
export const BOMB_RATIO = 200;
export const BOMB_MIN_BYTES = 50 << 20;

export interface InflateLimits {
  /** Never inflate a member declaring more than this. */
  maxMemberBytes: number;
  /** Compression ratio above which a member over BOMB_MIN_BYTES is a likely bomb. */
  maxRatio: number;
}


export function ratioOf(m: { compressedSize: number; uncompressedSize: number }): number {
  return m.uncompressedSize / Math.max(1, m.compressedSize);
}

export function looksLikeBomb(m: { compressedSize: number; uncompressedSize: number }, maxRatio = BOMB_RATIO): boolean {
  return m.uncompressedSize > BOMB_MIN_BYTES && ratioOf(m) > maxRatio;
}
