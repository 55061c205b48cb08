// Opens the store a drop location names. A location is a string (an absolute folder or
// s3://bucket/prefix/), so it travels to worker threads as is; credentials, region and
// endpoint come from the environment the workers share with the coordinating thread.
import { isS3Url, parseS3Url } from './location';
import { LocalStore } from './local-store';
import { S3Store } from './s3-store';
import type { FileEntry } from '../fs/walk';
import type { DropStore, StoreEntry } from './types';

export function openStore(location: string): DropStore {
  if (isS3Url(location)) {
    const loc = parseS3Url(location);
    if (!loc) throw new Error(`not an S3 location: ${location}`);
    return new S3Store(loc);
  }
  return new LocalStore(location);
}

const shared = new Map<string, DropStore>();

/** One store per location for a thread's lifetime (clients and connections are reused). */
export function sharedStore(location: string): DropStore {
  let s = shared.get(location);
  if (!s) shared.set(location, (s = openStore(location)));
  return s;
}

/** Makes `store` the thread's store for `location` (a worker reading through the coordinator's). */
export function setSharedStore(location: string, store: DropStore): void {
  shared.get(location)?.close();
  shared.set(location, store);
}

/** A store's listing as the walk's FileEntry (abs = the local path or the s3:// URL), version kept. */
export function fileEntriesOf(store: DropStore, entries: StoreEntry[]): FileEntry[] {
  return entries.map((e) => ({ rel: e.rel, abs: store.localPath(e.rel) ?? `${store.location}${e.rel}`, size: e.size, mtimeMs: e.mtimeMs, version: e.version }));
}
