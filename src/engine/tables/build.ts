// The first read of a table member: inflate it once (never extracting into the drop),
// transcode to UTF-8, index every record, and leave data.csv + rows.idx + meta.json in a
// cache entry. The header and the first rows are handed out as soon as they are parsed,
// and progress reports how many records are indexed and written (readable) so far.
// (entry-bytes.ts opens the source's bytes; first-rows.ts reads a header and first rows
// without a build.)
import { closeSync, openSync, promises as fsp, writeSync } from 'node:fs';
import path from 'node:path';
import { ZipError } from '../zip/zip-archive';
import { PartReadError } from '../parts/read';
import { isS3Url } from '../storage/location';
import {
  CACHE_FORMAT,
  SEGMENT_BYTES,
  segmentFile,
  TableCache,
  type EntryMeta,
  type EntrySource,
  type Segment,
} from './cache';
import { syntheticColumns } from '../csv/header';
import { RecordParser } from './csv-cells';
import { Utf8Transcoder } from './encoding';
import { checkSource, listedState, openEntryBytes, TableReadError } from './entry-bytes';
import { HEAD_MAX, HEADER_MAX, headerOf, type FirstRows } from './first-rows';
import { RecordIndexer } from './indexer';

export interface BuildJob {
  cacheDir: string;
  cacheMaxBytes: number;
  key: string;
  source: EntrySource;
  /** Records to hand out early (default 200). */
  firstRows?: number;
  /** Refuse members inflating past this (default DEFAULT_MAX_MEMBER_BYTES, as the scan). */
  maxMemberBytes?: number;
  /** Refuse members over BOMB_MIN_BYTES that inflate past this ratio (default BOMB_RATIO, as the scan reports; parts/limits.ts). */
  maxRatio?: number;
  /** Segment size (default SEGMENT_BYTES; tests use tiny ones). */
  segmentBytes?: number;
}

export interface BuildProgress {
  /** Records indexed and readable from `dir` so far. */
  rows: number;
  bytesIn: number;
  bytesTotal: number;
  /** Folder holding the entry's files while it is built. */
  dir: string;
  headerFields: number;
  segments: Segment[];
}

export interface BuildCallbacks {
  signal?: AbortSignal;
  onFirstRows?: (first: FirstRows) => void;
  onProgress?: (p: BuildProgress) => void;
}

const PROGRESS_EVERY_MS = 100;

export async function buildEntry(job: BuildJob, cb: BuildCallbacks = {}): Promise<EntryMeta> {
  const started = Date.now();
  const cache = new TableCache({ dir: job.cacheDir, maxBytes: job.cacheMaxBytes });
  const src = job.source;
  await checkSource(src);
  const bytes = await openEntryBytes(src, { maxMemberBytes: job.maxMemberBytes, maxRatio: job.maxRatio });
  const tmp = await cache.tempDir('e', job.key);
  const unpin = cache.pin(job.key);
  let dataFd = -1;
  let idxFd = -1;
  try {
    dataFd = openSync(path.join(tmp, segmentFile(0)), 'w');
    idxFd = openSync(path.join(tmp, 'rows.idx'), 'w');
    // Synchronous writes. (Positioned asynchronous ones were tried: on 2 cores the thread
    // pool's writes compete with inflating for the CPU, and the first read of a 291 MB member
    // got no faster, 1.4-2.3 s either way.)
    const tr = new Utf8Transcoder(src.encoding);
    const dialect = src.dialect;
    const ix = new RecordIndexer((offsets) => {
      writeAll(idxFd, new Uint8Array(offsets.buffer, offsets.byteOffset, offsets.byteLength));
    }, dialect);
    const segBytes = Math.max(1, job.segmentBytes ?? SEGMENT_BYTES);
    const piece = Math.max(1, segBytes >> 1); // at most one cut per piece pushed
    const segments: Segment[] = [{ start: 0, firstRow: 0, contentStart: 0 }];
    let written = 0;
    ix.watch = segBytes;
    /** Indexes b and writes it, starting a new segment file at the first record start past the mark. */
    const write = (b: Uint8Array): void => {
      for (let at = 0; at < b.length; at += piece) {
        const p = b.subarray(at, Math.min(b.length, at + piece));
        ix.push(p);
        if (ix.cut >= 0) {
          const c = ix.cut - written;
          if (c > 0) writeAll(dataFd, p.subarray(0, c));
          closeSync(dataFd);
          dataFd = -1;
          segments.push({ start: ix.cut, firstRow: ix.cutRow, contentStart: ix.cutContent });
          dataFd = openSync(path.join(tmp, segmentFile(segments.length - 1)), 'w');
          writeAll(dataFd, p.subarray(c));
          ix.watch = ix.cut + segBytes;
          ix.cut = -1;
        } else writeAll(dataFd, p);
        written += p.length;
      }
    };
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
      const p = new RecordParser(
        (cells, info) => {
          rows.push({ cells, info });
          return rows.length < firstWanted;
        },
        { dialect },
      );
      p.push(bytes);
      if (complete) p.finish();
      cb.onFirstRows?.({
        header: headerOf(p, dialect),
        rows: rows.slice(0, firstWanted),
        complete: complete && rows.length < firstWanted,
        encoding: tr.encoding,
      });
    };

    const take = (u: Uint8Array): void => {
      if (u.length === 0) return;
      write(u);
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
      const p: BuildProgress = {
        rows: ix.rows,
        bytesIn,
        bytesTotal: bytes.declaredSize ?? src.size,
        dir: tmp,
        headerFields: ix.headerFieldCount,
        segments: segments.slice(),
      };
      cb.onProgress?.(p);
    };

    // Inflated pieces are handled in a microtask after zlib's callback returns, not inside it:
    // zlib then starts on the next piece in the thread pool while this thread indexes and
    // writes (on the 291 MB bench member 1.2-1.5 s against 1.4-2.1 s in a first test; within the noise of a shared 2-core machine in the next). Should
    // this thread fall behind, pieces are handled at once again (bounded queue).
    const queue: Uint8Array[] = [];
    let failure: unknown = null;
    let scheduled = false;
    const drain = (): void => {
      scheduled = false;
      try {
        while (queue.length) {
          const chunk = queue.shift()!;
          bytesIn += chunk.length;
          take(tr.push(chunk));
          progress(false);
        }
      } catch (e) {
        failure ??= e;
        queue.length = 0;
      }
    };
    try {
      await bytes.read(
        (chunk) => {
          if (failure) throw failure;
          queue.push(chunk);
          if (queue.length > 8) drain();
          else if (!scheduled) {
            scheduled = true;
            queueMicrotask(drain);
          }
        },
        cb.signal,
      );
      drain();
      if (failure) throw failure;
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      if (e instanceof ZipError || e instanceof PartReadError)
        throw new TableReadError(`${src.member} cannot be read: ${e.message}`, 'unreadable');
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
    let header: string[] = dialect.header ? [] : syntheticColumns(s.headerFields);
    if (s.headerStart >= 0) {
      const fh = await fsp.open(path.join(tmp, 'data.csv'), 'r');
      try {
        const len = Math.min(s.headerEnd - s.headerStart, HEADER_MAX);
        const buf = Buffer.alloc(len);
        await fh.read(buf, 0, len, s.headerStart);
        const p = new RecordParser(null, { dialect });
        p.push(buf);
        p.finish();
        header = p.header ?? [];
      } finally {
        await fh.close();
      }
    }
    // An S3 object's reads carried If-Match: a replacement failed them already.
    if (!(src.root && isS3Url(src.root)) && (await listedState(src)) !== 'same') {
      throw new TableReadError(
        `${path.basename(src.archive)} changed while it was read; scan the drop again`,
        'changed',
      );
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
      segments,
      contentBytes: s.contentBytes,
      maxRecordBytes: s.maxRecordBytes,
      lineEnding: kinds === 0 ? null : kinds > 1 || s.cr > 0 ? 'mixed' : s.lf > 0 ? 'lf' : 'crlf',
      maxFields: s.maxFields,
      builtAt: new Date().toISOString(),
      buildMs: Date.now() - started,
    };
    await fsp.writeFile(path.join(tmp, 'meta.json'), JSON.stringify(meta));
    cb.onProgress?.({
      rows: s.rows,
      bytesIn,
      bytesTotal: bytes.declaredSize ?? bytesIn,
      dir: tmp,
      headerFields: s.headerFields,
      segments,
    });
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
    await bytes.close();
  }
}

function writeAll(fd: number, b: Uint8Array, position?: number): void {
  let off = 0;
  while (off < b.length)
    off += writeSync(fd, b, off, b.length - off, position === undefined ? null : position + off);
}
