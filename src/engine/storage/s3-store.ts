// A drop read in place from an S3 prefix (or an S3-compatible store): listing with
// ListObjectsV2, ranged GETs, a bounded number of requests in flight, the SDK's retries
// with backoff on throttling and network faults. Credentials and region come from the SDK's
// default chain (environment, shared config and credentials files, AWS_PROFILE/--profile,
// SSO, instance and container roles).
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { createRequire } from 'node:module';
import { PassThrough, type Readable } from 'node:stream';
import { EngineError } from '../model';
import { Limiter } from './limiter';
import { s3UrlOf, type S3Location } from './location';
import { s3Error } from './s3-errors';
import { emptyStats, ObjectChanged, type DropStore, type ListResult, type StoreEntry } from './types';

export interface S3StoreOptions {
  /** Shared-config profile; default AWS_PROFILE or 'default'. */
  profile?: string;
  /** Custom endpoint (S3-compatible stores, moto); default AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL. */
  endpoint?: string;
  region?: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Attempts per request, retries included (default 6). */
  maxAttempts?: number;
  env?: NodeJS.ProcessEnv;
}

// The SDK warns on stderr, once per process, that its 2027 releases will need Node 22: noise
// in a CLI whose stderr is the user's summary (this app ships its own runtime version).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The SDK loads with the first S3 store: a local drop's processes (the CLI, each scan worker)
// never pay for it (~0.3 s of CPU each, a third of a short command's start). It is required,
// not imported: import() of a CommonJS package first scans all its source for export names
// (cjs-module-lexer), ~90 ms more of an S3 re-scan's start.
type Sdk = typeof import('@aws-sdk/client-s3');
let sdkModule: Sdk | undefined;
async function loadSdk(): Promise<Sdk> {
  return (sdkModule ??= createRequire(import.meta.url)('@aws-sdk/client-s3') as Sdk);
}
/** The loaded SDK: commands are made only inside send(), after the client (and so the SDK) is ready. */
const aws = (): Sdk => sdkModule!;

/** Attempts for a body read that fails part-way (the SDK retries only until the headers). */
const BODY_ATTEMPTS = 3;

export class S3Store implements DropStore {
  readonly kind = 's3' as const;
  readonly stats = emptyStats();
  readonly location: string;
  readonly endpoint: string;
  private readonly limiter: Limiter;
  private client: Promise<S3Client>;

  constructor(
    readonly loc: S3Location,
    opts: S3StoreOptions = {},
  ) {
    const env = opts.env ?? process.env;
    this.location = s3UrlOf(loc);
    const endpoint = opts.endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
    this.endpoint = endpoint ?? 'AWS S3';
    this.limiter = new Limiter(opts.concurrency ?? 8);
    const base: S3ClientConfig = {
      // Path-style for custom endpoints: S3-compatible stores rarely serve bucket subdomains.
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      maxAttempts: opts.maxAttempts ?? 6,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    };
    this.client = this.makeClient(base, opts.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined));
  }

  /** The configured region (env, profile), else us-east-1 (the SDK would refuse to start without one). */
  private async makeClient(base: S3ClientConfig, region: string | undefined): Promise<S3Client> {
    const { S3Client } = await loadSdk();
    let r = region;
    if (!r) {
      const probe = new S3Client(base);
      try {
        r = await probe.config.region();
      } catch {
        r = 'us-east-1';
      } finally {
        probe.destroy();
      }
    }
    const client = new S3Client({ ...base, region: r });
    // Counted per attempt: the deserialize step runs inside the retry loop.
    client.middlewareStack.add(
      (next) => async (args) => {
        this.stats.requests++;
        return next(args);
      },
      { step: 'deserialize', name: 'dropInspectorCountRequests' },
    );
    return client;
  }

  private async send<T>(what: string, fn: (c: S3Client) => Promise<T>): Promise<T> {
    const client = await this.client;
    try {
      return await this.limiter.run(() => fn(client));
    } catch (e) {
      if (e instanceof ObjectChanged) throw e;
      throw s3Error(e, what, this.endpoint);
    }
  }

  private key(rel: string): string {
    return this.loc.prefix + rel;
  }

  private where(rel = ''): string {
    return `s3://${this.loc.bucket}/${this.key(rel)}`;
  }

  /** Fails with a one-line error unless the prefix lists and holds at least one object. */
  async probe(): Promise<void> {
    const out = await this.send(this.location, (c) =>
      c.send(new (aws().ListObjectsV2Command)({ Bucket: this.loc.bucket, Prefix: this.loc.prefix, MaxKeys: 1 })),
    );
    if (!out.KeyCount) throw new EngineError('not-found', `no such prefix: ${this.location} holds no objects`);
  }

  async list(opts: { signal?: AbortSignal; maxDepth?: number } = {}): Promise<ListResult> {
    const files: StoreEntry[] = [];
    const maxDepth = opts.maxDepth ?? 8;
    let token: string | undefined;
    do {
      opts.signal?.throwIfAborted();
      const out = await this.send(this.location, (c) =>
        c.send(new (aws().ListObjectsV2Command)({ Bucket: this.loc.bucket, Prefix: this.loc.prefix, ContinuationToken: token }), {
          abortSignal: opts.signal,
        }),
      );
      for (const o of out.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue; // folder markers
        const rel = o.Key.slice(this.loc.prefix.length);
        if (rel.split('/').length - 1 > maxDepth) continue;
        files.push({ rel, size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0, version: etag(o.ETag) ?? String(o.LastModified?.getTime() ?? 0) });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    return { files, unreadable: [] };
  }

  async stat(rel: string): Promise<StoreEntry | null> {
    try {
      const h = await this.send(this.where(rel), (c) => c.send(new (aws().HeadObjectCommand)({ Bucket: this.loc.bucket, Key: this.key(rel) })));
      const mtimeMs = h.LastModified?.getTime() ?? 0;
      return { rel, size: h.ContentLength ?? 0, mtimeMs, version: etag(h.ETag) ?? String(mtimeMs) };
    } catch (e) {
      if (e instanceof EngineError && e.code === 'not-found') return null;
      throw e;
    }
  }

  async read(rel: string, start: number, end: number, signal?: AbortSignal, version?: string): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(this.where(rel), async (c) => {
          const out = await c
            .send(
              new (aws().GetObjectCommand)({ Bucket: this.loc.bucket, Key: this.key(rel), Range: `bytes=${start}-${end - 1}`, IfMatch: ifMatch(version) }),
              { abortSignal: signal },
            )
            .catch((e: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
              throw e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412 ? new ObjectChanged(rel) : e;
            });
          const bytes = await out.Body!.transformToByteArray();
          this.stats.bytesRead += bytes.length;
          return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
        });
      } catch (e) {
        if (e instanceof ObjectChanged) throw e;
        if (attempt >= BODY_ATTEMPTS || signal?.aborted || !(e instanceof EngineError) || !/cannot reach/.test(e.message)) throw e;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  stream(rel: string, opts: { start?: number; end?: number; signal?: AbortSignal; version?: string } = {}): Readable {
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    const range =
      opts.start !== undefined || opts.end !== undefined ? `bytes=${opts.start ?? 0}-${opts.end !== undefined ? opts.end - 1 : ''}` : undefined;
    void this.send(this.where(rel), async (c) => {
      const res = await c
        .send(new (aws().GetObjectCommand)({ Bucket: this.loc.bucket, Key: this.key(rel), Range: range, IfMatch: ifMatch(opts.version) }), { abortSignal: opts.signal })
        .catch((e: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
          throw e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412 ? new ObjectChanged(rel) : e;
        });
      const body = res.Body as Readable;
      // Holds a request slot until the body is read through, so concurrency stays bounded.
      await new Promise<void>((resolve, reject) => {
        body.on('data', (chunk: Buffer) => {
          this.stats.bytesRead += chunk.length;
          if (!out.write(chunk)) {
            body.pause();
            out.once('drain', () => body.resume());
          }
        });
        body.on('end', () => {
          out.end();
          resolve();
        });
        body.on('error', reject);
        out.on('close', () => {
          body.destroy();
          resolve();
        });
      });
    }).catch((e: Error) => out.destroy(e instanceof EngineError || e instanceof ObjectChanged ? e : s3Error(e, this.where(rel), this.endpoint)));
    return out;
  }

  localPath(): null {
    return null;
  }

  close(): void {
    void this.client.then((c) => c.destroy()).catch(() => undefined);
  }
}

/** If-Match for a listed ETag (a hex digest, possibly "-N" for multipart); none for mtimes. */
function ifMatch(version: string | undefined): string | undefined {
  return version && /^[0-9a-f]{32}(-\d+)?$/i.test(version) ? `"${version}"` : undefined;
}

function etag(s: string | undefined): string | undefined {
  return s?.replace(/^W\//, '').replace(/"/g, '') || undefined;
}
