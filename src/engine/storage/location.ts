// Which store a drop location names: "s3://bucket/prefix/" or a local folder.

export interface S3Location {
  bucket: string;
  /** '' or a prefix ending in '/'. */
  prefix: string;
}

const S3_URL = /^s3:\/\/([^/]+)(?:\/(.*))?$/i;

export function isS3Url(s: string): boolean {
  return /^s3:\/\//i.test(s.trim());
}

/** Parses s3://bucket[/prefix]; the prefix is normalised to end in '/' (a folder). */
export function parseS3Url(s: string): S3Location | null {
  const m = S3_URL.exec(s.trim());
  if (!m) return null;
  const bucket = m[1];
  // Bucket names: 3-63 of lowercase letters, digits, dots and hyphens.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return null;
  let prefix = (m[2] ?? '').replace(/^\/+/, '');
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}

export function s3UrlOf(loc: S3Location): string {
  return `s3://${loc.bucket}/${loc.prefix}`;
}
