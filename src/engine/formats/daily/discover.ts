// Groups a daily drop's files into chunks: one per run date per series (customer or brand),
// every table file of that date inside it.
import type { FileEntry } from '../../fs/walk';
import type { ChunkCandidate, DropAdapter } from '../types';
import { dailyChecks, dailyTimedChecks } from './checks';
import { dailyKeyColumns } from './keys';
import { countClaims } from '../claims';
import { classifyDailyFile } from './path';

const DAY = 86_400;

/** Markers and side files a daily export may leave beside its tables (never stray). */
const SIDE_FILE = /(^|\/)(_SUCCESS|_started_\d+|_committed_\d+|\.DS_Store)$|\.crc$/;

export function dailyFingerprint(files: FileEntry[]): string {
  return files
    .map((f) => `${f.rel}:${f.size}:${f.version ?? f.mtimeMs}`)
    .sort()
    .join('|');
}

export const dailyAdapter: DropAdapter = {
  format: 'daily',
  label: 'Daily analytics dumps',
  axis: 'run-date',
  merge: 'latest-snapshot',
  // Seed 003: "delivered within 24 hours of the scheduled run".
  cadence: { cadenceSeconds: DAY, graceSeconds: DAY },
  checks: dailyChecks,
  timedChecks: dailyTimedChecks,
  keyOf: dailyKeyColumns,
  // 2: keys checked in tables of up to 1,000,000 rows (was 250,000), gzip-compressed key
  // columns too; a key column that cannot be decoded is named under keysNotChecked.
  revision: 2,

  recognise(files, beat) {
    return countClaims(files, (f) => classifyDailyFile(f.rel) !== null, beat);
  },

  discover(files) {
    const groups = new Map<string, { day: number; series: string; dir: string; files: FileEntry[] }>();
    const stray: FileEntry[] = [];
    for (const f of files) {
      const c = classifyDailyFile(f.rel);
      if (!c) {
        if (!SIDE_FILE.test(f.rel)) stray.push(f);
        continue;
      }
      let g = groups.get(c.chunk);
      if (!g) {
        const at = f.rel.indexOf(`${c.dateSegment}/`);
        groups.set(c.chunk, (g = { day: c.day, series: c.series, dir: f.rel.slice(0, at + c.dateSegment.length), files: [] }));
      }
      g.files.push(f);
    }
    const chunks: ChunkCandidate[] = [...groups.entries()]
      .sort(([a, x], [b, y]) => x.series.localeCompare(y.series) || x.day - y.day || (a < b ? -1 : 1))
      .map(([name, g]) => ({
        name,
        dir: g.dir,
        files: {},
        extraFiles: g.files.sort((a, b) => (a.rel < b.rel ? -1 : 1)),
        nameKey: null,
        nameTs: g.day,
        nameExtent: { from: g.day, to: g.day + DAY, source: 'path' },
        series: g.series,
        fingerprint: dailyFingerprint(g.files),
      }));
    return { chunks, stray };
  },

  workOf(chunk) {
    // Parquet: the footer only; CSV: every byte.
    return chunk.extraFiles.reduce((s, f) => s + (/\.parquet$|\.pq$/i.test(f.rel) ? Math.min(f.size, 16 * 1024) : f.size), 0);
  },
};
