// `scan` without --json prints a summary made from the chunks' summaries (not their records):
// its extent line on every family's axis is the one the JSON report's chunks give.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/shared/report';
import { FAMILIES } from '../fixtures/families';
import { removeDir, tempDir } from './harness';

const CLI = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'out/cli/drop-inspector.mjs');
const work = tempDir('di-cli-summary-');
afterAll(() => removeDir(work));

const utc = (s: number): string => new Date(s * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC');

/** The extent the summary must print, computed from the JSON report's chunks. */
function expected(r: ScanReport): string {
  if (r.axis === 'audit-key') return `audit keys ${r.summary.hwmFrom}..${r.summary.hwmTo}`;
  const from = Math.min(...r.chunks.map((c) => c.coverage!.requestedFrom ?? c.coverage!.from!));
  const to = Math.max(...r.chunks.map((c) => c.coverage!.requestedTo ?? c.coverage!.to!));
  if (r.axis === 'run-date') return `days ${utc(from).slice(0, 10)} → ${utc(to - 86400).slice(0, 10)}`;
  return `${r.axis === 'run-time' ? 'runs' : 'windows'} ${utc(from)} → ${utc(to)}`;
}

describe('scan summary', () => {
  for (const family of FAMILIES) {
    it(`${family.format}: the extent line matches the JSON report's chunks`, async () => {
      const m = await family.write(path.join(work, family.format), 'defects');
      const catalog = path.join(work, `${family.format}.sqlite`);
      const args = ['scan', m.root, '--catalog', catalog, '--as-of', String(m.asOf)];
      const json = spawnSync(process.execPath, [CLI, ...args, '--json'], { encoding: 'utf8' });
      const report = JSON.parse(json.stdout) as ScanReport;
      expect(report.chunks.length).toBeGreaterThan(1);
      const human = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(human.status).toBe(json.status);
      expect(human.stderr).toContain(expected(report));
      expect(human.stderr).toContain(`${report.summary.chunks} chunks`);
      expect(human.stderr).toContain(`${report.summary.errors} errors, ${report.summary.warnings} warnings`);
    });
  }
});
