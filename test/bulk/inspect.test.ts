// Discovery and the inspector of bulk-export drops, on generated drops (their truth from
// test/fixtures/bulk-drop.ts), called directly (the scan pipeline's tests run them in workers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BULK_DEFECTS, writeBulkDrop, type BulkDropManifest } from '../fixtures/bulk-drop';
import { bulkAdapter, bulkKeyOf, nameWindow } from '../../src/engine/formats/bulk/discover';
import { inspectBulkChunk } from '../../src/engine/formats/bulk/inspect';
import { parseExportInfo } from '../../src/engine/formats/bulk/exportinfo';
import { recogniseDrop } from '../../src/engine/formats/registry';
import { walkDrop } from '../../src/engine/fs/walk';
import type { ChunkCandidate, ChunkInspection } from '../../src/engine/formats/types';

let tmp: string;
let drop: BulkDropManifest;
const results = new Map<string, ChunkInspection>();
let candidates: ChunkCandidate[];

const inspect = (root: string, c: ChunkCandidate, max = 1e12): Promise<ChunkInspection> =>
  inspectBulkChunk(c, { root, verify: false, onBytes: () => undefined, maxMemberBytes: max });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bulk-inspect-'));
  drop = await writeBulkDrop(path.join(tmp, 'drop'), { defects: [...BULK_DEFECTS] });
  const { files } = await walkDrop(drop.root);
  candidates = bulkAdapter.discover(files).chunks;
  for (const c of candidates) results.set(c.name, await inspect(drop.root, c));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('bulk discovery', () => {
  it('recognises a directory of request ZIPs and makes one chunk per request', async () => {
    const { files } = await walkDrop(drop.root);
    expect(recogniseDrop(files)?.format).toBe('bulk');
    expect(candidates.map((c) => c.name).sort()).toEqual(drop.chunks.map((c) => c.name).sort());
    for (const c of candidates) expect(Object.keys(c.files)).toEqual(['zip']);
  });
  it('reads the window from a name holding two stats times, and nothing from other names', () => {
    expect(nameWindow('bulk-export_2026.11.01.00.00_2026.11.01.06.00')).toEqual({
      from: Date.UTC(2026, 10, 1) / 1000,
      to: Date.UTC(2026, 10, 1, 6) / 1000,
      source: 'name',
    });
    expect(nameWindow('request-42')).toBeUndefined();
  });
  it('recognises request ZIPs named export_… (as Info Mart archives are) by their contents', async () => {
    const d = path.join(tmp, 'export-named');
    const m = await writeBulkDrop(path.join(tmp, 'src2'), { requests: 2, names: 'opaque' });
    await mkdir(d, { recursive: true });
    for (const [i, c] of m.chunks.entries())
      await copyFile(path.join(m.root, c.file), path.join(d, `export_${i + 1}.zip`));
    const { files } = await walkDrop(d);
    expect(recogniseDrop(files)?.format).toBe('bulk');
  });
  it('claims nothing in a folder of unrelated zips', async () => {
    const d = path.join(tmp, 'other');
    await mkdir(d, { recursive: true });
    await writeFile(path.join(d, 'a.zip'), 'not a zip at all');
    const { files } = await walkDrop(d);
    expect(bulkAdapter.recognise(files)).toBe(0);
  });
  it("knows each record type's id column", () => {
    expect(bulkKeyOf('session', ['start_time', 'session_id'])).toEqual(['session_id']);
    expect(bulkKeyOf('page', ['PAGE ID', 'session_id'])).toEqual(['PAGE ID']);
    expect(bulkKeyOf('error', ['id', 'x'])).toEqual(['id']);
    expect(bulkKeyOf('object', ['x'])).toBeNull();
  });
});

describe('bulk inspector', () => {
  it('counts every record type exactly and declares the stats counts', () => {
    for (const c of drop.chunks) {
      const r = results.get(c.name)!;
      const got = Object.fromEntries(r.tables.filter((t) => t.rows !== null).map((t) => [t.name, t.rows]));
      expect(got, c.name).toEqual(c.tables);
      for (const t of r.tables) {
        if (c.defect === 'count-mismatch' && t.name === 'page') expect(t.declaredRows).toBe(t.rows! + 3);
        else if (c.defect === 'no-data' || t.rows === null) continue;
        else expect(t.declaredRows, `${c.name} ${t.name}`).toBe(t.rows);
      }
    }
  });
  it('describes each table as parts: a .csv.gz member of the request ZIP, gzip, RFC 4180', () => {
    const r = results.get(drop.chunks[0].name)!;
    const t = r.tables.find((x) => x.name === 'session')!;
    expect(t.parts).toHaveLength(1);
    expect(t.parts[0]).toMatchObject({
      codecs: ['gzip'],
      layout: { kind: 'dsv', dialect: { delimiter: ',', quote: '"', header: true } },
      rows: t.rows,
    });
    expect(t.parts[0].source).toMatchObject({
      kind: 'member',
      member: expect.stringMatching(/^session-.*\.csv\.gz$/),
      of: { kind: 'file', path: drop.chunks[0].file },
    });
    expect(t.columns).toEqual(['session_id', 'start_time', 'end_time', 'user_name', 'page_count']);
  });
  it('holds requested and exported windows on the time axis', () => {
    for (const c of drop.chunks) {
      const r = results.get(c.name)!;
      if (c.defect === 'truncated-zip') {
        expect(r.coverage).toEqual({ from: c.requestedFrom, to: c.requestedTo, source: 'name' });
        continue;
      }
      expect(r.requested, c.name).toEqual({ from: c.requestedFrom, to: c.requestedTo, source: 'stats' });
      if (c.defect === 'no-data') expect(r.coverage).toEqual(r.requested);
      else expect(r.coverage, c.name).toEqual({ from: c.exportedFrom, to: c.exportedTo, source: 'stats' });
      expect(r.createdTs).toBe(c.createdTs);
    }
  });
  it('raises each planted per-chunk problem, and nothing else', () => {
    // Cross-chunk kinds (gap, row-count-mismatch, schema-change) are the generic checks'.
    const crossChunk = new Set(['gap', 'row-count-mismatch', 'schema-change']);
    const expected = drop.problems
      .filter((p) => !crossChunk.has(p.kind))
      .map((p) => `${p.chunk}|${p.kind}|${p.table}`)
      .sort();
    const got = [...results.entries()]
      .flatMap(([name, r]) => r.problems.map((p) => `${name}|${p.kind}|${p.table}`))
      .sort();
    expect(got).toEqual(expected);
  });
  it('says why: the termination reason, the dropped counts, the field differences', () => {
    const by = (d: string): ChunkInspection => results.get(drop.chunks.find((c) => c.defect === d)!.name)!;
    expect(by('terminated').problems[0]).toMatchObject({
      kind: 'export-terminated',
      severity: 'error',
      detail: { reason: 'system rebooting' },
    });
    expect(by('terminated').attributes.terminated).toBe('system rebooting');
    expect(by('dropped').problems.map((p) => p.detail)).toEqual([
      { dropped: 5, discarded: 0, recordType: 'session' },
      { dropped: 0, discarded: 7, recordType: 'object' },
    ]);
    const s = by('second-section').problems[0];
    expect(s.message).toMatch(/2 sections .*session: \+app_version/);
    expect(by('second-section').attributes.sections).toBe(2);
    expect(by('no-data').problems[0]).toMatchObject({ kind: 'no-data', severity: 'info' });
    expect(by('broken-xml').problems[0].message).toMatch(
      /exportinfo-r\d+\.xml is not well-formed XML: it ends before/,
    );
    expect(by('bad-stats').problems[0].message).toMatch(
      /exportstats-r\d+\.csv is not a well-formed statistics file: line \d+: a count that is not a whole number/,
    );
    expect(by('corrupt-gzip').problems[0].message).toMatch(
      /\.zip!page-r\d+\.csv\.gz (cannot be decoded|ends early)/,
    );
    expect(by('truncated-zip').archive).toBe('corrupt');
    expect(by('corrupt-gzip').archive).toBe('corrupt');
    expect(results.get(drop.chunks[0].name)!.attributes).toMatchObject({
      dataProvider: 'DC RUM EU-1',
      sections: 1,
      terminated: null,
      noData: false,
    });
  });
  it('stops a bomb at the byte limit with a clear problem', async () => {
    const c = candidates.find((x) => x.name === drop.chunks[0].name)!;
    const r = await inspect(drop.root, c, 2000);
    expect(
      r.problems.some(
        (p) => p.kind === 'table-unreadable' && /decodes past the 2000-byte limit/.test(p.message),
      ),
    ).toBe(true);
  });
  it('reads tz=true offsets into UTC', async () => {
    const m = await writeBulkDrop(path.join(tmp, 'tz'), { requests: 2, tz: true });
    const { files } = await walkDrop(m.root);
    for (const c of bulkAdapter.discover(files).chunks) {
      const r = await inspect(m.root, c);
      const t = m.chunks.find((x) => x.name === c.name)!;
      expect(r.requested).toEqual({ from: t.requestedFrom, to: t.requestedTo, source: 'stats' });
      expect(r.attributes.tzOffsetMinutes).toBe(60);
      expect(r.problems).toEqual([]);
    }
  });
});

describe('exportinfo', () => {
  it('never expands entities', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><exportinfo><dataprovider name="&b;"/></exportinfo>`;
    const r = parseExportInfo(bomb);
    expect(r.ok && r.info.dataProvider).toBe('&b;');
  });
  it('finds fields by name wherever they sit, with or without sections', () => {
    const r = parseExportInfo(
      '<x><DataProvider>P</DataProvider><session><field>a</field><field name="b"/></session><page><column name="c"/></page></x>',
    );
    expect(r).toEqual({
      ok: true,
      info: { dataProvider: 'P', request: null, sections: [{ session: ['a', 'b'], page: ['c'] }] },
    });
  });
  it('refuses oversized files', () => {
    expect(parseExportInfo(`<a>${'x'.repeat(5 << 20)}</a>`)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/larger than/),
    });
  });
});
