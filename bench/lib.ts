// Shared by the bench scripts: wall-clock timing and a CLI run that reports its peak memory.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = path.join(ROOT, 'out/cli/drop-inspector.mjs');

export function seconds(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** Runs the built CLI; its peak RSS (all threads) comes from DROP_INSPECTOR_STATS on stderr. */
export function cli(args: string[]): { s: number; rssMB: number; status: number | null } {
  let res!: ReturnType<typeof spawnSync>;
  const s = seconds(() => {
    res = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, DROP_INSPECTOR_STATS: '1' },
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
  });
  const m = /DROP_INSPECTOR_STATS (\{.*\})/.exec(String(res.stderr));
  if (res.status === 2 || !m) throw new Error(`drop-inspector failed: ${res.stderr}`);
  return { s, rssMB: JSON.parse(m[1]).maxRssMB, status: res.status };
}
