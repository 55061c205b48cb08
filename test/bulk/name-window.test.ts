// A request ZIP's name against its statistics: two ZIPs' contents swapped under their names
// are name-mismatch, each; names that agree (in UTC, with an offset, or in the stats' local
// time written without one) are not.
import { readdirSync, renameSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBulkDrop } from '../fixtures/bulk-drop';
import { scan } from '../engine/harness';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function bulkDrop(tz: boolean): Promise<{ root: string; asOf: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'di-bulk-name-'));
  dirs.push(dir);
  const m = await writeBulkDrop(path.join(dir, 'drop'), { seed: 21, requests: 6, tz });
  return { root: m.root, asOf: Math.max(...m.chunks.map((c) => c.createdTs)) + 60 };
}

const zips = (root: string): string[] => readdirSync(root).filter((f) => f.endsWith('.zip')).sort();

describe('bulk request names against their statistics', () => {
  it('two ZIPs swapped under their names: a name-mismatch for each, naming both windows', async () => {
    const { root, asOf } = await bulkDrop(false);
    const [a, , c] = zips(root);
    renameSync(path.join(root, a), path.join(root, 'swap.tmp'));
    renameSync(path.join(root, c), path.join(root, a));
    renameSync(path.join(root, 'swap.tmp'), path.join(root, c));
    const { report, catalog } = await scan(root, { asOf });
    catalog.close();
    const named = report.problems.filter((p) => p.kind === 'name-mismatch');
    expect(named.map((p) => p.chunk).sort()).toEqual([a, c].map((f) => f.replace(/\.zip$/, '')).sort());
    expect(named[0].severity).toBe('warning');
    expect(named[0].message).toMatch(/^the name says \d{4}-\d\d-\d\d \d\d:\d\d – .+ UTC, but its statistics requested \d{4}\.\d\d\.\d\d\.\d\d\.\d\d – /);
    expect(report.problems.filter((p) => p.kind !== 'name-mismatch' && p.severity !== 'info')).toEqual([]);
  });

  it('names that agree: in UTC, with the offset, or in local time without it', async () => {
    for (const tz of [false, true]) {
      const { root, asOf } = await bulkDrop(tz);
      if (tz) {
        // "bulk-export_2026.11.01.07.00+0100_…" written as "bulk-export_2026.11.01.07.00_…".
        const f = zips(root)[1];
        renameSync(path.join(root, f), path.join(root, f.replace(/\+0100/g, '')));
      }
      const { report, catalog } = await scan(root, { asOf });
      catalog.close();
      expect(report.problems.filter((p) => p.severity !== 'info'), `tz ${tz}`).toEqual([]);
    }
  });
});
