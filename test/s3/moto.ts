// A real S3 API for the tests: moto_server on a free 127.0.0.1 port, started per test file
// and stopped after it. When moto_server is absent the S3 tests are skipped with the reason
// (set DROP_INSPECTOR_REQUIRE_MOTO=1, as .ci/run does, to make that a failure instead).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface Moto {
  endpoint: string;
  port: number;
  /** Environment for the engine or the CLI: endpoint and dummy credentials, no shared files. */
  env: NodeJS.ProcessEnv;
  client: S3Client;
  stop(): Promise<void>;
}

export const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

/** Why moto_server cannot be used here, or null when it can. */
export function motoUnavailable(): string | null {
  const r = spawnSync('moto_server', ['--help'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) {
    const why = `moto_server cannot be started (${r.error?.message ?? `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}`}); install it with: pip install 'moto[server]'`;
    if (process.env.DROP_INSPECTOR_REQUIRE_MOTO) throw new Error(why);
    return why;
  }
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<Moto> {
  let lastErr = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const endpoint = `http://127.0.0.1:${port}`;
    if (await waitReady(endpoint, child, 30_000)) {
      const env = { ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL: endpoint, AWS_EC2_METADATA_DISABLED: 'true' };
      const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      return {
        endpoint,
        port,
        env,
        client,
        stop: async () => {
          client.destroy();
          await stopChild(child);
        },
      };
    }
    lastErr = stderr.trim().split('\n').slice(-3).join(' | ');
    await stopChild(child);
  }
  throw new Error(`moto_server did not start: ${lastErr}`);
}

async function waitReady(endpoint: string, child: ChildProcess, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) return false;
    try {
      const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (r.status < 500) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

/** Uploads every file below `dir` to s3://bucket/prefix… (creating the bucket); returns the keys. */
export async function uploadDir(client: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((e: Error) => {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  });
  const keys: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const abs = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(abs).isDirectory()) walk(abs, r);
      else keys.push(r);
    }
  };
  walk(dir, '');
  for (let i = 0; i < keys.length; i += 8) {
    await Promise.all(
      keys.slice(i, i + 8).map((k) => client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + k, Body: readFileSync(path.join(dir, ...k.split('/'))) }))),
    );
  }
  return keys;
}

/**
 * The environment of a CLI run against moto: this machine's shared AWS config and
 * credentials files replaced by empty ones under `work` (only what the test gives counts),
 * catalogs and the table cache under `work` too.
 */
export function isolatedCliEnv(work: string, moto: Pick<Moto, 'env'>): NodeJS.ProcessEnv {
  writeFileSync(path.join(work, 'config'), '');
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_DATA_HOME: path.join(work, 'data'),
    XDG_CACHE_HOME: path.join(work, 'cache'),
    AWS_CONFIG_FILE: path.join(work, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'credentials'),
    ...moto.env,
  };
}
