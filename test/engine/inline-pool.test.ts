// The coordinator's own "pool" (a scan with little to read): the workers' job code, and a
// close that settles what is running at once, as the worker pool's does.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGimDrop } from '../fixtures/gim-drop';
import { discoverDrop } from '../../src/engine/drop-listing';
import { InlinePool } from '../../src/engine/workers/inline-pool';
import { ScanPool } from '../../src/engine/workers/pool';
import { removeDir, tempDir } from './harness';

const work = tempDir('di-inline-');
afterAll(() => removeDir(work));

describe('InlinePool', () => {
  it('inspects a chunk exactly as a worker does, and reports its bytes', async () => {
    const drop = path.join(work, 'drop');
    await writeGimDrop(drop, { seed: 8, chunks: 2, defects: { 1: ['checksum-mismatch'] } });
    const { chunks } = await discoverDrop(drop);
    const inline = new InlinePool();
    const workers = new ScanPool(1);
    try {
      for (const chunk of chunks) {
        const job = { format: 'gim', root: drop, chunk, verify: false, maxMemberBytes: 1 << 30 };
        let bytes = 0;
        const here = await inline.run(job, (n) => (bytes += n));
        expect(here).toEqual(await workers.run(job, () => undefined));
        expect(bytes).toBeGreaterThan(0);
      }
    } finally {
      await workers.close();
    }
    expect(inline.threads).toBe(0);
  });

  it('close() rejects a running job with its reason, and later runs', async () => {
    const drop = path.join(work, 'drop');
    const { chunks } = await discoverDrop(drop);
    const pool = new InlinePool();
    const running = pool.run({ format: 'gim', root: drop, chunk: chunks[0], verify: false, maxMemberBytes: 1 << 30 }, () => undefined);
    await pool.close(new Error('stopped by the test'));
    await expect(running).rejects.toThrow('stopped by the test');
    await expect(pool.run({ format: 'gim', root: drop, chunk: chunks[0], verify: false, maxMemberBytes: 1 << 30 }, () => undefined)).rejects.toThrow('pool closed');
  });
});
