// Where a drop named by a user or the UI is: a folder (its real path) or an S3 location, proven
// to exist and be readable before anything is done with it.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { EngineError } from './model';
import { isS3Url, parseS3Url, s3UrlOf } from './storage/location';
import { S3Store } from './storage/s3-store';

/**
 * Resolves and checks the drop: a folder, or s3://bucket/prefix/ (listed once to prove it
 * exists and may be read). Every path from a user or the UI goes through here. A scan passes
 * `probe: false` for S3: its own listing proves the prefix (discoverDrop fails the same way),
 * so a scan does not pay a request and an SDK client more for it.
 */
export async function resolveDrop(dropPath: string, opts: { probe?: boolean } = {}): Promise<string> {
  if (typeof dropPath !== 'string' || !dropPath.trim())
    throw new EngineError('bad-request', 'no drop folder given');
  if (isS3Url(dropPath)) {
    const loc = parseS3Url(dropPath);
    if (!loc)
      throw new EngineError(
        'bad-request',
        `${dropPath.trim()} is not an S3 location: use s3://bucket/prefix/`,
      );
    if (opts.probe === false) return s3UrlOf(loc);
    const store = new S3Store(loc);
    try {
      await store.probe();
    } finally {
      store.close();
    }
    return s3UrlOf(loc);
  }
  const abs = path.resolve(dropPath);
  let st;
  try {
    st = await fsp.stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EngineError('not-found', `${abs} does not exist`);
    throw new EngineError('unreadable', `${abs} cannot be read: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) throw new EngineError('not-a-directory', `${abs} is not a folder`);
  try {
    await fsp.access(abs, fsp.constants.R_OK | fsp.constants.X_OK);
    return await fsp.realpath(abs);
  } catch (e) {
    throw new EngineError('unreadable', `${abs} cannot be read: ${(e as Error).message}`);
  }
}
