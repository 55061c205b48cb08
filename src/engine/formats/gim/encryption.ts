// Info Mart can encrypt exports with a certificate (8.5.116.20+); the format is not
// documented. An archive that is not a zip but starts like CMS/PKCS#7 DER or a PGP message
// is reported as encrypted rather than corrupt.
import { openRegular, type DropPath } from '../../fs/open-regular';

export async function looksEncrypted(file: DropPath): Promise<boolean> {
  if (/\.(bin|enc|p7m|pgp|gpg|asc)$/i.test(file.toString())) return true;
  const fh = await openRegular(file).catch(() => null);
  if (!fh) return false;
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    return looksEncryptedBytes(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

export function looksEncryptedBytes(head: Buffer): boolean {
  if (head.length < 2) return false;
  if (head[0] === 0x50 && head[1] === 0x4b) return false; // PK: a zip, however damaged
  if (head[0] === 0x30 && (head[1] === 0x82 || head[1] === 0x83 || head[1] === 0x80)) return true; // DER SEQUENCE (CMS)
  const text = head.toString('latin1');
  if (text.startsWith('-----BEGIN PGP') || text.startsWith('-----BEGIN PKCS7') || text.startsWith('-----BEGIN CMS')) return true;
  // OpenPGP binary packet tags: public-key encrypted session key (1) or symmetric (3), old and new format.
  const tag = head[0];
  return tag === 0x84 || tag === 0x85 || tag === 0x8c || tag === 0xc1 || tag === 0xc3;
}
