// Every defect class the fixture generator can write is found, on the right chunk, with no
// false alarms; clean drops in every layout come out whole with exact row counts.
import { afterAll, describe, expect, it } from 'vitest';
import { GIM_DEFECTS, writeGimDrop, type GimDropManifest, type GimDropSpec } from '../fixtures/gim-drop';
import { justAfter, removeDir, scan, tempDir } from './harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

async function make(spec: GimDropSpec): Promise<GimDropManifest> {
  const dir = tempDir('di-drop-');
  dirs.push(dir);
  return writeGimDrop(dir, spec);
}

async function scanManifest(m: GimDropManifest) {
  const s = await scan(m.root, { asOf: justAfter(m.chunks.map((c) => c.createdTs)) });
  s.catalog.close();
  return s.report;
}

describe('clean drops', () => {
  for (const layout of ['folders', 'flat', 'nested'] as const) {
    it(`${layout}: no problems, continuity order, exact row counts and columns`, async () => {
      const m = await make({ seed: 7, chunks: 9, layout });
      const r = await scanManifest(m);
      expect(r.problems).toEqual([]);
      expect(r.format).toBe('gim');
      expect(r.chunks.map((c) => c.name)).toEqual(m.chunks.map((c) => c.name));
      for (const [i, c] of m.chunks.entries()) {
        const got = r.chunks[i];
        expect(got).toMatchObject({ hwmFrom: c.hwmFrom, hwmTo: c.hwmTo, createdTs: c.createdTs, maxDataTs: c.maxDataTs, checksum: 'ok' });
        const tables = Object.fromEntries(got.tables.map((t) => [t.name, { rows: t.rows, columns: t.columns }]));
        expect(tables).toEqual(Object.fromEntries(Object.entries(c.tables).map(([n, t]) => [n, { rows: t.rows, columns: t.columns }])));
      }
      const rows = m.chunks.reduce((s, c) => s + Object.values(c.tables).reduce((a, t) => a + t.rows, 0), 0);
      expect(r.summary).toMatchObject({ chunks: m.chunks.length, rows, problems: 0 });
    });
  }

  it('reads data-descriptor and zip64 archives, bare and sha1sum checksums, attribute and element metadata', async () => {
    for (const zipStyle of ['data-descriptor', 'zip64'] as const) {
      const m = await make({ seed: 3, chunks: 4, zipStyle, sha1Form: 'mixed', metadataForm: 'mixed', crlf: 'mixed', bom: 'mixed' });
      const r = await scanManifest(m);
      expect(r.problems).toEqual([]);
      expect(r.chunks.flatMap((c) => c.tables.map((t) => t.rows))).toEqual(
        m.chunks.flatMap((c) => Object.keys(c.tables).map((t) => c.tables[t].rows)),
      );
    }
  });
});

// Every defect the generator can write; two need a drop of their own shape and are tested below.
const DEFECTS = GIM_DEFECTS.filter((d) => d !== 'bomb' && d !== 'unpadded-out-of-order');

describe('each defect class is found where it is', () => {
  for (const defect of DEFECTS) {
    it(defect, async () => {
      const m = await make({ seed: 11, chunks: 6, defects: { 3: [defect] } });
      const r = await scanManifest(m);
      const found = r.problems.map((p) => `${p.kind}@${p.chunk}`);
      expect(m.expectedProblems.length).toBeGreaterThan(0);
      for (const e of m.expectedProblems) expect(found).toContain(`${e.kind}@${e.chunk}`);
      // No error the fixture did not ask for.
      const expected = new Set(m.expectedProblems.map((e) => `${e.kind}@${e.chunk}`));
      // Side effects the generator declares (e.g. a late warning after a missing chunk) are allowed.
      const incidental = new Set(m.incidentalProblems.map((e) => `${e.kind}@${e.chunk}`));
      const surprises = r.problems.filter(
        (p) => p.severity === 'error' && !expected.has(`${p.kind}@${p.chunk}`) && !incidental.has(`${p.kind}@${p.chunk}`),
      );
      expect(surprises).toEqual([]);
    });
  }

  it('unpadded keys crossing a power of ten: continuity order by number, out-of-order reported', async () => {
    const m = await make({ seed: 5, chunks: 6, defects: { 2: ['unpadded-out-of-order'] } });
    const r = await scanManifest(m);
    expect(r.chunks.map((c) => c.name)).toEqual(m.chunks.map((c) => c.name));
    expect(r.problems.map((p) => p.kind)).toContain('out-of-order');
    expect(r.problems.filter((p) => p.kind === 'gap')).toEqual([]);
  });

  it('a drop with several defects at once reports each, and the gap report names the missing keys', async () => {
    const m = await make({ seed: 2, chunks: 10, defects: { 2: ['missing'], 5: ['checksum-mismatch'], 7: ['schema-change'] } });
    const r = await scanManifest(m);
    const gap = r.problems.find((p) => p.kind === 'gap')!;
    expect(gap.detail).toMatchObject({ fromKey: m.missing[0].hwmFrom, toKey: m.missing[0].hwmTo });
    expect(r.summary.errors).toBeGreaterThanOrEqual(2);
  });
});
