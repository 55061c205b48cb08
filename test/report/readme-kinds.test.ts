// The README's "What is checked" table is the users' list of problem kinds: it must name every
// kind the engine can report (src/shared/problem-kinds.ts is the one source of truth), with its
// severity, and no kind the engine does not know.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEVERITY_OF, type ProblemKind } from '../../src/shared/report';

function readmeKinds(): Map<string, string> {
  const text = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = text.split('## What is checked')[1]?.split('\n## ')[0] ?? '';
  const out = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || cells[1] === 'kind' || /^-+$/.test(cells[1])) continue;
    // "overlap / duplicate | warning", "checksum-mismatch / checksum-missing | error / warning",
    // "name-mismatch, suspicious-entry, file-changed | warning".
    const kinds = cells[1].split(/\s*[/,]\s*/);
    const sevs = cells[2].split(/\s*\/\s*/);
    kinds.forEach((k, i) => out.set(k, sevs.length === kinds.length ? sevs[i] : sevs[0]));
  }
  return out;
}

describe('README problem-kind table', () => {
  const listed = readmeKinds();
  it('names every problem kind with its severity', () => {
    const missing = (Object.keys(SEVERITY_OF) as ProblemKind[]).filter((k) => !listed.has(k));
    expect(missing).toEqual([]);
    for (const [k, sev] of Object.entries(SEVERITY_OF)) expect([k, listed.get(k)]).toEqual([k, sev]);
  });
  it('names no kind the engine does not report', () => {
    expect([...listed.keys()].filter((k) => !(k in SEVERITY_OF))).toEqual([]);
  });
});
