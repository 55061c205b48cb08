// The table cache: what the first read of a table member leaves behind, outside the drop.
//
//   <cache>/e/<key>/data.csv       the member as UTF-8 (transcoded, BOM dropped), header included,
//                   data.N.csv     cut into segments of ~64 MiB at record starts
//                   rows.idx       Float64 LE: start offset of every data record, then the end offset
//                   meta.json      EntryMeta (written last: an entry without it is incomplete)
//                   data[.N].duckdb   the analysis store (store.ts), a DuckDB database per segment, on first need,
//                   data[.N].types.json  with its column types
//                   data[.N].z, .zx  the segment's CSV packed (packed-text.ts) once its analysis
//                                 store is built: the CSV (and, with the last, rows.idx) deleted
//   <cache>/v/<key>/...            derived views (merged row lists), same life cycle
//
// key = SHA-1 of (format version, archive real path, size, mtime, member, encoding, dialect): a
// replaced or touched archive gets new entries; the old ones age out. Entries are built in
// a temporary folder and renamed into place, so a killed build leaves nothing half-made
// that a reader could take for whole. Disk use is bounded (default 10 GiB): after each
// build the least recently used entries are deleted until the total fits. Use is recorded
// by touching meta.json.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fsp, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dialect } from '../../shared/family';
import type { TableEncoding } from '../../shared/table-api';
import type { PartSpec } from '../../shared/family';
import { detachUnder } from './duck';

// 4: the analysis store is a DuckDB database file per segment (was Parquet): entries of
// format 3 get other keys, are built again, and age out.
export const CACHE_FORMAT = 4;
/** Default size of a data segment (see EntryMeta.segments). */
export const SEGMENT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 ** 3;

/** Where the cache lives: DROP_INSPECTOR_CACHE, else the platform's cache folder. */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.DROP_INSPECTOR_CACHE) return path.resolve(env.DROP_INSPECTOR_CACHE);
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(
      env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'),
      'drop-inspector',
      'Cache',
      'tables',
    );
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'drop-inspector', 'tables');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'drop-inspector', 'tables');
}

/** Bytes from DROP_INSPECTOR_CACHE_MAX (e.g. 500M, 20G, or a number), else the default. */
export function defaultCacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.DROP_INSPECTOR_CACHE_MAX;
  if (!v) return DEFAULT_CACHE_MAX_BYTES;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(v);
  if (!m) return DEFAULT_CACHE_MAX_BYTES;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[
    m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  return Math.floor(Number(m[1]) * mult);
}

export interface EntrySource {
  /** Real path of the outermost file holding the bytes (the archive, or the data file). */
  archive: string;
  size: number;
  mtimeMs: number;
  /** The member's name (Info Mart), or the part described for people. */
  member: string;
  encoding: TableEncoding;
  /** How the member's records are written: another dialect reads other cells (another entry). */
  dialect: Dialect;
  /**
   * The part as the scan found it (source chain, codecs, layout). Absent: a plain member of
   * the zip `archive` (caches written before parts existed).
   */
  part?: PartSpec;
  /** The drop the part's paths are relative to. */
  root?: string;
  /** The object's version as listed (an S3 ETag), where mtimeMs does not tell versions apart. */
  version?: string;
}

export interface EntryMeta {
  format: number;
  key: string;
  source: EntrySource;
  /** Encoding in effect after BOM detection. */
  encoding: TableEncoding;
  bom: boolean;
  header: string[];
  headerFields: number;
  /** Offset just past the header (terminator excluded) in data.csv. */
  headerEnd: number;
  rows: number;
  /** Size of data.csv. */
  bytes: number;
  malformed: number;
  /** 1-based record numbers of the first malformed records. */
  malformedSamples: number[];
  unterminated: boolean;
  invalidChars: number;
  /** Read identically by DuckDB's strict CSV reader (see indexer.ts). */
  plain: boolean;
  /**
   * data.csv is cut, at record starts, into segments of about SEGMENT_BYTES (data.csv,
   * data.1.csv, ...), so the analysis store of a big member is built a segment per thread.
   * The header is in segment 0.
   */
  segments: Segment[];
  /** IndexStats.contentBytes. */
  contentBytes: number;
  /** Longest record in bytes. */
  maxRecordBytes: number;
  lineEnding: 'lf' | 'crlf' | 'mixed' | null;
  maxFields: number;
  builtAt: string;
  buildMs: number;
}

export interface Segment {
  /** Offset of its first byte in the member's UTF-8 stream. */
  start: number;
  /** 0-based row of its first data record. */
  firstRow: number;
  /** Cell bytes of the records before it (IndexStats.contentBytes). */
  contentStart: number;
}

export const segmentFile = (k: number): string => (k === 0 ? 'data.csv' : `data.${k}.csv`);
export const segmentStore = (k: number): string => (k === 0 ? 'data.duckdb' : `data.${k}.duckdb`);
/** Segment k's packed text (packed-text.ts): the blocks, and their index. */
export const packedFile = (k: number): string => (k === 0 ? 'data.z' : `data.${k}.z`);
export const packedIndexFile = (k: number): string => (k === 0 ? 'data.zx' : `data.${k}.zx`);

/**
 * Every segment's text is there, as CSV or packed (a packed one with its analysis store,
 * which can no longer be built from it). Packing writes the packed files before it deletes
 * the CSV, so a whole entry never fails this; a damaged one does.
 */
function entryWhole(dir: string, meta: EntryMeta): boolean {
  return meta.segments.every((_, k) => {
    if (segmentRows(meta, k) === 0) return true;
    if (existsSync(path.join(dir, segmentFile(k)))) return true;
    return existsSync(path.join(dir, packedFile(k))) && existsSync(path.join(dir, segmentStore(k)));
  });
}

/** Cell bytes of segment k's records (exact for plain files). */
export function segmentContent(meta: Pick<EntryMeta, 'contentBytes' | 'segments'>, k: number): number {
  const next = k + 1 < meta.segments.length ? meta.segments[k + 1].contentStart : meta.contentBytes;
  return next - meta.segments[k].contentStart;
}

/** Data records in segment k. */
export function segmentRows(meta: Pick<EntryMeta, 'rows' | 'segments'>, k: number): number {
  const next = k + 1 < meta.segments.length ? meta.segments[k + 1].firstRow : meta.rows;
  return next - meta.segments[k].firstRow;
}

/** A DSV member of a zip with no codec: read on the tuned zip path (and keyed as before parts). */
export function isPlainMember(p: PartSpec): boolean {
  return p.source.kind === 'member' && p.source.of.kind === 'file' && p.codecs.length === 0 && p.layout.kind === 'dsv';
}

export function entryKey(src: EntrySource): string {
  return createHash('sha1')
    .update(
      JSON.stringify([
        CACHE_FORMAT,
        src.archive,
        src.size,
        Math.trunc(src.mtimeMs),
        src.member,
        src.encoding,
        [src.dialect.delimiter, src.dialect.quote, src.dialect.header],
        // Codecs and layouts other than a zip's DSV member change what the bytes are.
        ...(src.part && !isPlainMember(src.part) ? [src.part.codecs, src.part.layout.kind] : []),
        ...(src.version !== undefined ? [src.version] : []),
      ]),
    )
    .digest('hex');
}

export function hashKey(parts: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify([CACHE_FORMAT, parts]))
    .digest('hex');
}

export class TableCache {
  readonly dir: string;
  readonly maxBytes: number;
  /** Keys in use by this process: never evicted by it. */
  private readonly pinned = new Map<string, number>();

  constructor(options: { dir?: string; maxBytes?: number } = {}) {
    this.dir = path.resolve(options.dir ?? defaultCacheDir());
    this.maxBytes = options.maxBytes ?? defaultCacheMaxBytes();
  }

  entryDir(key: string): string {
    return path.join(this.dir, 'e', key);
  }

  viewDir(key: string): string {
    return path.join(this.dir, 'v', key);
  }

  /** The entry's metadata if the entry is complete, else null. Records the use. */
  readMeta(key: string): EntryMeta | null {
    const file = path.join(this.entryDir(key), 'meta.json');
    try {
      const meta = JSON.parse(readFileSync(file, 'utf8')) as EntryMeta;
      if (meta.format !== CACHE_FORMAT || meta.key !== key) return null;
      if (!entryWhole(this.entryDir(key), meta)) {
        // Damaged (files deleted by hand): removed, so that the rebuild can take its place
        // (its stores detached first where this process has them: on POSIX the removal does
        // not wait for that).
        void detachUnder(this.entryDir(key)).catch(() => undefined);
        rmSync(this.entryDir(key), { recursive: true, force: true });
        return null;
      }
      this.touch(file);
      return meta;
    } catch {
      return null;
    }
  }

  has(key: string): boolean {
    return existsSync(path.join(this.entryDir(key), 'meta.json'));
  }

  touch(file: string): void {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // read-only cache or racing eviction: the use is just not recorded
    }
  }

  pin(key: string): () => void {
    this.pinned.set(key, (this.pinned.get(key) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.pinned.get(key) ?? 1) - 1;
      if (n <= 0) this.pinned.delete(key);
      else this.pinned.set(key, n);
    };
  }

  /** A fresh temporary folder for building (under the cache, so the rename stays on one file system). */
  async tempDir(kind: 'e' | 'v', key: string): Promise<string> {
    const dir = path.join(
      this.dir,
      kind,
      `.tmp-${key.slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    await fsp.mkdir(dir, { recursive: true });
    return dir;
  }

  /** Moves a built folder into place; if another process won the race, keeps theirs. */
  async commit(tmp: string, final: string): Promise<void> {
    try {
      await fsp.rename(tmp, final);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') {
        await fsp.rm(tmp, { recursive: true, force: true });
        return;
      }
      throw e;
    }
  }

  /** Total bytes of complete entries and views. */
  async usage(): Promise<{
    bytes: number;
    items: Array<{ dir: string; key: string; bytes: number; usedMs: number }>;
  }> {
    const items: Array<{ dir: string; key: string; bytes: number; usedMs: number }> = [];
    let bytes = 0;
    for (const kind of ['e', 'v']) {
      const base = path.join(this.dir, kind);
      let names: string[];
      try {
        names = await fsp.readdir(base);
      } catch {
        continue;
      }
      for (const name of names) {
        const dir = path.join(base, name);
        let size = 0;
        let usedMs = 0;
        // A build's folder is as young as the folder itself: a fresh, still empty one must
        // not look 56 years old (mtime 0) and be removed under the build writing into it.
        let youngest: number;
        try {
          youngest = statSync(dir).mtimeMs;
          for (const f of await fsp.readdir(dir)) {
            const st = statSync(path.join(dir, f));
            size += st.size;
            youngest = Math.max(youngest, st.mtimeMs);
            if (f === 'meta.json') usedMs = st.mtimeMs;
            else if (!usedMs) usedMs = Math.max(usedMs, st.mtimeMs);
          }
        } catch {
          continue;
        }
        if (name.startsWith('.tmp-')) {
          // A build whose process is gone (killed) left garbage: removed at once. One still
          // running counts against the bound; past 6 h it is taken for dead whatever its pid.
          if (!builderAlive(name) || Date.now() - youngest > 6 * 3600_000)
            await fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
          else bytes += size;
          continue;
        }
        bytes += size;
        items.push({ dir, key: name, bytes: size, usedMs });
      }
    }
    return { bytes, items };
  }

  /** Removes what killed builds left behind (called when a service starts). */
  async reclaim(): Promise<void> {
    await this.usage();
  }

  /** Deletes least recently used entries until the cache fits maxBytes. Returns the bytes freed. */
  async evict(keep: Iterable<string> = []): Promise<number> {
    const { bytes, items } = await this.usage();
    if (bytes <= this.maxBytes) return 0;
    const keepSet = new Set([...keep, ...this.pinned.keys()]);
    let total = bytes;
    let freed = 0;
    for (const it of items.sort((a, b) => a.usedMs - b.usedMs)) {
      if (total <= this.maxBytes) break;
      if (keepSet.has(it.key)) continue;
      // Its stores are attached to DuckDB if this process queried them: detached first.
      await detachUnder(it.dir).catch(() => undefined);
      await fsp.rm(it.dir, { recursive: true, force: true }).catch(() => undefined);
      total -= it.bytes;
      freed += it.bytes;
    }
    return freed;
  }
}

/** Whether the process that made a `.tmp-<key>-<pid>-<random>` folder still runs (on this machine). */
function builderAlive(name: string): boolean {
  return processAlive(Number(/^\.tmp-[^-]*-(\d+)-/.exec(name)?.[1]));
}

/** Whether process `pid` runs on this machine (an unreadable pid counts as running). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
