// File names are bytes. A name that is valid UTF-8 is shown as it is; one that is not is shown
// with each stray byte as \xNN (upper-case hex) and is still read: `pathOfRel` turns the
// shown form back into the bytes the file system knows.
import { existsSync } from 'node:fs';
import path from 'node:path';

const decoder = new TextDecoder('utf-8', { fatal: true });
const ESCAPE = /\\x([0-9A-F]{2})/g;
const HAS_ESCAPE = /\\x[0-9A-F]{2}/;

/** The name as text: exact when it is UTF-8, else with its undecodable bytes as \xNN. */
export function escapeName(bytes: Uint8Array): { text: string; exact: boolean } {
  try {
    return { text: decoder.decode(bytes), exact: true };
  } catch {
    let text = '';
    let i = 0;
    while (i < bytes.length) {
      const n = validSequence(bytes, i);
      if (n === 0) {
        text += `\\x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}`;
        i++;
      } else {
        text += Buffer.from(bytes.subarray(i, i + n)).toString('utf8');
        i += n;
      }
    }
    return { text, exact: false };
  }
}

/** Length of the well-formed UTF-8 sequence at i, or 0. */
function validSequence(b: Uint8Array, i: number): number {
  const c = b[i];
  const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  try {
    decoder.decode(b.subarray(i, i + n));
    return n;
  } catch {
    return 0;
  }
}

/**
 * The last segment of a drop-relative path (rel: '/'-separated, no trailing '/', as the walk
 * and the S3 listing make it): path.posix.basename's answer without its generality, for
 * discovery's per-file loops over thousands of files.
 */
export function baseOfRel(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/** The folder of a drop-relative path, '' at the root (path.posix.dirname gives '.'). */
export function dirOfRel(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** The bytes of a name shown by escapeName. */
export function unescapeName(text: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(ESCAPE)) {
    parts.push(Buffer.from(text.slice(last, m.index), 'utf8'), Buffer.from([parseInt(m[1], 16)]));
    last = m.index! + m[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * The path to open for a drop-relative path as the walk shows it: a string when the name is
 * plain, the raw bytes when it holds escaped bytes that name no file literally.
 */
export function pathOfRel(root: string, rel: string): string | Buffer {
  const plain = path.join(root, rel);
  if (!HAS_ESCAPE.test(rel) || existsSync(plain)) return plain;
  return Buffer.concat([Buffer.from(root.endsWith('/') ? root : `${root}/`, 'utf8'), unescapeName(rel)]);
}
