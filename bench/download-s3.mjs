// The bench's standalone download baseline (bench/daily-s3.ts): what a user's own download
// tool does, in a process of its own that pays its start: load the AWS SDK, list the prefix
// (every page), GET every object to disk, 8 at a time (the SDK's default socket pool).
// Plain JavaScript run by node (no tsx), the SDK required as the CLI requires it (the
// fastest way to load it), so the baseline is not slowed by how it is started.
//   node bench/download-s3.mjs <bucket> <prefix> <out-dir>   (endpoint, region, credentials from the environment)
import { createWriteStream, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { S3Client, ListObjectsV2Command, GetObjectCommand } = createRequire(import.meta.url)('@aws-sdk/client-s3');
const [bucket, prefix, out] = process.argv.slice(2);
const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL;
const client = new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {});
const keys = [];
let token;
do {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
  for (const o of page.Contents ?? []) if (!o.Key.endsWith('/')) keys.push(o.Key);
  token = page.IsTruncated ? page.NextContinuationToken : undefined;
} while (token);
let next = 0;
let bytes = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < keys.length) {
      const key = keys[next++];
      const file = path.join(out, ...key.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      bytes += res.ContentLength ?? 0;
      await pipeline(res.Body, createWriteStream(file));
    }
  }),
);
client.destroy();
process.stdout.write(`${JSON.stringify({ objects: keys.length, bytes })}\n`);
