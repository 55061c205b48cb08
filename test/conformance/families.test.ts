// One conformance suite every drop family passes (test/fixtures/families.ts lists them):
// a clean drop is whole with exact counts, every planted defect is found with no false
// alarm (no unexpected error or warning), chunks come in continuity order, a scan stopped
// part-way resumes to the same report, and nothing inside the drop is written.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog/catalog';
import { cadenceOf } from '../../src/engine/options';
import { buildReport } from '../../src/engine/report/build-report';
import { scanDrop } from '../../src/engine/scan';
import type { ScanReport } from '../../src/shared/report';
import { FAMILIES, type FamilyManifest } from '../fixtures/families';
import { removeDir, scan, tempDir } from '../engine/harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Names, sizes, mtimes and content hashes of everything under a folder. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const st = lstatSync(abs);
      const rel = path.relative(root, abs);
      if (st.isDirectory()) {
        out.push(`${rel}/ ${st.mtimeMs}`);
        visit(abs);
      } else {
        out.push(`${rel} ${st.size} ${st.mtimeMs} ${createHash('sha1').update(readFileSync(abs)).digest('hex')}`);
      }
    }
  };
  visit(root);
  return out;
}

const key = (p: { kind: string; chunk: string | null }): string => `${p.kind}@${p.chunk}`;

/** The report without what differs between two scans of the same drop. */
function stable(r: ScanReport): unknown {
  return { chunks: r.chunks, problems: r.problems, summary: r.summary };
}

for (const family of FAMILIES) {
  describe(`conformance: ${family.format}`, () => {
    const made: Partial<Record<'clean' | 'defects', Promise<FamilyManifest>>> = {};
    const drop = (variant: 'clean' | 'defects'): Promise<FamilyManifest> => {
      made[variant] ??= (async () => {
        const dir = tempDir(`di-conf-${family.format}-${variant}-`);
        dirs.push(dir);
        return family.write(dir, variant);
      })();
      return made[variant]!;
    };

    it('a clean drop: no errors or warnings, exact counts, continuity order, the drop unchanged', async () => {
      const m = await drop('clean');
      const before = snapshot(m.root);
      const { report, catalog } = await scan(m.root, { asOf: m.asOf });
      catalog.close();
      expect(report.format).toBe(m.format);
      expect(report.problems.filter((p) => p.severity !== 'info')).toEqual([]);
      expect(report.chunks.map((c) => c.name)).toEqual(m.chunks.map((c) => c.name));
      for (const [i, c] of m.chunks.entries()) {
        const got = Object.fromEntries(report.chunks[i].tables.map((t) => [t.name, t.rows]));
        expect(got).toEqual(c.tables);
        expect(report.chunks[i].coverage.axis).toBe(report.axis);
      }
      // The drop's size is told for every family (the archives', or the files' without one).
      const fileBytes = before.filter((l) => !l.includes('/ ')).reduce((s, l) => s + Number(l.split(' ').at(-3)), 0);
      expect(report.summary.bytes).toBeGreaterThan(0);
      expect(report.summary.bytes).toBeLessThanOrEqual(fileBytes);
      // …and every chunk's, which add up to the drop's (a daily dump's size was unknown).
      for (const c of report.chunks) expect(c.bytes, c.name).toBeGreaterThan(0);
      expect(report.chunks.reduce((s, c) => s + (c.bytes ?? 0), 0)).toBe(report.summary.bytes);
      expect(snapshot(m.root)).toEqual(before);
    });

    it('a drop with defects: every planted problem on its chunk, no other error, the drop unchanged', async () => {
      const m = await drop('defects');
      const before = snapshot(m.root);
      const { report, catalog } = await scan(m.root, { asOf: m.asOf });
      catalog.close();
      const found = new Set(report.problems.map(key));
      for (const p of m.expectedProblems) expect(found, `expected ${key(p)}`).toContain(key(p));
      const allowed = new Set([...m.expectedProblems, ...m.incidentalProblems].map(key));
      const allowedKinds = new Set([...m.expectedProblems, ...m.incidentalProblems].map((p) => p.kind));
      const unexpected = report.problems.filter((p) => p.severity === 'error' && !allowed.has(key(p)) && !allowedKinds.has(p.kind));
      expect(unexpected).toEqual([]);
      // No false warning either, on its chunk (a PGP extract confirmed under its name before
      // encryption was warned "has no confirmation file", and only errors were held here).
      expect(report.problems.filter((p) => p.severity === 'warning' && !allowed.has(key(p)))).toEqual([]);
      expect(report.chunks.map((c) => c.name)).toEqual(m.chunks.map((c) => c.name));
      expect(snapshot(m.root)).toEqual(before);
    });

    it('a scan stopped part-way resumes to the same report', async () => {
      const m = await drop('defects');
      const whole = await scan(m.root, { asOf: m.asOf });
      whole.catalog.close();
      const file = path.join(tempDir('di-conf-cat-'), 'catalog.sqlite');
      dirs.push(path.dirname(file));
      const catalog = new Catalog(file);
      const ctl = new AbortController();
      const cadence = cadenceOf({ asOf: m.asOf });
      await scanDrop(m.root, { catalog, cadence, signal: ctl.signal, onRecorded: () => ctl.abort(), saveBatch: { chunks: 1, ms: 0 } }).catch((e: Error) => {
        if (e.name !== 'AbortError') throw e;
      });
      const partial = catalog.chunkCount(catalog.drop(m.root)?.id ?? -1);
      expect(partial).toBeLessThan(m.chunks.length);
      await scanDrop(m.root, { catalog, cadence });
      const resumed = buildReport(catalog, whole.outcome.drop, cadence);
      catalog.close();
      expect(stable(resumed)).toEqual(stable(whole.report));
    }, 180_000); // three scans of the drop: well past the default timeout on a loaded machine
  });
}
