// Extract file names and the smaller cases of the family: LZO runs, JSON arrays, an empty
// extract, confirmation files alone, headers told from data by the first record.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { extractsAdapter } from '../../src/engine/formats/extracts/discover';
import { classifyExtractFile, parseRunName } from '../../src/engine/formats/extracts/name';
import { removeDir, scan, tempDir } from '../engine/harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('extract file names', () => {
  it('job, run time, field, codecs; confirmation and partial files', () => {
    expect(parseRunName('accounts_delta_20251124T0200.csv.gz')).toMatchObject({ job: 'accounts_delta', stamp: '20251124T0200', ts: Date.UTC(2025, 10, 24, 2) / 1000 });
    expect(parseRunName('full-export.2025-11-24T02-00-00Z.json')).toMatchObject({ job: 'full-export', ts: Date.UTC(2025, 10, 24, 2) / 1000 });
    expect(classifyExtractFile('accounts_delta_20251124T0200.profile.likes.csv.gz.pgp')).toMatchObject({ kind: 'data', field: 'profile.likes', format: 'dsv', codecs: ['pgp', 'gzip'] });
    expect(classifyExtractFile('a_20251124T0200.jsonl.lzo')).toMatchObject({ kind: 'data', field: '', format: 'jsonl', codecs: ['lzo'] });
    expect(classifyExtractFile('a_20251124T0200.csv.zip')).toMatchObject({ kind: 'data', zip: true, codecs: [] });
    for (const n of ['a_20251124T0200.count', 'a_20251124T0200_count.txt', 'a_20251124T0200.csv.gz.confirm', 'a_20251124T0200.ctl', 'a_20251124T0200.done'])
      expect(classifyExtractFile(n)?.kind, n).toBe('count');
    for (const n of ['a_20251124T0200.csv.gz.part', 'a_20251124T0200.csv.tmp', 'a_20251124T0200.csv.gz.filepart'])
      expect(classifyExtractFile(n)?.kind, n).toBe('partial');
    expect(classifyExtractFile('export_1234_2016_07_13_00_15_49.zip')).toBeNull();
    expect(classifyExtractFile('readme.txt')).toBeNull();
  });

  it('discovery: one run per job and time, series per job, partial uploads never a run', () => {
    const f = (rel: string) => ({ rel, abs: `/x/${rel}`, size: 10, mtimeMs: 1 });
    const { chunks } = extractsAdapter.discover([
      f('a_20251124T0200.csv.gz'),
      f('a_20251124T0200.count'),
      f('a_20251124T0200.profile.likes.csv.gz'),
      f('b_20251124T0200.json'),
      f('a_20251124T0800.csv.gz'),
      f('a_20251124T1400.csv.gz.part'),
    ]);
    expect(chunks.map((c) => [c.name, c.series, Object.keys(c.files).length])).toEqual([
      ['a_20251124T0200', 'a', 3],
      ['b_20251124T0200', 'b', 1],
      ['a_20251124T0800', 'a', 2],
    ]);
  });
});

describe('smaller cases', () => {
  it('an LZO run, a JSON array run, an empty extract, a run of confirmation files only', async () => {
    const dir = tempDir('di-extracts-small-');
    dirs.push(dir);
    const drop = path.join(dir, 'drop');
    mkdirSync(drop);
    const csv = 'UID;email\n' + Array.from({ length: 500 }, (_, i) => `_gid_${i};u${i}@x.org`).join('\n') + '\n';
    writeFileSync(path.join(dir, 'a_20251124T0200.csv'), csv);
    execFileSync('lzop', ['-q', '-o', path.join(drop, 'a_20251124T0200.csv.lzo'), path.join(dir, 'a_20251124T0200.csv')]);
    writeFileSync(path.join(drop, 'a_20251124T0200.count'), 'records=500\n');
    writeFileSync(path.join(drop, 'a_20251124T0800.json'), JSON.stringify([{ UID: '_gid_1', email: 'x', profile: { age: 3 } }, { UID: '_gid_2', email: 'y' }], null, 2));
    writeFileSync(path.join(drop, 'a_20251124T0800.count'), '2');
    writeFileSync(path.join(drop, 'a_20251124T1400.csv.gz'), zlib.gzipSync('UID;email\n'));
    writeFileSync(path.join(drop, 'a_20251124T1400.count'), '0');
    writeFileSync(path.join(drop, 'a_20251124T2000.count'), '12');
    const { report, catalog } = await scan(drop, { asOf: Date.UTC(2025, 10, 24, 20, 10) / 1000 });
    catalog.close();
    const rows = Object.fromEntries(report.chunks.map((c) => [c.name, c.tables.map((t) => [t.rows, t.declaredRows])]));
    expect(rows['a_20251124T0200']).toEqual([[500, 500]]);
    expect(rows['a_20251124T0800']).toEqual([[2, 2]]);
    expect(report.chunks.find((c) => c.name === 'a_20251124T0800')!.tables[0].columns).toEqual(['UID', 'email', 'profile.age']);
    expect(rows['a_20251124T1400']).toEqual([[0, 0]]);
    const kinds = report.problems.map((p) => `${p.kind}@${p.chunk}`);
    expect(kinds).toContain('empty-extract@a_20251124T1400');
    expect(kinds).toContain('archive-missing@a_20251124T2000');
    // The JSON run's keys (profile.age) differ from the DSV runs' columns: a schema change, both ways.
    expect(kinds).toContain('schema-change@a_20251124T0800');
    expect(report.problems.filter((p) => !/empty-extract|archive-missing|schema-change/.test(p.kind)).map((p) => p.message)).toEqual([]);
  });
});

describe('confirmation files of encrypted runs', () => {
  it('a PGP run confirmed under any spelling is held against its count, in every style the runs rotate through', async () => {
    const { writeExtractDrop } = await import('../fixtures/extract-drop');
    // The fixture rotates each run's format and confirmation spelling by its index; one of
    // them confirms x.psv.gz.pgp as x.psv.gz.ctl (the file before it was encrypted), which
    // was reported as having no confirmation file.
    const tried: string[] = [];
    for (let at = 1; at <= 8; at++) {
      const dir = tempDir('di-ext-pgp-ctl-');
      dirs.push(dir);
      const m = await writeExtractDrop(dir, { seed: 60 + at, runs: 10, defects: { [at]: ['pgp'] } });
      const run = m.runs.find((r) => r.defects.includes('pgp'))!;
      if (!run.main.file.endsWith('.pgp')) continue; // a zipped run is not encrypted by the fixture
      tried.push(run.main.file);
      const { report, catalog } = await scan(m.root, { asOf: m.asOf });
      catalog.close();
      const mine = report.problems.filter((p) => p.chunk === run.name);
      expect(mine.map((p) => p.kind), `${run.main.file}`).toEqual(['encrypted']);
      const t = report.chunks.find((c) => c.name === run.name)!.tables.find((x) => x.name === m.job)!;
      expect(t.declaredRows, `${run.main.file}`).toBe(run.main.rows.length);
    }
    expect(tried.length).toBeGreaterThanOrEqual(6);
  });
});

describe('data lost beside its confirmation file', () => {
  it('a main or a flattened file missing from a run whose confirmation files arrived is archive-missing, in every style, and nothing else', async () => {
    const { writeExtractDrop } = await import('../fixtures/extract-drop');
    // A run whose main file was lost in transfer, its count file and flattened file there,
    // scanned clean: the warehouse missed the run's accounts with no word from the report.
    const tried: string[] = [];
    for (let at = 0; at < 6; at++) {
      for (const defect of ['main-lost', 'flat-lost'] as const) {
        const dir = tempDir('di-ext-lost-');
        dirs.push(dir);
        const m = await writeExtractDrop(dir, { seed: 80 + at, runs: 8, defects: { [at]: [defect] } });
        const run = m.runs.find((r) => r.defects.includes(defect))!;
        const { report, catalog } = await scan(m.root, { asOf: m.asOf });
        catalog.close();
        const mine = report.problems.filter((p) => p.chunk === run.name).map((p) => [p.kind, p.table]);
        if (run.style.kind === 'zip') {
          // One zip holds both: the fixture cannot lose one of them.
          expect(mine, `${defect} ${run.name}`).toEqual([]);
          continue;
        }
        tried.push(`${defect} ${run.main.file}`);
        const table = defect === 'main-lost' ? m.job : `${m.job}.profile.likes`;
        expect(mine, `${defect} ${run.main.file}`).toEqual([['archive-missing', table]]);
        expect(report.problems.filter((p) => p.chunk !== run.name && p.severity !== 'info')).toEqual([]);
        const p = report.problems.find((x) => x.chunk === run.name)!;
        expect(p.severity).toBe('error');
        expect(p.message).toMatch(/no data file in this run, though .+ declares \d+ records?$/);
        expect(p.detail?.declaredRows).toBe(defect === 'main-lost' ? run.main.rows.length : run.flat!.rows.length);
      }
    }
    expect(tried.length).toBe(10);
  }, 120_000);

  it('a main file and its confirmation both missing beside a flattened file: the main file is named missing', async () => {
    const { writeExtractDrop } = await import('../fixtures/extract-drop');
    const { rmSync } = await import('node:fs');
    const dir = tempDir('di-ext-lost2-');
    dirs.push(dir);
    const m = await writeExtractDrop(dir, { seed: 91, runs: 6, defects: { 0: ['main-lost'] } });
    const run = m.runs[0];
    rmSync(path.join(m.root, `${run.name}.count`));
    const { report, catalog } = await scan(m.root, { asOf: m.asOf });
    catalog.close();
    const mine = report.problems.filter((p) => p.chunk === run.name);
    expect(mine.map((p) => [p.kind, p.table])).toEqual([['archive-missing', m.job]]);
    expect(mine[0].message).toContain(`main data file is missing; it has only flattened files (${run.name}.profile.likes.csv.gz)`);
  });
});

describe('a zip of members not named as the run\u2019s files', () => {
  it('is tables of its own: no main file is said to be missing', async () => {
    const { ZipWriter } = await import('../fixtures/zip-writer');
    const dir = tempDir('di-ext-zip-names-');
    dirs.push(dir);
    const zip = await ZipWriter.create(path.join(dir, 'a_20251124T0200.zip'), { style: 'plain', mtime: Date.UTC(2025, 10, 24, 2) / 1000 });
    await zip.addBuffer('accounts.csv', Buffer.from('UID,email\n_gid_1,a@x.org\n_gid_2,b@x.org\n'));
    await zip.addBuffer('likes.csv', Buffer.from('id,UID,title\n1,_gid_1,x\n'));
    await zip.close();
    writeFileSync(path.join(dir, 'a_20251124T0200.count'), '2\n');
    const { report, catalog } = await scan(dir, { asOf: Date.UTC(2025, 10, 24, 2, 10) / 1000 });
    catalog.close();
    expect(report.chunks[0].tables.map((t) => t.name).sort()).toEqual(['a.accounts', 'a.likes']);
    expect(report.problems.filter((p) => p.kind === 'archive-missing')).toEqual([]);
  });
});
