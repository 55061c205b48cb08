// File names of identity-platform data extracts (seed 002). The seed leaves names open;
// what is expected (../shared/formats/extracts.md): a job name and a run timestamp in each
// name, flattened files named like the main file plus the flattened field, and
// confirmation files named like their data file with a marker.
//
//   accounts_delta_20251124T0200.csv.gz                  main file of the run
//   accounts_delta_20251124T0200.profile.likes.csv.gz    flattened field profile.likes
//   accounts_delta_20251124T0200.count                   confirmation (also _count, .confirm,
//   accounts_delta_20251124T0200.csv.gz.ctl              .ctl, .done; optionally .txt)
//   accounts_delta_20251124T0200.csv.gz.part             partial upload (.part .tmp .filepart)
import type { Codec } from '../../../shared/family';

/** Formats of data files, by extension. */
export type DataFormat = 'dsv' | 'json' | 'jsonl';

const FORMAT_EXT: Record<string, DataFormat> = {
  csv: 'dsv',
  tsv: 'dsv',
  psv: 'dsv',
  dsv: 'dsv',
  txt: 'dsv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};
const CODEC_EXT: Record<string, Codec | 'zip'> = {
  gz: 'gzip',
  gzip: 'gzip',
  lzo: 'lzo',
  pgp: 'pgp',
  gpg: 'pgp',
  asc: 'pgp',
  zip: 'zip',
};

export interface RunName {
  /** Job name: the text before the timestamp ("accounts_delta"). */
  job: string;
  /** The timestamp as written ("20251124T0200"). */
  stamp: string;
  /** UTC seconds. */
  ts: number;
  /** What follows the timestamp (".profile.likes.csv.gz", ".count"). */
  rest: string;
}

// 20251124T0200[00][Z] or 2025-11-24T02:00[:00][Z] (':' may be '-' in file names).
const STAMP = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z?|(\d{4})-(\d{2})-(\d{2})T(\d{2})[-:]?(\d{2})(?:[-:]?(\d{2}))?Z?/;

export function parseRunName(base: string): RunName | null {
  // Both forms have a 'T': a name without one (every file of an Info Mart drop) is not
  // searched (the pattern would be tried at every position of it).
  if (!base.includes('T')) return null;
  const m = STAMP.exec(base);
  if (!m) return null;
  const job = base.slice(0, m.index).replace(/[._-]+$/, '');
  if (!job) return null;
  const g = m[1] ? m.slice(1, 7) : m.slice(7, 13);
  const [y, mo, d, h, mi, s] = g.map((x) => (x === undefined ? 0 : Number(x)));
  const ts = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  if (!Number.isFinite(ts) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return { job, stamp: m[0], ts, rest: base.slice(m.index + m[0].length) };
}

export type ExtractFile =
  | {
      kind: 'data';
      run: RunName;
      /** '' for the main file, else the flattened field ("profile.likes"). */
      field: string;
      format: DataFormat;
      /** Decoders outermost first (x.csv.gz.pgp → ['pgp', 'gzip']); a zip is a container. */
      codecs: Codec[];
      zip: boolean;
      /** The name without codec and container extensions ("…T0200.csv"). */
      plainName: string;
    }
  | { kind: 'count'; run: RunName; /** The name without its marker: the data file (or its stem) it confirms. */ target: string }
  | { kind: 'partial'; run: RunName | null; target: string };

const PARTIAL = /\.(part|tmp|filepart|partial)$/i;
const MARKER = /(?:[._-](count|confirm|ctl|done))(?:\.txt)?$/i;

export function classifyExtractFile(base: string): ExtractFile | null {
  if (PARTIAL.test(base)) {
    const target = base.replace(PARTIAL, '');
    return { kind: 'partial', run: parseRunName(target), target };
  }
  const run = parseRunName(base);
  if (!run) return null;
  if (MARKER.test(base)) return { kind: 'count', run, target: base.replace(MARKER, '') };
  // Extensions from the end: codecs and containers, then the format.
  const parts = run.rest.split('.');
  if (parts[0] !== '') return null; // the timestamp runs into more name: not ours
  parts.shift();
  const codecs: Codec[] = [];
  let zip = false;
  while (parts.length > 0) {
    const ext = parts[parts.length - 1].toLowerCase();
    const c = CODEC_EXT[ext];
    if (!c) break;
    parts.pop();
    if (c === 'zip') zip = true;
    else codecs.push(c);
  }
  const ext = (parts[parts.length - 1] ?? '').toLowerCase();
  const format = FORMAT_EXT[ext];
  if (!format) {
    // A zip of a run with no format extension holds its files as members ("…T0200.zip").
    if (zip && parts.length === 0) {
      return { kind: 'data', run, field: '', format: 'dsv', codecs, zip, plainName: base.replace(/\.zip$/i, '') };
    }
    return null;
  }
  parts.pop();
  const stripped = base.slice(0, base.length - run.rest.length) + (parts.length ? '.' + parts.join('.') : '') + '.' + ext;
  return { kind: 'data', run, field: parts.join('.'), format, codecs, zip, plainName: stripped };
}

/**
 * The table a confirmation file's target names ("…T0200", "…T0200.profile.likes",
 * "…T0200.csv", "…T0200.psv.gz"): its codec and format extensions dropped, the rest the
 * flattened field. Null where the target is not a run's name.
 */
export function tableOfTarget(target: string): string | null {
  const run = parseRunName(target);
  if (!run) return null;
  const parts = run.rest.split('.');
  if (parts[0] !== '') return null;
  parts.shift();
  while (parts.length > 0) {
    const ext = parts[parts.length - 1].toLowerCase();
    if (!CODEC_EXT[ext] && !FORMAT_EXT[ext]) break;
    parts.pop();
  }
  return tableName(run.job, parts.join('.'));
}

/** The table a data file feeds: the job's name, or job.field for a flattened file. */
export function tableName(job: string, field: string): string {
  return field ? `${job}.${field}` : job;
}
