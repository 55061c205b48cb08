// Opens a drop file for reading only if it is a regular file. A file can be swapped for a
// FIFO or a device between the walk and the read: opening a FIFO for reading blocks until a
// writer appears (forever), so the open is non-blocking and the kind is checked on the
// handle itself before a byte is read.
import { constants, promises as fsp } from 'node:fs';

export type DropPath = string | Buffer;

export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
}

export async function openRegular(file: DropPath): Promise<fsp.FileHandle> {
  const fh = await fsp.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFileError(`${String(file)} is not a regular file`);
    return fh;
  } catch (e) {
    await fh.close();
    throw e;
  }
}
