// Bad input is normal input: each case ends as a reported problem or a clear error, never
// a crash or a hang.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, symlinkSync, writeFileSync, statSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { gimAdapter } from '../../src/engine/formats/gim/discover';
import { inspectGimChunk } from '../../src/engine/formats/gim/inspect';
import { walkDrop } from '../../src/engine/fs/walk';
import { writeGimDrop } from '../fixtures/gim-drop';
import { freshDirs, scan } from './harness';

const fresh = freshDirs('di-hostile-');

/** Writes one Info Mart chunk whose zip holds the given members (streams allowed). */
async function writeChunk(root: string, name: string, members: Array<[string, Buffer | (() => Readable)]>, xml?: string): Promise<void> {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const zip = new yazl.ZipFile();
  for (const [n, body] of members) {
    if (Buffer.isBuffer(body)) zip.addBuffer(body, n, { mtime: new Date(0) });
    else zip.addReadStream(body(), n, { mtime: new Date(0) });
  }
  zip.end();
  const file = path.join(dir, `${name}.zip`);
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(file)).on('close', resolve).on('error', reject));
  const hash = createHash('sha1');
  hash.update(await import('node:fs/promises').then((f) => f.readFile(file)));
  writeFileSync(`${file}.sha1`, `${hash.digest('hex')}  ${name}.zip\n`);
  writeFileSync(
    path.join(dir, `${name}.extracted.xml`),
    xml ?? `<info><created-ts>1468345545</created-ts><hwm-from audit-key="13" created-ts="1"/><hwm-to audit-key="200074" created-ts="2"/><max-data-ts>1468345485</max-data-ts></info>`,
  );
}

function repeat(total: number, piece: Buffer, prefix?: Buffer): () => Readable {
  return () =>
    Readable.from(
      (function* () {
        if (prefix) yield prefix;
        for (let done = 0; done < total; done += piece.length) yield piece;
      })(),
    );
}

const NAME = 'export_200074_2016_07_12_17_44_45';

describe('hostile input', () => {
  it('XML with entity expansion is refused as invalid metadata, quickly', async () => {
    const root = fresh();
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><info><created-ts>&lol3;</created-ts></info>`;
    await writeChunk(root, NAME, [['t.csv', Buffer.from('A\n1\n')]], lol);
    const { report, catalog } = await scan(root);
    catalog.close();
    expect(report.problems.find((p) => p.kind === 'metadata-invalid')?.message).toMatch(/entities/);
  });

  it('a 100 MB single-line field is one record, counted without holding the line', async () => {
    const root = fresh();
    const MB = 1 << 20;
    await writeChunk(root, NAME, [
      ['wide.csv', repeat(100 * MB, Buffer.alloc(MB, 0x78), Buffer.from('ID,BLOB\n1,'))],
      ['longhead.csv', repeat(3 * MB, Buffer.alloc(MB, 0x79))],
    ]);
    const { report, catalog } = await scan(root);
    catalog.close();
    const tables = Object.fromEntries(report.chunks[0].tables.map((t) => [t.name, t]));
    expect(tables.wide).toMatchObject({ rows: 1, columns: ['ID', 'BLOB'] });
    expect(tables.longhead.rows).toBeNull();
    expect(report.problems.find((p) => p.kind === 'table-unreadable' && p.table === 'longhead')?.message).toMatch(/header/);
  });

  it('a zip bomb is reported, and --max-member-bytes refuses to inflate it', async () => {
    const root = fresh();
    await writeChunk(root, NAME, [
      ['bomb.csv', repeat(300 << 20, Buffer.alloc(1 << 20, 0x0a), Buffer.from('A\n'))],
      ['ok.csv', Buffer.from('A\n1\n')],
    ]);
    const limited = await scan(root, { maxMemberBytes: 10 << 20 });
    limited.catalog.close();
    expect(limited.report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['suspicious-entry', 'table-unreadable']));
    expect(limited.report.chunks[0].tables.find((t) => t.name === 'ok')?.rows).toBe(1);
  });

  it('hostile member names are reported and never used as paths', async () => {
    const parent = fresh();
    const m = await writeGimDrop(path.join(parent, 'drop'), { seed: 1, chunks: 3, defects: { 1: ['hostile-entry-name'] } });
    const before = readdirSync(parent);
    const { report, catalog } = await scan(m.root);
    catalog.close();
    const flagged = report.problems.filter((p) => p.kind === 'suspicious-entry');
    expect(flagged.length).toBeGreaterThanOrEqual(2);
    expect(flagged.every((p) => p.chunk === m.chunks[1].name)).toBe(true);
    expect(report.chunks[1].tables.map((t) => t.name)).toEqual(Object.keys(m.chunks[1].tables));
    expect(readdirSync(parent)).toEqual(before);
  });

  it('a symlink loop in the drop does not hang discovery', async () => {
    const m = await writeGimDrop(fresh(), { seed: 1, chunks: 3 });
    symlinkSync(m.root, path.join(m.root, 'loop'));
    symlinkSync(path.join(m.root, 'nowhere'), path.join(m.root, 'dangling'));
    const { files } = await walkDrop(m.root);
    expect(files.filter((f) => f.rel.endsWith('.zip'))).toHaveLength(3);
  });

  it('a file that grows or vanishes while it is read is reported and not trusted', async () => {
    const m = await writeGimDrop(fresh(), { seed: 1, chunks: 2 });
    const { files } = await walkDrop(m.root);
    const [cand] = gimAdapter.discover(files).chunks.filter((c) => c.name === m.chunks[0].name);
    // The archive grows after discovery saw it (a transfer still running).
    const zip = path.join(m.root, cand.files.zip!.rel);
    appendFileSync(zip, Buffer.alloc(10));
    const grown = await inspectGimChunk(cand, { root: m.root, verify: false, onBytes: () => {}, maxMemberBytes: 1e12 });
    expect(grown.unstable).toBe(true);
    expect(grown.problems.map((p) => p.kind)).toContain('file-changed');
    expect(statSync(zip).size).toBe(cand.files.zip!.size + 10);
    // The archive vanishes after discovery.
    const gone = { ...cand, files: { ...cand.files, zip: { ...cand.files.zip!, rel: `${cand.files.zip!.rel}.gone` } } };
    const r = await inspectGimChunk(gone, { root: m.root, verify: false, onBytes: () => {}, maxMemberBytes: 1e12 });
    expect(r.archive).toBe('corrupt');
    expect(r.problems.map((p) => p.kind)).toContain('archive-corrupt');
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable archive is a reported problem (needs a non-root user)', async () => {
    const m = await writeGimDrop(fresh(), { seed: 1, chunks: 2 });
    const { chmodSync } = await import('node:fs');
    const zip = path.join(m.root, m.chunks[0].dir, `${path.basename(m.chunks[0].dir)}.zip`);
    chmodSync(zip, 0);
    const { report, catalog } = await scan(m.root);
    catalog.close();
    expect(report.problems.some((p) => p.chunk === m.chunks[0].name && p.severity === 'error')).toBe(true);
  });
});

describe('engine faults are not blamed on the drop', () => {
  it('a scan whose workers cannot start fails with a clear error instead of reporting corrupt archives', async () => {
    const m = await writeGimDrop(fresh(), { seed: 1, chunks: 2 });
    const { ScanPool, WorkerStartError } = await import('../../src/engine/workers/pool');
    const broken = new ScanPool(1);
    // As if the worker entry were missing from a build.
    (broken as unknown as { spawn: () => never }).spawn = () => {
      throw new WorkerStartError('scan worker entry not found next to /nowhere');
    };
    const { Catalog } = await import('../../src/engine/catalog/catalog');
    const { scanDrop } = await import('../../src/engine/scan');
    const { cadenceOf } = await import('../../src/engine/options');
    const catalog = new Catalog(path.join(fresh(), 'c.sqlite'));
    await expect(scanDrop(m.root, { catalog, cadence: cadenceOf({}), pool: broken })).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/cannot run/),
    });
    catalog.close();
  });
});
