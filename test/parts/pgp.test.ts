// PGP files: sniffed as PGP; without a key the read fails as 'encrypted' (never corrupt);
// with the key (and its passphrase) decrypted as a stream, for openpgp's own binary and
// armoured messages and for gpg's (compressed) output; a tampered file fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikePgp, PgpError, pgpDecryptor, type PgpKeyOptions } from '../../src/engine/parts/pgp';

const dir = mkdtempSync(path.join(os.tmpdir(), 'di-pgp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DATA = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `${i};_gid_${i};user${i}@example.org\n`).join(''));
let key: PgpKeyOptions;
let publicArmored: string;

async function decode(b: Buffer, k: PgpKeyOptions | null, chunk = 65536): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < b.length; i += chunk) pieces.push(b.subarray(i, i + chunk));
  const out: Buffer[] = [];
  const dec = pgpDecryptor(k, 'test.pgp');
  const done = new Promise<void>((resolve, reject) => {
    dec.on('data', (c: Buffer) => out.push(c));
    dec.on('end', resolve);
    dec.on('error', reject);
  });
  Readable.from(pieces).pipe(dec);
  await done;
  return Buffer.concat(out);
}

beforeAll(async () => {
  const k = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Drop Inspector test', email: 'test@example.org' }],
    passphrase: 'correct horse',
    format: 'armored',
  });
  writeFileSync(path.join(dir, 'key.asc'), k.privateKey);
  publicArmored = k.publicKey;
  key = { keyFile: path.join(dir, 'key.asc'), passphrase: 'correct horse' };
});

async function encrypt(armor: boolean): Promise<Buffer> {
  const pub = await openpgp.readKey({ armoredKey: publicArmored });
  const msg = await openpgp.createMessage({ binary: DATA });
  const r = armor
    ? await openpgp.encrypt({ message: msg, encryptionKeys: pub, format: 'armored' })
    : await openpgp.encrypt({ message: msg, encryptionKeys: pub, format: 'binary' });
  return Buffer.from(r as string | Uint8Array);
}

describe('PGP files', () => {
  it('binary and armoured openpgp messages: sniffed, decrypted with the key, any chunking', async () => {
    for (const armor of [false, true]) {
      const enc = await encrypt(armor);
      expect(looksLikePgp(enc)).toBe(true);
      for (const chunk of [1 << 20, 1000, 33]) expect((await decode(enc, key, chunk)).equals(DATA)).toBe(true);
    }
    expect(looksLikePgp(Buffer.from('id,name\n'))).toBe(false);
    expect(looksLikePgp(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe(false);
  });

  it("gpg's output (batch mode, compressed) decrypts", async () => {
    const home = mkdtempSync(path.join(dir, 'gnupg-'));
    writeFileSync(path.join(dir, 'pub.asc'), publicArmored);
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--import', path.join(dir, 'pub.asc')], { stdio: 'pipe' });
    writeFileSync(path.join(dir, 'data.csv'), DATA);
    execFileSync(
      'gpg',
      ['--homedir', home, '--batch', '--quiet', '--yes', '--trust-model', 'always', '-r', 'test@example.org', '-o', path.join(dir, 'data.csv.gpg'), '--encrypt', path.join(dir, 'data.csv')],
      { stdio: 'pipe' },
    );
    const enc = readFileSync(path.join(dir, 'data.csv.gpg'));
    expect(looksLikePgp(enc)).toBe(true);
    expect((await decode(enc, key)).equals(DATA)).toBe(true);
  });

  it('without a key: encrypted, not corrupt; wrong passphrase: encrypted; tampered: corrupt', async () => {
    const enc = await encrypt(false);
    const e1 = await decode(enc, null).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(PgpError);
    expect((e1 as PgpError).reason).toBe('encrypted');
    const e2 = await decode(enc, { ...key, passphrase: 'wrong' }).catch((e: unknown) => e);
    expect((e2 as PgpError).reason).toBe('encrypted');
    const e3 = await decode(enc, { keyFile: key.keyFile }).catch((e: unknown) => e);
    expect((e3 as PgpError).message).toMatch(/passphrase/);
    const bad = Buffer.from(enc);
    bad[bad.length - 40] ^= 0xff;
    const e4 = await decode(bad, key).catch((e: unknown) => e);
    expect(e4).toBeInstanceOf(Error);
    const cut = enc.subarray(0, Math.floor(enc.length / 2));
    const e5 = await decode(cut, key).catch((e: unknown) => e);
    expect(e5).toBeInstanceOf(Error);
  });
});
