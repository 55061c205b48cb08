// A drop in a local folder: the walk lists it (bounded depth, symlink loops cut), reads are
// plain positional reads. Opened read-only, always.
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { walkDrop } from '../fs/walk';
import { emptyStats, type DropStore, type ListResult, type StoreEntry } from './types';

export class LocalStore implements DropStore {
  readonly kind = 'local' as const;
  readonly stats = emptyStats();

  /** `root` must be resolved already (resolveDrop). */
  constructor(readonly location: string) {}

  async list(opts: { signal?: AbortSignal; maxDepth?: number } = {}): Promise<ListResult> {
    const { files, unreadable } = await walkDrop(this.location, { signal: opts.signal, maxDepth: opts.maxDepth });
    return {
      files: files
        .map((f) => ({ rel: f.rel, size: f.size, mtimeMs: f.mtimeMs, version: String(f.mtimeMs) }))
        .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)),
      unreadable,
    };
  }

  async stat(rel: string): Promise<StoreEntry | null> {
    const st = await fsp.stat(this.abs(rel)).catch(() => null);
    if (!st?.isFile()) return null;
    const mtimeMs = Math.trunc(st.mtimeMs);
    return { rel, size: st.size, mtimeMs, version: String(mtimeMs) };
  }

  async read(rel: string, start: number, end: number): Promise<Buffer> {
    const fh = await fsp.open(this.abs(rel), 'r');
    try {
      const buf = Buffer.alloc(Math.max(0, end - start));
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      this.stats.bytesRead += got;
      return got === buf.length ? buf : buf.subarray(0, got);
    } finally {
      await fh.close();
    }
  }

  stream(rel: string, opts: { start?: number; end?: number; signal?: AbortSignal } = {}): Readable {
    const src = createReadStream(this.abs(rel), {
      flags: 'r',
      start: opts.start,
      // createReadStream's end is inclusive.
      end: opts.end === undefined ? undefined : opts.end - 1,
      highWaterMark: 1 << 20,
      signal: opts.signal,
    });
    const counter = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.stats.bytesRead += chunk.length;
        cb(null, chunk);
      },
    });
    src.on('error', (e) => counter.destroy(e));
    return src.pipe(counter);
  }

  localPath(rel: string): string {
    return this.abs(rel);
  }

  close(): void {}

  private abs(rel: string): string {
    const abs = path.join(this.location, ...rel.split('/'));
    // A rel from the UI or a catalog must stay inside the drop.
    const back = path.relative(this.location, abs);
    if (back.startsWith('..') || path.isAbsolute(back)) throw new Error(`${rel} is outside the drop`);
    return abs;
  }
}
