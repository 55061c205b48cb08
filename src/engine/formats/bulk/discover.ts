// Groups a bulk-export drop into chunks: one request ZIP is one chunk (seed 004). A ZIP is a
// request when its central directory names an exportinfo/exportstats/globalexportstats
// member; once a drop is one, every other .zip in it is claimed too, so a truncated or
// unreadable request is reported by the inspector instead of being ignored.
import { baseOfRel, dirOfRel } from '../../fs/names';
import { countClaims } from '../claims';
import type { FileEntry } from '../../fs/walk';
import { fingerprintOf, type ChunkCandidate, type DropAdapter } from '../types';
import type { Extent } from '../../../shared/family';
import { looksLikeRequest } from './members';
import { parseStatsTime } from './stats';
import { peekZipNames } from './zip-peek';

const isZip = (f: FileEntry): boolean => /\.zip$/i.test(f.rel);

// recognise() and discover() run back to back on the same listing: peek each archive once.
const peeked = new Map<string, boolean>();
function isRequest(f: FileEntry): boolean {
  const key = `${f.abs}\u0000${f.size}\u0000${f.mtimeMs}`;
  let v = peeked.get(key);
  if (v === undefined) {
    const names = peekZipNames(f.abs, f.size);
    v = names !== null && looksLikeRequest(names);
    if (peeked.size > 10_000) peeked.clear();
    peeked.set(key, v);
  }
  return v;
}

/**
 * Zips that are not Info Mart's: an archive with a .zip.sha1 or .extracted.xml beside it is that
 * family's (its export_… names alone do not decide: a request ZIP may be named export_… too).
 */
function candidates(files: FileEntry[]): FileEntry[] {
  const rels = new Set(files.map((f) => f.rel.toLowerCase()));
  return files.filter((f) => {
    if (!isZip(f)) return false;
    const rel = f.rel.toLowerCase();
    return !rels.has(`${rel}.sha1`) && !rels.has(rel.replace(/\.zip$/, '.extracted.xml'));
  });
}

const NAME_TIMES =
  /(\d{4}\.\d{2}\.\d{2}\.\d{2}\.\d{2}(?:[+-]\d{4})?)\D+?(\d{4}\.\d{2}\.\d{2}\.\d{2}\.\d{2}(?:[+-]\d{4})?)/;

/** A request window in the ZIP's name, when it carries two stats-format times (names are not documented). */
export function nameWindow(stem: string): Extent | undefined {
  const m = NAME_TIMES.exec(stem);
  const a = m && parseStatsTime(m[1]);
  const b = m && parseStatsTime(m[2]);
  return a && b && b.ts >= a.ts ? { from: a.ts, to: b.ts, source: 'name' } : undefined;
}

/** The id column of a record type, where its header has one (session_id, PAGE ID, id…). */
export function bulkKeyOf(table: string, columns: string[]): string[] | null {
  const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const own = columns.find((c) => norm(c) === `${norm(table)}id`);
  if (own) return [own];
  const id = columns.find((c) => norm(c) === 'id');
  return id ? [id] : null;
}

export const bulkAdapter: DropAdapter = {
  format: 'bulk',
  label: 'Bulk data export (request ZIPs)',
  axis: 'time-range',
  merge: 'upsert-by-key',
  cadence: 'infer',
  // 2 (1 is every family's first): a ZIP whose name's window is not its statistics' is
  //    name-mismatch (such ZIPs scanned clean).
  revision: 2,
  keyOf: bulkKeyOf,

  recognise(files, beat = 0) {
    // It claims ZIPs only: where the drop's ZIPs cannot outscore the best family so far, none
    // is looked into (the siblings' index below was 6 ms of a 3000-chunk Info Mart re-scan).
    if (beat > 0 && countClaims(files, isZip, beat) <= beat) return 0;
    // One request ZIP makes the drop a bulk drop (and every candidate ZIP its chunk): peek
    // until the first one, not every archive (a re-scan of 100 requests spent 24 ms here).
    const zips = candidates(files);
    return zips.some(isRequest) ? zips.length : 0;
  },

  discover(files) {
    const zips = new Set(candidates(files));
    const stray = files.filter((f) => !zips.has(f));
    const stemOf = (f: FileEntry): string => baseOfRel(f.rel).replace(/\.zip$/i, '');
    const stems = new Map<string, number>();
    for (const f of zips) stems.set(stemOf(f), (stems.get(stemOf(f)) ?? 0) + 1);
    const chunks: ChunkCandidate[] = [];
    for (const f of zips) {
      const dir = dirOfRel(f.rel);
      const stem = stemOf(f);
      const window = nameWindow(stem);
      chunks.push({
        // The same stem in two folders (delivered twice): the path tells them apart.
        name: stems.get(stem)! > 1 ? f.rel.replace(/\.zip$/i, '') : stem,
        dir,
        files: { zip: f },
        extraFiles: [],
        nameKey: null,
        nameTs: window?.from ?? null,
        ...(window ? { nameExtent: window } : {}),
        fingerprint: fingerprintOf([f]),
      });
    }
    return { chunks, stray };
  },

  workOf(chunk) {
    return chunk.files.zip?.size ?? 0;
  },
};
