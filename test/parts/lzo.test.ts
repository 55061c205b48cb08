// The lzop reader against lzop's own output: random, repetitive and text data at every
// compression level (LZO1X-1 and LZO1X-999), stored blocks, several blocks, CRC-32 options,
// read in any chunking; truncated and damaged files fail clearly with how much was decoded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { adler32, lzopDecoder, LzoError } from '../../src/engine/parts/lzo';
import { Rng } from '../fixtures/prng';

const dir = mkdtempSync(path.join(os.tmpdir(), 'di-lzo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lzop(data: Buffer, args: string[], name = 'f'): Buffer {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  execFileSync('lzop', ['-f', ...args, '-o', `${file}.lzo`, file]);
  return readFileSync(`${file}.lzo`);
}

async function decode(b: Buffer, chunk = 65536): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < b.length; i += chunk) pieces.push(b.subarray(i, i + chunk));
  const out: Buffer[] = [];
  const dec = lzopDecoder();
  const done = new Promise<void>((resolve, reject) => {
    dec.on('data', (c: Buffer) => out.push(c));
    dec.on('end', resolve);
    dec.on('error', reject);
  });
  Readable.from(pieces).pipe(dec);
  await done;
  return Buffer.concat(out);
}

function samples(): Record<string, Buffer> {
  const r = new Rng(3);
  const rand = Buffer.alloc(300_000);
  for (let i = 0; i < rand.length; i++) rand[i] = r.int(0, 255);
  const rows: string[] = [];
  for (let i = 0; i < 40_000; i++) rows.push(`${i};_gid_${(i * 7919) % 10007};user${i % 97}@example.org;${r.pick(['DE', 'FR', 'US'])}\n`);
  return {
    empty: Buffer.alloc(0),
    tiny: Buffer.from('a'),
    text: Buffer.from(rows.join('')),
    zeros: Buffer.alloc(1_000_000),
    random: rand,
    mixed: Buffer.concat([rand.subarray(0, 50_000), Buffer.from(rows.slice(0, 5000).join('')), Buffer.alloc(70_000, 0x61)]),
  };
}

describe('lzop files', () => {
  const data = samples();
  for (const args of [['-1'], ['-3'], ['-7'], ['-9'], ['-9', '--crc32'], ['-1', '--no-checksum']]) {
    for (const [name, buf] of Object.entries(data)) {
      it(`${name} with lzop ${args.join(' ')}: decoded = original, in any chunking`, async () => {
        const z = lzop(buf, args, `${name}${args.join('')}`);
        for (const chunk of [1 << 20, 4093, 7]) {
          if (chunk === 7 && z.length > 200_000) continue;
          expect((await decode(z, chunk)).equals(buf)).toBe(true);
        }
      });
    }
  }

  it('a truncated file: a clear error, with the bytes decoded before it', async () => {
    const buf = data.text;
    const z = lzop(buf, ['-5'], 'trunc');
    const cut = z.subarray(0, Math.floor(z.length * 0.6));
    const err = await decode(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LzoError);
    expect((err as LzoError).reason).toBe('truncated');
    expect((err as LzoError).message).toMatch(/truncated\): \d+ bytes could be decoded/);
    const got = Number(/(\d+) bytes/.exec((err as Error).message)![1]);
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(buf.length);
    expect(got % (256 * 1024)).toBe(0); // whole blocks
  });

  it('a damaged block fails its checksum; not lzop: bad magic', async () => {
    const z = Buffer.from(lzop(data.text, ['-5'], 'dmg'));
    z[z.length - 100] ^= 0x55;
    await expect(decode(z)).rejects.toThrow(/checksum|corrupt/);
    await expect(decode(Buffer.from('hello world, not lzop'))).rejects.toThrow(/bad magic/);
  });

  it('adler32 as zlib computes it', async () => {
    const { default: zlib } = await import('node:zlib');
    const b = data.mixed;
    // zlib's deflate trailer holds the adler32 of the input.
    const z = zlib.deflateSync(b);
    expect(adler32(b)).toBe(z.readUInt32BE(z.length - 4));
  });

  it('streams (text consumer)', async () => {
    const z = lzop(Buffer.from('x;y\n1;2\n'), ['-1'], 'small');
    expect(await text(Readable.from([z]).pipe(lzopDecoder()))).toBe('x;y\n1;2\n');
  });
});
