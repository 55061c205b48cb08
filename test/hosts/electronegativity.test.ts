// Electronegativity (Doyensec's Electron security linter) over src/: every finding is either
// fixed or listed, with its reason, in .ci/electronegativity-accepted.json; a listed finding
// that no longer occurs must leave the list, so it stays true.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('Electronegativity over src/', () => {
  it('finds nothing that is not fixed or accepted with a reason', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'di-eneg-'));
    try {
      const out = path.join(dir, 'findings.csv');
      const electron = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
      const r = spawnSync(
        process.execPath,
        [path.join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'), '-i', path.join(root, 'src'), '-r', '-v', 'false', '-e', electron, '-o', out],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true, transformHeader: (h) => h.trim() }).data;
      // A finding names its check and file. Once in a loaded suite run the tool's CSV held a
      // row of neither ("parse CSP" without a file: a piece of its tolerated "Failed to parse
      // CSP" finding): such pieces are not findings.
      const found = new Set(rows.filter((f) => f.issue && f.filename && /^[A-Z_]+$/.test(f.issue)).map((f) => `${f.issue} ${f.filename}`));
      const accepted = JSON.parse(readFileSync(path.join(root, '.ci/electronegativity-accepted.json'), 'utf8')).accepted as Array<{ check: string; file: string; reason: string }>;
      for (const a of accepted) expect(a.reason.length, `${a.check} ${a.file}`).toBeGreaterThan(40);
      const allowed = new Set(accepted.map((a) => `${a.check} ${a.file}`));
      expect([...found].filter((f) => !allowed.has(f)), 'findings neither fixed nor accepted').toEqual([]);
      expect([...allowed].filter((a) => !found.has(a)), 'accepted findings that no longer occur').toEqual([]);
      expect(rows.some((f) => (f.sample ?? '').includes("'unsafe-inline'"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
