// SHA-1 of files (streamed in 1 MiB reads) and the two content forms of a .sha1 file.
import { createHash } from 'node:crypto';
import { openRegular, type DropPath } from '../fs/open-regular';

export const READ_CHUNK = 1 << 20;

export interface HashProgress {
  (bytes: number): void;
}

export async function sha1File(file: DropPath, onBytes?: HashProgress, signal?: AbortSignal): Promise<{ hex: string; bytes: number }> {
  const fh = await openRegular(file);
  try {
    const hash = createHash('sha1');
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      total += bytesRead;
      onBytes?.(bytesRead);
    }
    return { hex: hash.digest('hex'), bytes: total };
  } finally {
    await fh.close();
  }
}

/**
 * A .sha1 file holds either sha1sum's output (`<hex>  <name>` or `<hex> *<name>`) or the
 * bare digest. Returns the lower-case digest, or null when no 40-hex digest leads the text.
 */
export function parseSha1File(content: string): string | null {
  const m = /^\uFEFF?\s*([0-9a-fA-F]{40})(?:\s|$)/.exec(content);
  return m ? m[1].toLowerCase() : null;
}

/** Reads a small text file, refusing anything larger than `max` bytes. */
export async function readSmallText(file: DropPath, max: number): Promise<string> {
  const fh = await openRegular(file);
  try {
    const st = await fh.stat();
    if (st.size > max) throw new Error(`is ${st.size} bytes, larger than the ${max} expected`);
    const buf = Buffer.alloc(st.size);
    await fh.read(buf, 0, st.size, 0);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
