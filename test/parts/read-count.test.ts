// The part reader: a table's bytes from a file or a zip member, through codecs, with limits;
// counting by layout. The same bytes count the same wherever they sit.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { countPart } from '../../src/engine/parts/count';
import { PartReadError, readPart } from '../../src/engine/parts/read';
import { RFC4180, type PartSpec } from '../../src/shared/family';
import { repeatedDeflate, ZipWriter } from '../fixtures/zip-writer';
import { BOMB_MIN_BYTES } from '../../src/engine/parts/limits';
import { removeDir, tempDir } from '../engine/harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const csv = (n: number): Buffer =>
  Buffer.from(['ID,NAME,NOTE', ...Array.from({ length: n }, (_, i) => `${i},name ${i},"a, ""quoted""\nnote"`)].join('\r\n') + '\r\n');

const dsv = { kind: 'dsv' as const, dialect: RFC4180 };
const file = (p: string, size = 0): PartSpec['source'] => ({ kind: 'file', path: p, size, version: '0' });

describe('part reader', () => {
  const root = tempDir('di-parts-');
  dirs.push(root);
  const data = csv(5000);
  const gz = zlib.gzipSync(data);
  writeFileSync(path.join(root, 't.csv'), data);
  writeFileSync(path.join(root, 't.csv.gz'), gz);
  writeFileSync(path.join(root, 'cut.csv.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  writeFileSync(path.join(root, 'garbage.csv.gz'), Buffer.concat([gz.subarray(0, 20), Buffer.alloc(200, 0x55)]));
  const zipped = (async () => {
    const z = await ZipWriter.create(path.join(root, 'a.zip'), { style: 'zip64', mtime: 1_700_000_000 });
    await z.addBuffer('session-1.csv.gz', gz, { method: 0 });
    await z.addBuffer('page.csv', data);
    // Small gzip members take the one-call path; these must still fail as the stream does.
    await z.addBuffer('cut-1.csv.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    await z.addBuffer('garbage-1.csv.gz', Buffer.concat([gz.subarray(0, 20), Buffer.alloc(200, 0x55)]));
    await z.close();
  })();
  const member = (name: string): PartSpec => ({ source: { kind: 'member', of: file('a.zip'), member: name }, codecs: ['gzip'], layout: dsv });

  it('counts the same records in a file, a gzip file, a gzip member of a zip and a plain member', async () => {
    await zipped;
    const parts: PartSpec[] = [
      { source: file('t.csv'), codecs: [], layout: dsv },
      { source: file('t.csv.gz'), codecs: ['gzip'], layout: dsv },
      { source: { kind: 'member', of: file('a.zip'), member: 'session-1.csv.gz' }, codecs: ['gzip'], layout: dsv },
      { source: { kind: 'member', of: file('a.zip'), member: 'page.csv' }, codecs: [], layout: dsv },
    ];
    for (const p of parts) {
      const c = await countPart(root, p);
      expect(c).toMatchObject({ rows: 5000, columns: ['ID', 'NAME', 'NOTE'], malformedRows: 0, bytes: data.length, error: null });
    }
  });

  it('a small gzip member (decoded in one call) reads the same bytes as the stream, from an open archive too', async () => {
    await zipped;
    const pieces: Buffer[] = [];
    const r = await readPart(root, member('session-1.csv.gz'), (c) => void pieces.push(Buffer.from(c)));
    expect(r.bytes).toBe(data.length);
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(1 << 20);
    const { ZipArchive } = await import('../../src/engine/zip/zip-archive');
    const { readFileSync } = await import('node:fs');
    const archive = await ZipArchive.fromBuffer(readFileSync(path.join(root, 'a.zip')));
    const c = await countPart(root, member('session-1.csv.gz'), { archive });
    expect(c).toMatchObject({ rows: 5000, bytes: data.length, error: null });
    await archive.close();
  });

  it('a truncated or damaged small gzip member fails as a streamed one does: readable records, reason', async () => {
    await zipped;
    const cut = await countPart(root, member('cut-1.csv.gz'));
    expect(cut.error?.reason).toBe('truncated');
    expect(cut.rows).toBeGreaterThan(0);
    expect(cut.rows).toBeLessThan(5000);
    const bad = await countPart(root, member('garbage-1.csv.gz'));
    expect(bad.error?.reason).toMatch(/corrupt|truncated/);
    // The decoded-size limit holds on this path too.
    const err = await readPart(root, member('session-1.csv.gz'), () => undefined, { maxBytes: 1000 }).catch((e) => e);
    expect((err as PartReadError).reason).toBe('too-large');
  });

  it('a truncated gzip: the records that could be read, and why not the rest', async () => {
    const c = await countPart(root, { source: file('cut.csv.gz'), codecs: ['gzip'], layout: dsv });
    expect(c.error?.reason).toBe('truncated');
    expect(c.rows).toBeGreaterThan(0);
    expect(c.rows).toBeLessThan(5000);
    expect(c.error?.message).toMatch(/truncated/);
  });

  it('corrupt gzip data is corrupt, not a crash', async () => {
    const c = await countPart(root, { source: file('garbage.csv.gz'), codecs: ['gzip'], layout: dsv });
    expect(c.error?.reason).toMatch(/corrupt|truncated/);
  });

  it('stops at the decoded-size limit (a gzip bomb) with too-large', async () => {
    const err = await readPart(root, { source: file('t.csv.gz'), codecs: ['gzip'], layout: dsv }, () => undefined, { maxBytes: 1000 }).catch((e) => e);
    expect(err).toBeInstanceOf(PartReadError);
    expect((err as PartReadError).reason).toBe('too-large');
  });

  describe('the bomb limits (parts/limits.ts, the table browser\'s)', () => {
    // 80 MiB of zeros: past BOMB_MIN_BYTES, about 1000:1 in gzip and in deflate.
    const zeros = Buffer.alloc(80 << 20);
    writeFileSync(path.join(root, 'bomb.csv.gz'), zlib.gzipSync(zeros, { level: 9 }));
    const bombZip = (async () => {
      const z = await ZipWriter.create(path.join(root, 'bomb.zip'), { style: 'plain', mtime: 1_700_000_000 });
      await z.addRaw('zeros.csv', repeatedDeflate(Buffer.alloc(1 << 20), 80));
      await z.close();
    })();

    it('a gzip bomb is refused by its ratio as it decodes, long before its end', async () => {
      let seen = 0;
      const err = await readPart(root, { source: file('bomb.csv.gz'), codecs: ['gzip'], layout: dsv }, (c) => void (seen += c.length), { maxRatio: 200 }).catch((e) => e);
      expect(err).toBeInstanceOf(PartReadError);
      expect((err as PartReadError).reason).toBe('too-large');
      expect((err as Error).message).toMatch(/200:1 limit.*zip bomb.*--max-ratio/);
      expect(seen).toBeLessThanOrEqual(BOMB_MIN_BYTES + (2 << 20));
    });

    it('a zip bomb member is refused by its declared sizes: not a byte inflated', async () => {
      await bombZip;
      let seen = 0;
      const spec: PartSpec = { source: { kind: 'member', of: file('bomb.zip'), member: 'zeros.csv' }, codecs: [], layout: dsv };
      const err = await readPart(root, spec, (c) => void (seen += c.length), { maxRatio: 200 }).catch((e) => e);
      expect((err as PartReadError).reason).toBe('too-large');
      expect((err as Error).message).toMatch(/inflates \d+:1 .*zip bomb/);
      expect(seen).toBe(0);
      // A raised limit reads it; no ratio limit (the scan counting it) reads it too.
      expect((await readPart(root, spec, () => undefined, { maxRatio: 1e6 })).bytes).toBe(80 << 20);
      expect((await readPart(root, spec, () => undefined)).bytes).toBe(80 << 20);
    });

    it('ordinary data passes the ratio limit', async () => {
      expect((await readPart(root, { source: file('t.csv.gz'), codecs: ['gzip'], layout: dsv }, () => undefined, { maxRatio: 200 })).bytes).toBe(data.length);
    });
  });

  it('a missing member or file says so', async () => {
    await zipped;
    const a = await countPart(root, { source: { kind: 'member', of: file('a.zip'), member: 'nope.csv' }, codecs: [], layout: dsv });
    expect(a.error?.reason).toBe('missing');
    const b = await countPart(root, { source: file('gone.csv'), codecs: [], layout: dsv });
    expect(b.error?.reason).toBe('missing');
  });

  it('backpressure: an async consumer sees every byte in order', async () => {
    const got: Buffer[] = [];
    await readPart(root, { source: file('t.csv.gz'), codecs: ['gzip'], layout: dsv }, async (c) => {
      await new Promise((r) => setImmediate(r));
      got.push(Buffer.from(c));
    });
    expect(Buffer.concat(got).equals(data)).toBe(true);
  });
});
