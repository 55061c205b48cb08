// The documentation lives in the repository: every relative link of the README and of
// docs/ resolves to a file inside it (none points outside, as ../shared/ once did), and
// each drop family and the report contract have their page.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function linksOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#'));
}

describe('documentation', () => {
  const files = ['README.md', 'ARCHITECTURE.md', ...readdirSync(path.join(root, 'docs'), { recursive: true }).map((f) => path.join('docs', String(f))).filter((f) => f.endsWith('.md'))];

  it('links only to files inside the repository that exist', () => {
    for (const f of files) {
      for (const link of linksOf(path.join(root, f))) {
        const target = path.resolve(path.dirname(path.join(root, f)), link.split('#')[0]);
        expect(path.relative(root, target).startsWith('..'), `${f} → ${link} leaves the repository`).toBe(false);
        expect(existsSync(target), `${f} → ${link}`).toBe(true);
      }
    }
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).not.toContain('../shared/');
  });

  it('has the report contract and a page per drop family, linked from the README', () => {
    const readme = linksOf(path.join(root, 'README.md'));
    for (const page of ['docs/report-contract.md', 'docs/formats/info-mart.md', 'docs/formats/bulk-export.md', 'docs/formats/daily-dumps.md', 'docs/formats/extracts.md']) {
      expect(readme, page).toContain(page);
    }
    const contract = readFileSync(path.join(root, 'docs/report-contract.md'), 'utf8');
    for (const field of ['format', 'drop', 'scannedAt', 'hwmFrom', 'hwmTo', 'createdTs', 'maxDataTs', 'checksum', 'coverage', 'declaredRows', 'previous', 'severity']) {
      expect(contract, field).toContain(`\`${field}\``);
    }
  });
});
