// S3 and credential failures as one line a person can act on (never a stack trace).
import { EngineError } from '../model';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function networkCode(e: SdkError | undefined, depth = 0): string | null {
  if (!e || depth > 4) return null;
  if (e.code && NETWORK.has(e.code)) return e.code;
  if (e.name === 'TimeoutError') return 'timed out';
  return networkCode(e.cause as SdkError | undefined, depth + 1);
}

/** What went wrong, as an EngineError with one line; `where` is the s3:// URL (and key) concerned. */
export function s3Error(err: unknown, where: string, endpoint: string): EngineError {
  if (err instanceof EngineError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const first = String(e.message ?? err).split('\n')[0];
  const net = networkCode(e);
  if (name === 'AbortError') return Object.assign(new EngineError('internal', 'cancelled'), { name: 'AbortError' });
  if (name === 'CredentialsProviderError' || /could not load credentials|credential/i.test(first) && !status) {
    return new EngineError(
      'unreadable',
      `no AWS credentials for ${where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with --profile or AWS_PROFILE, or sign in (aws sso login)`,
    );
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'ExpiredToken' || name === 'InvalidToken') {
    return new EngineError('unreadable', `the AWS credentials were refused for ${where} (${name}): check the access key, secret and session token`);
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    return new EngineError('unreadable', `access denied to ${where}: the credentials need s3:ListBucket on the bucket and s3:GetObject on the prefix`);
  }
  if (name === 'NoSuchBucket') return new EngineError('not-found', `no such bucket: ${where} (check the bucket name, region and endpoint)`);
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return new EngineError('not-found', `no such object: ${where}`);
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) {
    return new EngineError('unreadable', `${where} is in another region: set AWS_REGION (or the profile's region) to the bucket's region`);
  }
  if (net) return new EngineError('unreadable', `cannot reach S3 at ${endpoint} for ${where} (${net}): check the network or AWS_ENDPOINT_URL`);
  if (name === 'SlowDown' || status === 503) return new EngineError('unreadable', `S3 kept throttling requests for ${where} (503 SlowDown) after retries; try again later`);
  return new EngineError('unreadable', `S3 refused ${where}: ${name ? `${name}: ` : ''}${first}`);
}
