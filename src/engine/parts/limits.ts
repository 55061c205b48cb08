// The decode limits (zip and gzip bombs): one place for the scan, the part reader and the
// table browser. A member is a likely bomb when it inflates past BOMB_RATIO:1 and past
// BOMB_MIN_BYTES (small members compress that well legitimately: a column of zeros). The
// scan reports it (suspicious-entry) and still counts it up to the absolute limit; the table
// browser refuses to inflate it into its cache unless the ratio limit is raised. A zip
// member declares its sizes (checked before a byte is inflated); a stream of codecs (gzip …)
// does not, so the part reader checks the ratio of decoded to raw bytes as it goes. Both
// limits can be overridden (--max-member-bytes, --max-ratio).
export const DEFAULT_MAX_MEMBER_BYTES = 64 * 1024 ** 3;
export const BOMB_RATIO = 200;
export const BOMB_MIN_BYTES = 50 << 20;

export interface InflateLimits {
  /** Never inflate a member declaring (or decoding) more than this. */
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

/**
 * Why a member declaring these sizes must not be inflated under these limits, or null: past
 * the absolute limit, or a likely bomb (only when a ratio limit is given: the scan counts
 * such members, reading no more than the absolute limit).
 */
export function refusalOf(
  name: string,
  m: { compressedSize: number; uncompressedSize: number },
  limits: Partial<InflateLimits>,
): string | null {
  const max = limits.maxMemberBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  if (m.uncompressedSize > max) return `${name} declares ${m.uncompressedSize} bytes, over the limit of ${max} (raise --max-member-bytes)`;
  if (limits.maxRatio !== undefined && looksLikeBomb(m, limits.maxRatio)) return bombMessage(name, m, limits.maxRatio);
  return null;
}

function bombMessage(name: string, m: { compressedSize: number; uncompressedSize: number }, maxRatio: number): string {
  return `${name} inflates ${Math.round(ratioOf(m))}:1 to ${m.uncompressedSize} bytes, past the ${maxRatio}:1 limit for members over ${BOMB_MIN_BYTES} bytes (a zip bomb?); not read (raise --max-ratio to read it anyway)`;
}

/**
 * The same limits over a stream whose sizes are not declared: fed the raw and the decoded
 * byte counts as they grow, says why to stop (or null). The ratio is judged on what was read
 * so far (raw bytes are read ahead of decoding, so it never overstates).
 */
export function streamRefusal(name: string, decoded: number, raw: number, limits: Partial<InflateLimits>): string | null {
  const max = limits.maxMemberBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  if (decoded > max) return `${name} decodes past the ${max}-byte limit (raise --max-member-bytes)`;
  if (limits.maxRatio !== undefined && looksLikeBomb({ compressedSize: raw, uncompressedSize: decoded }, limits.maxRatio))
    return `${name} decodes ${Math.round(decoded / Math.max(1, raw))}:1 (${decoded} bytes from ${raw}), past the ${limits.maxRatio}:1 limit for parts over ${BOMB_MIN_BYTES} bytes (a zip bomb?); not read (raise --max-ratio to read it anyway)`;
  return null;
}
