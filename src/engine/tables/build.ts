// The first read of a table member: inflate it once (never extracting into the drop),
// transcode to UTF-8, index every record, and leave data.csv + rows.idx + meta.json in a
// cache entry. The header and the first rows are handed out as soon as they are parsed,
// and progress reports how many records are indexed and written (readable) so far.
import { closeSync, openSync, promises as fsp, writeSync } from 'node:fs';
import path from 'node:path';
import type { TableEncoding } from '../../shared/table-api';
import { ZipArchive, ZipError } from '../zip/zip-archive';
import { CACHE_FORMAT, TableCache, type EntryMeta, type EntrySource } from './cache';
import { RecordParser, type RecordInfo } from './csv-cells';
import { Utf8Transcoder } from './encoding';
import { RecordIndexer } from './indexer';

export interface BuildJob {
  cacheDir: string;
  cacheMaxBytes: number;
  key: string;
  source: EntrySource;
  /** Records to hand out early (default 200). */
  firstRows?: number;
  /** Refuse members inflating past this (default 64 GiB). */
  maxMemberBytes?: number;
}

export interface FirstRows {
  header: string[];
  rows: Array<{ cells: string[]; info: RecordInfo }>;
  /** All records of the member are among them. */
  complete: boolean;
  encoding: TableEncoding;
}

export interface BuildProgress {
  /** Records indexed and readable from `dir` so far. */
  rows: number;
  bytesIn: number;
  bytesTotal: number;
  /** Folder holding the entry's files while it is built. */
  dir: string;
  headerFields: number;
}

export interface BuildCallbacks {
  signal?: AbortSignal;
  onFirstRows?: (first: FirstRows) => void;
  onProgress?: (p: BuildProgress) => void;
}

export class TableReadError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'changed' | 'unreadable',
  ) {
    super(message);
  }
}

const HEAD_MAX = 8 * 1024 * 1024;
const HEADER_MAX = 64 * 1024 * 1024;
const PROGRESS_EVERY_MS = 100;

export async function buildEntry(job: BuildJob, cb: BuildCallbacks = {}): Promise<EntryMeta> {
  const started = Date.now();
  const cache = new TableCache({ dir: job.cacheDir, maxBytes: job.cacheMaxBytes });
  const src = job.source;
  const st = await fsp.stat(src.archive).catch(() => null);
  if (!st) throw new TableReadError(`${src.archive} is gone`, 'missing');
  if (st.size !== src.size || Math.round(st.mtimeMs) !== Math.round(src.mtimeMs)) {
    throw new TableReadError(`${path.basename(src.archive)} changed since it was listed; scan the drop again`, 'changed');
  }
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(src.archive);
  } catch (e) {
    throw new TableReadError(`${path.basename(src.archive)} cannot be opened: ${(e as Error).message}`, 'unreadable');
  }
  const tmp = await cache.tempDir('e', job.key);
  const unpin = cache.pin(job.key);
  let dataFd = -1;
  let idxFd = -1;
  try {
    const m = zip.members.find((x) => x.name === src.member);
    if (!m) throw new TableReadError(`${src.member} is not in ${path.basename(src.archive)}`, 'missing');
    const limit = job.maxMemberBytes ?? 64 * 1024 ** 3;
    if (m.uncompressedSize > limit) throw new TableReadError(`${src.member} declares ${m.uncompressedSize} bytes, over the limit of ${limit}`, 'unreadable');
    dataFd = openSync(path.join(tmp, 'data.csv'), 'w');
    idxFd = openSync(path.join(tmp, 'rows.idx'), 'w');
    const tr = new Utf8Transcoder(src.encoding);
    const ix = new RecordIndexer((offsets) => {
      writeAll(idxFd, new Uint8Array(offsets.buffer, offsets.byteOffset, offsets.byteLength));
    });
    const firstWanted = job.firstRows ?? 200;
    let head: Uint8Array[] | null = [];
    let headLen = 0;
    let bytesIn = 0;
    let lastProgress = 0;

    const emitFirst = (complete: boolean): void => {
      if (!head) return;
      const bytes = Buffer.concat(head);
      head = null;
      const rows: FirstRows['rows'] = [];
      const p = new RecordParser((cells, info) => {
        rows.push({ cells, info });
        return rows.length < firstWanted;
      });
      p.push(bytes);
      if (complete) p.finish();
      cb.onFirstRows?.({ header: p.header ?? [], rows: rows.slice(0, firstWanted), complete: complete && rows.length < firstWanted, encoding: tr.encoding });
    };

    const take = (u: Uint8Array): void => {
      if (u.length === 0) return;
      writeAll(dataFd, u);
      ix.push(u);
      if (head) {
        head.push(u.slice());
        headLen += u.length;
        const st = ix.rows;
        // Enough rows, or a big head (rows are huge): parse what is there. A header longer
        // than HEAD_MAX waits for its end (up to HEADER_MAX).
        if (st > firstWanted || (headLen > HEAD_MAX && (st > 0 || headLen > HEADER_MAX))) emitFirst(false);
      }
    };

    const progress = (force: boolean): void => {
      const now = Date.now();
      if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      ix.flush();
      cb.onProgress?.({ rows: ix.rows, bytesIn, bytesTotal: m.uncompressedSize, dir: tmp, headerFields: ix.headerFieldCount });
    };

    try {
      await zip.readMember(
        m,
        (chunk) => {
          bytesIn += chunk.length;
          take(tr.push(chunk));
          progress(false);
        },
        { signal: cb.signal, limit },
      );
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      if (e instanceof ZipError) throw new TableReadError(`${src.member} cannot be read: ${e.message}`, 'unreadable');
      throw e;
    }
    take(tr.finish());
    const s = ix.finish();
    if (head) emitFirst(true);
    closeSync(dataFd);
    dataFd = -1;
    closeSync(idxFd);
    idxFd = -1;

    // The header's cells (the first record), parsed from data.csv.
    let header: string[] = [];
    if (s.headerStart >= 0) {
      const fh = await fsp.open(path.join(tmp, 'data.csv'), 'r');
      try {
        const len = Math.min(s.headerEnd - s.headerStart, HEADER_MAX);
        const buf = Buffer.alloc(len);
        await fh.read(buf, 0, len, s.headerStart);
        const p = new RecordParser(null);
        p.push(buf);
        p.finish();
        header = p.header ?? [];
      } finally {
        await fh.close();
      }
    }
    const after = await fsp.stat(src.archive).catch(() => null);
    if (!after || after.size !== src.size || Math.round(after.mtimeMs) !== Math.round(src.mtimeMs)) {
      throw new TableReadError(`${path.basename(src.archive)} changed while it was read; scan the drop again`, 'changed');
    }
    const kinds = (s.lf > 0 ? 1 : 0) + (s.crlf > 0 ? 1 : 0) + (s.cr > 0 ? 1 : 0);
    const meta: EntryMeta = {
      format: CACHE_FORMAT,
      key: job.key,
      source: src,
      encoding: tr.encoding,
      bom: tr.bom,
      header,
      headerFields: s.headerFields,
      headerEnd: s.headerEnd,
      rows: s.rows,
      bytes: s.bytes,
      malformed: s.malformed,
      malformedSamples: s.malformedSamples,
      unterminated: s.unterminated,
      invalidChars: tr.invalid,
      plain: RecordIndexer.plain(s),
      lineEnding: kinds === 0 ? null : kinds > 1 || s.cr > 0 ? 'mixed' : s.lf > 0 ? 'lf' : 'crlf',
      maxFields: s.maxFields,
      builtAt: new Date().toISOString(),
      buildMs: Date.now() - started,
    };
    await fsp.writeFile(path.join(tmp, 'meta.json'), JSON.stringify(meta));
    cb.onProgress?.({ rows: s.rows, bytesIn, bytesTotal: m.uncompressedSize, dir: tmp, headerFields: s.headerFields });
    await cache.commit(tmp, cache.entryDir(job.key));
    await cache.evict([job.key]).catch(() => 0);
    return meta;
  } catch (e) {
    if (dataFd >= 0) closeSync(dataFd);
    if (idxFd >= 0) closeSync(idxFd);
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  } finally {
    unpin();
    await zip.close();
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
}

/**
 * Just the header of a member, decoded (reads only as far as the header's end). For scopes
 * over many chunks whose encoding is not UTF-8 (the scan decoded headers as UTF-8).
 */
export async function readHeader(src: EntrySource, maxBytes = HEADER_MAX): Promise<{ header: string[]; encoding: TableEncoding }> {
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(src.archive);
  } catch (e) {
    throw new TableReadError(`${path.basename(src.archive)} cannot be opened: ${(e as Error).message}`, 'unreadable');
  }
  try {
    const m = zip.members.find((x) => x.name === src.member);
    if (!m) throw new TableReadError(`${src.member} is not in ${path.basename(src.archive)}`, 'missing');
    const tr = new Utf8Transcoder(src.encoding);
    const p = new RecordParser(() => false);
    const ctl = new AbortController();
    let seen = 0;
    try {
      await zip.readMember(
        m,
        (chunk) => {
          if (p.header) return;
          seen += chunk.length;
          p.push(tr.push(chunk));
          if (p.header || seen > maxBytes) ctl.abort();
        },
        { signal: ctl.signal },
      );
      p.push(tr.finish());
      p.finish();
    } catch (e) {
      if (!ctl.signal.aborted) throw new TableReadError(`${src.member} cannot be read: ${(e as Error).message}`, 'unreadable');
    }
    if (!p.header && seen <= maxBytes) p.finish();
    return { header: p.header ?? [], encoding: tr.encoding };
  } finally {
    await zip.close();
  }
}
