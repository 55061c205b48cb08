// What a drop holds as a scan finds it: its files (a walk, or a bucket prefix listed), its
// family and its chunks (discover). And the shortcut of a re-scan whose listing has not
// changed since the last complete scan: the family and the chunks are the ones recorded then,
// so recognising and grouping 9000 files again (~50 ms of a 3000-chunk re-scan) is skipped.
import { createHash } from 'node:crypto';
import { EngineError } from './model';
import type { Catalog, NewListing } from './catalog/catalog';
import { ADAPTERS, adapterFor, recogniseDrop } from './formats/registry';
import { versionOf, type ChunkCandidate, type DropAdapter } from './formats/types';
import type { KeptFolders } from './fs/kept-folders';
import { walkDrop, type FileEntry, type WalkResult } from './fs/walk';
import type { PhaseClock } from './phase-clock';
import { isS3Url } from './storage/location';
import { fileEntriesOf, openStore } from './storage/open';
import type { DropStore, StoreStats } from './storage/types';
import { VERSION } from './version';

export interface ListOptions {
  followLinks?: boolean;
  io?: StoreStats;
  store?: DropStore;
  clock?: PhaseClock;
  /** The folders the drop's last walk kept (walk.ts `kept`); none for a bucket. */
  kept?: KeptFolders;
}

/** The drop's files as they are now: a walk, or the bucket prefix listed (nothing is read). */
export async function listDrop(drop: string, signal?: AbortSignal, opts: ListOptions = {}): Promise<WalkResult> {
  let walk: WalkResult;
  if (isS3Url(drop)) {
    // A bucket prefix is listed, not walked: no links, special files or unreadable folders.
    const store = opts.store ?? openStore(drop);
    try {
      const listed = await store.list({ signal });
      if (!listed.files.length) throw new EngineError('not-found', `no such prefix: ${store.location} holds no objects`);
      walk = { files: fileEntriesOf(store, listed.files), unreadable: [], outsideLinks: [], special: [] };
    } finally {
      if (!opts.store) store.close();
      if (opts.io && !opts.store) {
        opts.io.requests += store.stats.requests;
        opts.io.bytesRead += store.stats.bytesRead;
      }
    }
  } else walk = await walkDrop(drop, { signal, followLinks: opts.followLinks, kept: opts.kept });
  opts.clock?.mark('walk');
  const root = walk.unreadable.find((u) => u.rel === '.');
  if (root) throw new EngineError('unreadable', `${drop} cannot be listed: ${root.error}`);
  return walk;
}

/** The family of a listed drop and its chunks; `hint`: the family it was last recognised as. */
export function discoverIn(drop: string, walk: WalkResult, clock?: PhaseClock, hint?: string | null): { adapter: DropAdapter; chunks: ChunkCandidate[] } {
  const { files, unreadable } = walk;
  const adapter = recogniseDrop(files, hint);
  if (!adapter) {
    throw new EngineError(
      'unknown-format',
      `${drop} holds no drop this version recognises (${files.length} file${files.length === 1 ? '' : 's'}; looked for ${ADAPTERS.map((a) => a.label).join(', ')})` +
        (unreadable.length ? `; ${unreadable.length} entr${unreadable.length === 1 ? 'y' : 'ies'} could not be read: ${unreadable.slice(0, 3).map((u) => `${u.rel} (${u.error})`).join(', ')}` : ''),
    );
  }
  clock?.mark('recognise');
  const { chunks } = adapter.discover(files);
  clock?.mark('discover');
  return { adapter, chunks };
}

/** The drop's family and its chunks as they are on disk now (a walk; nothing is read). */
export async function discoverDrop(
  drop: string,
  signal?: AbortSignal,
  opts: ListOptions = {},
): Promise<{ adapter: DropAdapter; chunks: ChunkCandidate[]; walk: WalkResult }> {
  const walk = await listDrop(drop, signal, opts);
  return { ...discoverIn(drop, walk, opts.clock), walk };
}

// ---------------------------------------------------------------------------------------------
// The unchanged listing.

/**
 * What decides how a listing is read besides its files: this release, every family's
 * inspection revision, and the read options' tag (`tagOf`, as chunk fingerprints carry it).
 */
function listingKey(format: string, tag: string): string {
  return [VERSION, ADAPTERS.map((a) => `${a.format}:${a.revision ?? 1}`).join(','), format, tag].join('\t');
}

/**
 * The listing's digest: each file's path, size and version, in the walk's order. A digest,
 * not the text: 3000 chunks' files and fingerprints are ~1.2 MB of text, and writing it at
 * every scan's end cost more than hashing it (~1.5 ms). SHA-1 is enough: the question is
 * whether two listings differ, and nobody gains by forging one. Hashed LISTING_PIECE files at
 * a time: one 0.6 MB text of 9000 files took ~10 ms to build and hash, in pieces ~6.
 */
export function listingDigest(files: readonly FileEntry[]): string {
  const hash = createHash('sha1');
  let s = '';
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    s += `${f.rel}\t${f.size}\t${versionOf(f)}\n`;
    if (i % LISTING_PIECE === LISTING_PIECE - 1) {
      hash.update(s);
      s = '';
    }
  }
  return hash.update(s).digest('base64');
}

/** Files hashed at a time by listingDigest (the digest is the same for any piece size). */
const LISTING_PIECE = 256;

/**
 * The family of a drop whose files are exactly those of its last complete scan, read the same
 * way, with its catalog chunks exactly as that scan left them (none added, removed, replaced
 * or changed by anything since: the catalog's triggers give them a new stamp, chunksRev);
 * else null. `tagOf`: the read options' tag for a family (readOptionsTag + revisionTag).
 */
export function unchangedFamily(catalog: Catalog, dropId: number, filesDigest: string, tagOf: (adapter: DropAdapter) => string): DropAdapter | null {
  const last = catalog.dropListing(dropId);
  if (!last) return null;
  const adapter = adapterFor(last.format);
  if (!adapter || last.key !== listingKey(last.format, tagOf(adapter))) return null;
  if (last.files !== filesDigest || last.rev !== catalog.chunksRev(dropId)) return null;
  return adapter;
}

/**
 * What a complete scan leaves for the next one to compare with (unchangedFamily), or nothing
 * when a chunk it recorded is one the next scan must read again (`unstable`: read while its
 * files changed; its catalog fingerprint matches no listing, and the chunks' stamp would not
 * say so).
 */
export function listingRecord(format: string, tag: string, filesDigest: string, unstable: boolean): NewListing | undefined {
  return unstable ? undefined : { format, key: listingKey(format, tag), files: filesDigest };
}
