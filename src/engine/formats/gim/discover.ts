// Groups an Info Mart drop's files into chunks, whether chunks are folders
// (export_X/export_X.zip …), flat files side by side, or nested per day or month.
import { baseOfRel, dirOfRel } from '../../fs/names';
import type { FileEntry } from '../../fs/walk';
import { fingerprintOf, type ChunkCandidate, type DropAdapter } from '../types';
import { countClaims } from '../claims';
import { classifyGimFile, parseGimName } from './name';
import { nameOrderProblems } from './name-order';

const TABLE_SHA1 = /\.csv\.sha1$/i;

/**
 * Each file's role by name, kept per listing: a scan asks recognise, then discover, about the
 * same walk's files (9000 names for 3000 chunks, classified once instead of twice).
 */
const classified = new WeakMap<readonly FileEntry[], Array<ReturnType<typeof classifyGimFile> | undefined>>();

function classOf(files: readonly FileEntry[], i: number): ReturnType<typeof classifyGimFile> {
  let known = classified.get(files);
  if (!known) classified.set(files, (known = new Array(files.length)));
  let c = known[i];
  if (c === undefined) c = known[i] = classifyGimFile(baseOfRel(files[i].rel));
  return c;
}

/** The files of one export stem in one folder. */
interface Group {
  dir: string;
  stem: string;
  files: Record<string, FileEntry>;
  extra: FileEntry[];
}

export const gimAdapter: DropAdapter = {
  format: 'gim',
  label: 'Info Mart Data Export',
  axis: 'audit-key',
  merge: 'upsert-by-key',
  // The documented schedule: 00:20, 08:20, 16:20; half a period of slack before "late".
  // "Genesys personnel can adjust the schedule" (seed 000): a drop that keeps another one is
  // judged by it.
  cadence: { cadenceSeconds: 8 * 3600, graceSeconds: 4 * 3600, adjustable: true },
  checks: [nameOrderProblems],

  recognise(files, beat) {
    return countClaims(files, (_, i) => classOf(files, i) !== null, beat);
  },

  discover(files) {
    const groups = new Map<string, Group>();
    const byDir = new Map<string, FileEntry[]>();
    const stray: FileEntry[] = [];
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const dir = dirOfRel(f.rel);
      const c = classOf(files, i);
      if (!c) {
        (byDir.get(dir) ?? byDir.set(dir, []).get(dir)!).push(f);
        continue;
      }
      const key = `${dir}\u0000${c.stem}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { dir, stem: c.stem, files: {}, extra: [] }));
      if (g.files[c.role]) stray.push(f);
      else g.files[c.role] = f;
    }
    // Per-table checksums beside the archive belong to the folder's only chunk.
    const stemsInDir = new Map<string, number>();
    const groupOfDir = new Map<string, Group>();
    for (const g of groups.values()) {
      stemsInDir.set(g.dir, (stemsInDir.get(g.dir) ?? 0) + 1);
      groupOfDir.set(g.dir, g);
    }
    for (const [dir, list] of byDir) {
      const single = stemsInDir.get(dir) === 1 ? groupOfDir.get(dir) : undefined;
      for (const f of list) {
        if (single && TABLE_SHA1.test(f.rel)) single.extra.push(f);
        else stray.push(f);
      }
    }

    const names = new Map<string, number>();
    const chunks: ChunkCandidate[] = [];
    for (const g of groups.values()) {
      const parsed = parseGimName(g.stem);
      const folder = baseOfRel(g.dir);
      // A folder named for the export is the chunk's name; in a flat drop the archive's stem is.
      let name = folder.toLowerCase().startsWith('export_') && stemsInDir.get(g.dir) === 1 ? folder : g.stem;
      names.set(name, (names.get(name) ?? 0) + 1);
      if (names.get(name)! > 1) name = g.dir ? `${g.dir}/${g.stem}` : g.stem; // same stem delivered twice
      const all = [...Object.values(g.files), ...g.extra];
      chunks.push({
        name,
        dir: g.dir,
        files: g.files,
        extraFiles: g.extra,
        extraRole: 'table-sha1',
        nameKey: parsed?.key ?? null,
        nameTs: parsed?.ts ?? null,
        fingerprint: fingerprintOf(all),
      });
    }
    return { chunks, stray: stray.filter((f) => !/(^|\/)sql_scripts\//.test(f.rel) && !/make_export_views.*\.sql$/i.test(f.rel)) };
  },

  workOf(chunk) {
    return (chunk.files.zip?.size ?? 0) * 2 + (chunk.files.encrypted?.size ?? 0);
  },
};
