// A minimal Info Mart drop whose table members hold exactly the bytes a test gives (any
// encoding, any damage): export_<key>_<date>/export_<key>_<date>.zip per chunk, no metadata
// (keys come from the names).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ZipWriter } from '../fixtures/zip-writer';

export interface CustomChunk {
  members: Record<string, Buffer | Buffer[]>;
}

export function chunkName(i: number): string {
  return `export_${1000 + i * 10}_2016_07_${String(12 + i).padStart(2, '0')}_08_20_00`;
}

export async function writeCustomDrop(root: string, chunks: CustomChunk[]): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const name = chunkName(i);
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    const zw = await ZipWriter.create(path.join(dir, `${name}.zip`), {
      style: 'plain',
      mtime: 1468311600 + i * 86400,
    });
    for (const [member, data] of Object.entries(chunks[i].members)) {
      if (Array.isArray(data)) await zw.addStream(member, data);
      else await zw.addBuffer(member, data);
    }
    await zw.close();
    names.push(name);
  }
  return names;
}
