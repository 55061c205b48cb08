// A cache entry's source bytes, opened from whatever holds them: a zip member on the tuned
// path (yauzl + zlib), any other part through the part reader, JSON and Parquet parts as CSV;
// with the checks that the source is still the one the scan listed, and the errors a read
// of it raises (TableReadError). Apart from build.ts because the first read and the short
// reads of first-rows.ts open sources the same way.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ZipArchive } from '../zip/zip-archive';
import { readPart } from '../parts/read';
import { readParquetAsCsv } from './parquet-source';
import { BOMB_RATIO, DEFAULT_MAX_MEMBER_BYTES, refusalOf, type InflateLimits } from '../parts/limits';
import { isS3Url } from '../storage/location';
import { sharedStore } from '../storage/open';
import { ObjectChanged } from '../storage/types';
import { fileOf } from '../../shared/family';
import type { EntrySource } from './cache';
import { readJsonAsCsv } from './json-entry';

export class TableReadError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'changed' | 'unreadable',
  ) {
    super(message);
  }
}

/** Refuses an archive that is not the one the catalog describes (the cache key would lie). */
export async function checkSource(src: EntrySource): Promise<void> {
  const state = await listedState(src);
  if (state === 'gone') throw new TableReadError(`${src.archive} is gone`, 'missing');
  if (state === 'changed') {
    throw new TableReadError(`${path.basename(src.archive)} changed since it was listed; scan the drop again`, 'changed');
  }
}

/**
 * Whether the source is still the one the scan listed: size and mtime locally; in S3 size
 * and ETag from a HEAD (reads of it carry If-Match, so a later replacement fails them).
 */
export async function listedState(src: EntrySource): Promise<'same' | 'changed' | 'gone'> {
  if (src.root && isS3Url(src.root) && src.part) {
    const file = fileOf(src.part.source);
    const st = await sharedStore(src.root).stat(file.path);
    if (!st) return 'gone';
    return st.size === src.size && (src.version === undefined || st.version === src.version) ? 'same' : 'changed';
  }
  const st = await fsp.stat(src.archive).catch(() => null);
  if (!st) return 'gone';
  return st.size !== src.size || Math.trunc(st.mtimeMs) !== Math.trunc(src.mtimeMs) ? 'changed' : 'same';
}

/** A cache entry's decoded bytes, from whatever holds them; the caller closes it. */
export interface EntryBytes {
  /** Decoded size where the source declares it (a zip member), else null. */
  declaredSize: number | null;
  read(onData: (chunk: Uint8Array) => void, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens an entry's bytes: a plain CSV member of a zip on the tuned path (yauzl + zlib, CRC
 * and size checks), any other part (files, codecs, other dialects) through the part reader.
 */
export async function openEntryBytes(src: EntrySource, limits: Partial<InflateLimits> = {}): Promise<EntryBytes> {
  await checkSource(src);
  const limit = limits.maxMemberBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  const maxRatio = limits.maxRatio ?? BOMB_RATIO;
  if (src.part && src.root && (src.part.layout.kind === 'jsonl' || src.part.layout.kind === 'json-array')) {
    const { part, root } = src;
    return {
      declaredSize: null,
      read: (onData, signal) => readJsonAsCsv(root, part, onData, { signal, maxBytes: limit, maxRatio }),
      close: async () => undefined,
    };
  }
  if (src.part && src.root) {
    const { part, root } = src;
    return {
      declaredSize: null,
      read: async (onData, signal) => {
        if (part.layout.kind === 'parquet') {
          await readParquetAsCsv(root, part, onData, { signal, maxBytes: limit }).catch((e: Error) => {
            if (e.name === 'AbortError') throw e;
            if (e instanceof ObjectChanged) throw new TableReadError(`${e.rel} changed since it was listed; scan the drop again`, 'changed');
            throw new TableReadError(`${part.source.kind === 'file' ? part.source.path : 'the part'}: ${e.message.split('\n')[0]}`, 'unreadable');
          });
          return;
        }
        await readPart(root, part, onData, { signal, maxBytes: limit, maxRatio });
      },
      close: async () => undefined,
    };
  }
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(src.archive);
  } catch (e) {
    throw new TableReadError(`${path.basename(src.archive)} cannot be opened: ${(e as Error).message}`, 'unreadable');
  }
  const m = zip.members.find((x) => x.name === src.member);
  if (!m) {
    await zip.close();
    throw new TableReadError(`${src.member} is not in ${path.basename(src.archive)}`, 'missing');
  }
  // A member the scan reports as a likely zip bomb would fill the cache and memory with a
  // table of zeros: refused (by its declared sizes) unless the ratio limit is raised.
  const refusal = refusalOf(src.member, m, { maxMemberBytes: limit, maxRatio });
  if (refusal) {
    await zip.close();
    throw new TableReadError(refusal, 'unreadable');
  }
  return {
    declaredSize: m.uncompressedSize,
    read: async (onData, signal) => {
      await zip.readMember(m, onData, { signal, limit });
    },
    close: () => zip.close(),
  };
}
