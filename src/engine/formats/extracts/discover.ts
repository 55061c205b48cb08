// Groups an extract drop's files into runs: a chunk is one run of one job (files sharing a
// job name and run timestamp, in one folder): its main data file, its flattened files, their
// confirmation files. Partial uploads (.part, .tmp, .filepart) are never a run: they ride
// along with the job's run before them (or after, if none) and are reported as in transfer.
import { baseOfRel, dirOfRel } from '../../fs/names';
import type { FileEntry } from '../../fs/walk';
import { fingerprintOf, type ChunkCandidate, type DropAdapter } from '../types';
import { countClaims } from '../claims';
import { classifyExtractFile, parseRunName, type ExtractFile } from './name';

interface Run {
  dir: string;
  job: string;
  stamp: string;
  ts: number;
  files: Record<string, FileEntry>;
}

/** Role names in ChunkCandidate.files: data:<n>, count:<n>, partial:<n> (n numbers files of a role). */
export const ROLE = { data: 'data', count: 'count', partial: 'partial' } as const;

export const extractsAdapter: DropAdapter = {
  format: 'extracts',
  label: 'Identity-platform data extracts',
  axis: 'run-time',
  // A delta extract holds accounts new or updated since the last run: later runs win by UID.
  merge: 'upsert-by-key',
  cadence: 'infer',
  // 2: failed and encrypted files name the file to transfer again (detail.file).
  // 3: a confirmation file naming its data file before encryption or compression
  //    (x.psv.gz.ctl for x.psv.gz.pgp) is attached; such runs were warned count-missing.
  // 4: a table declared by a confirmation file with no data file of its own, and a main file
  //    missing beside flattened files, are archive-missing (such runs scanned clean).
  revision: 4,

  keyOf(table, columns) {
    // The account id: UID in the main file; flattened rows have their own row id first.
    const uid = columns.find((c) => /^uid$/i.test(c));
    if (table.includes('.')) {
      const id = columns.find((c) => /^(id|rowid|row_id)$/i.test(c));
      return id ? [id] : columns.length ? [columns[0]] : null;
    }
    return uid ? [uid] : null;
  },

  recognise(files, beat) {
    return countClaims(
      files,
      (f) => {
        const c = classifyExtractFile(baseOfRel(f.rel));
        return c !== null && c.kind !== 'partial';
      },
      beat,
    );
  },

  discover(files) {
    const runs = new Map<string, Run>();
    const stray: FileEntry[] = [];
    const partials: Array<{ f: FileEntry; c: Extract<ExtractFile, { kind: 'partial' }>; dir: string }> = [];
    const counters = new Map<Run, Record<string, number>>();
    const add = (run: Run, role: string, f: FileEntry): void => {
      const n = counters.get(run) ?? counters.set(run, {}).get(run)!;
      n[role] = (n[role] ?? 0) + 1;
      run.files[`${role}:${n[role]}`] = f;
    };
    for (const f of files) {
      const dir = dirOfRel(f.rel);
      const c = classifyExtractFile(baseOfRel(f.rel));
      if (!c) {
        stray.push(f);
        continue;
      }
      if (c.kind === 'partial') {
        partials.push({ f, c, dir });
        continue;
      }
      const key = `${dir}\u0000${c.run.job}\u0000${c.run.ts}`;
      let run = runs.get(key);
      if (!run) runs.set(key, (run = { dir, job: c.run.job, stamp: c.run.stamp, ts: c.run.ts, files: {} }));
      add(run, c.kind === 'data' ? ROLE.data : ROLE.count, f);
    }
    // A run needs a data file; confirmation files alone are a run whose data is missing.
    const list = [...runs.values()].sort((a, b) => a.ts - b.ts || a.job.localeCompare(b.job));
    for (const p of partials) {
      const job = p.c.run?.job ?? parseRunName(p.c.target)?.job;
      const ts = p.c.run?.ts ?? Number.POSITIVE_INFINITY;
      const same = list.filter((r) => r.job === job && r.dir === p.dir);
      const host = [...same].reverse().find((r) => r.ts <= ts) ?? same[0] ?? list[list.length - 1];
      if (host) add(host, ROLE.partial, p.f);
      else stray.push(p.f);
    }
    const names = new Map<string, number>();
    const chunks: ChunkCandidate[] = list.map((r) => {
      let name = `${r.job}_${r.stamp}`;
      names.set(name, (names.get(name) ?? 0) + 1);
      if (names.get(name)! > 1) name = `${r.dir}/${name}`;
      return {
        name,
        dir: r.dir,
        files: r.files,
        extraFiles: [],
        nameKey: null,
        nameTs: r.ts,
        nameExtent: { from: r.ts, to: r.ts, source: 'name' },
        series: r.job,
        fingerprint: fingerprintOf(Object.values(r.files)),
      };
    });
    return { chunks, stray };
  },

  workOf(chunk) {
    return Object.entries(chunk.files).reduce((s, [role, f]) => s + (role.startsWith(ROLE.data) && f ? f.size : 0), 0);
  },
};
