// `drop-inspector scan <bulk drop> --json` as a script runs it: every planted problem found,
// no false alarm, exact rows per record type, chunks in time order, exit 1 — and hostile
// input (truncated ZIP, corrupt gzip member, broken XML, lying counts) reported, never a crash.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_DEFECTS, writeBulkDrop, type BulkDefect, type BulkDropManifest } from '../fixtures/bulk-drop';
import type { ScanReport } from '../../src/shared/report';
import { removeDir, tempDir } from '../engine/harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(root, 'out/cli/drop-inspector.mjs');
const VENDOR: BulkDefect[] = [
  'missing-window',
  'short-export',
  'count-mismatch',
  'terminated',
  'no-data',
  'dropped',
  'second-section',
];

let work: string;
let vendor: BulkDropManifest;
let hostile: BulkDropManifest;
let clean: BulkDropManifest;
beforeAll(async () => {
  work = tempDir('di-bulk-cli-');
  vendor = await writeBulkDrop(path.join(work, 'vendor'), { seed: 41, defects: VENDOR, names: 'opaque' });
  hostile = await writeBulkDrop(path.join(work, 'hostile'), { seed: 42, defects: [...BULK_DEFECTS] });
  clean = await writeBulkDrop(path.join(work, 'clean'), { seed: 43, requests: 6, tz: true });
});
afterAll(() => removeDir(work));

function scan(m: BulkDropManifest, name: string): { status: number | null; doc: ScanReport; stderr: string } {
  const asOf = String(Math.max(...m.chunks.map((c) => c.createdTs)) + 60);
  const r = spawnSync(
    process.execPath,
    [CLI, 'scan', m.root, '--json', '--catalog', path.join(work, `${name}.sqlite`), '--as-of', asOf],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status === 2) throw new Error(r.stderr);
  return { status: r.status, doc: JSON.parse(r.stdout) as ScanReport, stderr: r.stderr };
}

const key = (p: { kind: string; chunk?: string | null; table?: string | null }): string =>
  `${p.kind}|${p.chunk ?? ''}|${p.table ?? ''}`;

function judge(m: BulkDropManifest, doc: ScanReport): void {
  expect(doc.format).toBe('bulk');
  // Chunks in time order, each record type's rows exact.
  expect(doc.chunks.map((c) => c.name)).toEqual(m.chunks.map((c) => c.name));
  for (const c of m.chunks) {
    const got = doc.chunks.find((x) => x.name === c.name)!;
    const rows = Object.fromEntries(got.tables.filter((t) => t.rows !== null).map((t) => [t.name, t.rows]));
    expect(rows, c.name).toEqual(c.tables);
    expect(got.hwmFrom).toBeNull();
  }
  const found = new Set(doc.problems.map(key));
  for (const p of m.problems) expect(found, `planted ${key(p)}`).toContain(key(p));
  // No false alarm: every error or warning is planted (or follows from one planted).
  const allowed = new Set([...m.problems, ...m.incidental].map(key));
  const extra = doc.problems.filter((p) => p.severity !== 'info' && !allowed.has(key(p)));
  expect(extra.map((p) => `${key(p)}: ${p.message}`)).toEqual([]);
}

describe('drop-inspector scan on a bulk-export drop', () => {
  it('finds every planted problem, no false alarm, exact counts, chunks in time order, exit 1', () => {
    const { status, doc } = scan(vendor, 'vendor');
    expect(status).toBe(1);
    judge(vendor, doc);
    const by = (d: BulkDefect): string => vendor.chunks.find((c) => c.defect === d)!.name;
    const cov = doc.chunks.find((c) => c.name === by('short-export'))!.coverage;
    const truth = vendor.chunks.find((c) => c.defect === 'short-export')!;
    expect(cov).toMatchObject({
      axis: 'time-range',
      from: truth.exportedFrom,
      to: truth.exportedTo,
      requestedFrom: truth.requestedFrom,
      requestedTo: truth.requestedTo,
    });
    const mismatch = doc.problems.find((p) => p.kind === 'row-count-mismatch')!;
    expect(mismatch).toMatchObject({ severity: 'error', chunk: by('count-mismatch'), table: 'page' });
    const gap = doc.problems.find(
      (p) =>
        p.kind === 'gap' &&
        p.chunk ===
          vendor.chunks[vendor.chunks.findIndex((c) => c.requestedFrom === vendor.missing[0].to)].name &&
        !p.detail?.inside,
    )!;
    expect(gap.message).not.toMatch(/audit key/i);
    expect(doc.problems.find((p) => p.kind === 'export-terminated')).toMatchObject({
      severity: 'error',
      detail: { reason: 'system rebooting' },
    });
  });
  it('reports a clean drop (tz=true times) with no problem at all and exit 0', () => {
    const { status, doc } = scan(clean, 'clean');
    judge(clean, doc);
    expect(doc.problems.filter((p) => p.severity !== 'info')).toEqual([]);
    expect(status).toBe(0);
  });
  it('reports truncated ZIPs, corrupt gzip members, broken XML and bad stats as problems, never a crash', () => {
    const { status, doc, stderr } = scan(hostile, 'hostile');
    expect(status).toBe(1);
    expect(stderr).not.toMatch(/TypeError|RangeError|at .*\.(ts|mjs):\d+/);
    judge(hostile, doc);
    // A ZIP that cannot be opened: its window is its name's, its data's end unknown (not the
    // window's start), and the gap report speaks its window as every other's, with its length.
    const broken = hostile.chunks.find((c) => c.defect === 'truncated-zip')!;
    const entry = doc.chunks.find((c) => c.name === broken.name)!;
    expect(entry.archive).toBe('corrupt');
    expect(entry.maxDataTs).toBeNull();
    const md = spawnSync(process.execPath, [CLI, 'report', hostile.root, '--format', 'md', '--catalog', path.join(work, 'hostile.sqlite'), '--as-of', String(Math.max(...hostile.chunks.map((c) => c.createdTs)) + 60)], { encoding: 'utf8', timeout: 120_000 });
    const row = md.stdout.split('\n').find((l) => l.includes(`| ${broken.name} |`))!;
    expect(row).toMatch(/UTC → \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \(6 h\) \| [^|]+ \| — \|/);
  });
  it('re-scans an unchanged drop from the catalog to the same report', () => {
    const first = scan(vendor, 'again');
    const second = scan(vendor, 'again');
    const strip = (d: ScanReport): unknown => ({ ...d, scannedAt: null });
    expect(strip(second.doc)).toEqual(strip(first.doc));
  });
});
