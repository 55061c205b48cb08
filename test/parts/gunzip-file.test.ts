// A local .gz file gunzipped in place (one reused output buffer, Node's zlib handle on the
// calling thread) gives what zlib's stream gives: the same bytes, the same failure (code and
// message) for truncated, damaged, empty or non-gzip files, concatenated members read whole;
// and through readPart the same counts as the streamed path.
import { createReadStream, promises as fsp, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { countPart } from '../../src/engine/parts/count';
import { gunzipFile, GUNZIP_OUT_BYTES } from '../../src/engine/parts/gunzip-file';
import { readPart } from '../../src/engine/parts/read';
import { RFC4180, type PartSpec } from '../../src/shared/family';
import { removeDir, tempDir } from '../engine/harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

type Outcome = { bytes: Buffer; error: string | null };

function viaStream(file: string): Promise<Outcome> {
  const parts: Buffer[] = [];
  return new Promise((resolve) => {
    const g = zlib.createGunzip({ chunkSize: 1 << 20 });
    g.on('data', (c: Buffer) => parts.push(c));
    g.on('end', () => resolve({ bytes: Buffer.concat(parts), error: null }));
    g.on('error', (e: NodeJS.ErrnoException) => resolve({ bytes: Buffer.concat(parts), error: `${e.code} ${e.message}` }));
    createReadStream(file).pipe(g);
  });
}

async function inPlace(file: string): Promise<Outcome & { chunks: Set<ArrayBuffer> }> {
  const parts: Buffer[] = [];
  const chunks = new Set<ArrayBuffer>();
  const fh = await fsp.open(file);
  try {
    await gunzipFile(fh, (c) => {
      expect(c.length).toBeLessThanOrEqual(GUNZIP_OUT_BYTES);
      chunks.add(c.buffer as ArrayBuffer);
      parts.push(Buffer.from(c));
    });
    return { bytes: Buffer.concat(parts), error: null, chunks };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { bytes: Buffer.concat(parts), error: `${err.code} ${err.message}`, chunks };
  } finally {
    await fh.close();
  }
}

describe('gunzip in place', () => {
  const root = tempDir('di-gunzip-');
  dirs.push(root);
  const text = Buffer.from(Array.from({ length: 120_000 }, (_, i) => `${i},name ${i % 977},"a, ""q"""\n`).join(''));
  const gz = zlib.gzipSync(text);
  const cases: Record<string, Buffer> = {
    whole: gz,
    empty: Buffer.alloc(0),
    'no bytes inside': zlib.gzipSync(Buffer.alloc(0)),
    'two members': Buffer.concat([gz, zlib.gzipSync(Buffer.from('one more line\n'))]),
    'zero padding': Buffer.concat([gz, Buffer.alloc(300)]),
    'cut in the header': gz.subarray(0, 10),
    'cut in half': gz.subarray(0, gz.length >> 1),
    'cut before the trailer': gz.subarray(0, gz.length - 4),
    'not gzip': Buffer.from('hello, world\n'),
  };

  for (const [name, bytes] of Object.entries(cases)) {
    it(`${name}: the stream's bytes and failure`, async () => {
      const f = path.join(root, `${name.replace(/ /g, '-')}.gz`);
      writeFileSync(f, bytes);
      const [a, b] = [await viaStream(f), await inPlace(f)];
      expect(b.error).toBe(a.error);
      expect(b.bytes.equals(a.bytes)).toBe(true);
      // One output buffer serves the whole file.
      expect(b.chunks.size).toBeLessThanOrEqual(1);
    });
  }

  it('damaged bytes: the same failure, after a prefix of what the stream decoded', async () => {
    const f = path.join(root, 'damaged.gz');
    const bad = Buffer.from(gz);
    bad[bad.length >> 1] ^= 0xff;
    bad[(bad.length >> 1) + 1] ^= 0x55;
    const trailing = path.join(root, 'trailing.gz');
    writeFileSync(f, bad);
    writeFileSync(trailing, Buffer.concat([gz, Buffer.from('garbage')]));
    for (const file of [f, trailing]) {
      const [a, b] = [await viaStream(file), await inPlace(file)];
      expect(a.error).toMatch(/^Z_DATA_ERROR/);
      expect(b.error).toBe(a.error);
      expect(a.bytes.subarray(0, b.bytes.length).equals(b.bytes)).toBe(true);
    }
  });

  it('readPart: transient (in place) and streamed give the same counts, a cut file the same failure', async () => {
    const good = path.join(root, 't.csv.gz');
    const cut = path.join(root, 'cut.csv.gz');
    writeFileSync(good, gz);
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
    for (const rel of ['t.csv.gz', 'cut.csv.gz']) {
      const part: PartSpec = { source: { kind: 'file', path: rel, size: 0, version: '0' }, codecs: ['gzip'], layout: { kind: 'dsv', dialect: { ...RFC4180, header: false } } };
      // countPart reads transient (in place); readPart without it streams.
      const counted = await countPart(root, part);
      let streamed = 0;
      let error: string | null = null;
      let raw = 0;
      await readPart(root, part, (c) => void (streamed += c.length), { onRawBytes: (n) => (raw += n) }).catch((e: Error) => (error = e.message));
      expect(counted.bytes).toBe(streamed);
      expect(counted.error?.message ?? null).toBe(error);
      expect(raw).toBe(rel === 't.csv.gz' ? gz.length : Math.floor(gz.length * 0.6));
      if (rel === 't.csv.gz') expect(counted.rows).toBe(120_000);
    }
  });
});
