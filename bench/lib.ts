// Shared by the bench scripts: wall-clock timing and a CLI run that reports its peak memory.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * The command as it is installed (package.json "bin": bin/drop-inspector, the launcher that
 * starts a local command without NODE_EXTRA_CA_CERTS; see there), on the bundle in out/cli.
 */
export const CLI = path.join(ROOT, 'bin/drop-inspector');

export function seconds(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * Started and timed by a bash of its own (EPOCHREALTIME, microseconds), as a user's shell or
 * cron runs the command: a spawn straight from this process costs more the more memory the
 * bench holds (fork copies its page tables; +40 ms per run from a 400 MB parent, measured),
 * which is the bench's cost, not the command's, and most of a 0.1 s re-scan's margin. Its
 * output goes to a file, as `scan --json > report.json` in a cron job: through a pipe into
 * this process, the 12 MB report of 3000 chunks waited on this process reading it (~80 ms
 * more: 0.55-0.65 s against 0.46-0.49 s to a file, 5 runs each, interleaved).
 */
const TIMED = 's=$EPOCHREALTIME; "$@" > "$BENCH_OUT"; rc=$?; e=$EPOCHREALTIME; printf "BENCH_WALL %s %s\n" "$s" "$e" >&2; exit $rc';

/** Runs the built CLI; its peak RSS (all threads) comes from DROP_INSPECTOR_STATS on stderr. */
export function cli(args: string[]): { s: number; rssMB: number; status: number | null } {
  let res!: ReturnType<typeof spawnSync>;
  const out = path.join(os.tmpdir(), `di-bench-out-${process.pid}.json`);
  const outer = seconds(() => {
    res = spawnSync('bash', ['-c', TIMED, 'bench', CLI, ...args], {
      env: { ...process.env, DROP_INSPECTOR_STATS: '1', LC_ALL: 'C', BENCH_OUT: out },
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
  });
  rmSync(out, { force: true });
  const m = /DROP_INSPECTOR_STATS (\{.*\})/.exec(String(res.stderr));
  if (res.status === 2 || !m) throw new Error(`drop-inspector failed: ${res.stderr}`);
  const w = /BENCH_WALL ([\d.]+) ([\d.]+)/.exec(String(res.stderr));
  // Without EPOCHREALTIME (bash < 5), the time seen from here.
  const s = w ? Number(w[2]) - Number(w[1]) : outer;
  return { s, rssMB: JSON.parse(m[1]).maxRssMB, status: res.status };
}

/** The middle value (the upper of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
