// Info Mart chunk names: export_<audit key>_<YYYY_MM_DD_HH_MI_SS of max data time, GMT>.
// The key's padding is not documented, so it is read as a number, never compared as text.

export interface GimName {
  stem: string;
  key: number;
  /** UTC seconds of the date in the name, or null when it is not a valid date. */
  ts: number | null;
}

const NAME_RE = /^(export_(\d+)_(\d{4})_(\d{2})_(\d{2})_(\d{2})_(\d{2})_(\d{2}))$/;

export function parseGimName(stem: string): GimName | null {
  const m = NAME_RE.exec(stem);
  if (!m) return null;
  const [, full, key, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const valid = !Number.isNaN(ms) && new Date(ms).getUTCDate() === +d && +h < 24 && +mi < 60 && +s < 60;
  return { stem: full, key: Number(key), ts: valid ? ms / 1000 : null };
}

/** The chunk stem a file belongs to, and which role the file plays in it. */
export type GimFileRole = 'zip' | 'zip-sha1' | 'metadata' | 'encrypted' | 'encrypted-sha1' | 'table-sha1';

const SUFFIXES: Array<[string, GimFileRole]> = [
  ['.zip.bin.sha1', 'encrypted-sha1'],
  ['.zip.sha1', 'zip-sha1'],
  ['.zip.bin', 'encrypted'],
  ['.zip.enc', 'encrypted'],
  ['.zip.p7m', 'encrypted'],
  ['.zip.pgp', 'encrypted'],
  ['.zip.gpg', 'encrypted'],
  ['.extracted.xml', 'metadata'],
  ['.zip', 'zip'],
];

export function classifyGimFile(fileName: string): { stem: string; role: GimFileRole } | null {
  const lower = fileName.toLowerCase();
  // The stem is the name's beginning: a name not starting export_ has no stem of ours.
  if (!lower.startsWith('export_')) return null;
  for (const [suffix, role] of SUFFIXES) {
    if (lower.endsWith(suffix)) {
      const stem = fileName.slice(0, fileName.length - suffix.length);
      if (/^export_/i.test(stem)) return { stem, role };
    }
  }
  return null;
}
