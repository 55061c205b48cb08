// How files are read, from the command line: --delimiter, --no-header (parts of the DSV
// dialect fixed; the rest is still detected per file) and --pgp-key (with the passphrase from
// DROP_INSPECTOR_PGP_PASSPHRASE, or asked for on a terminal without echo).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Dialect } from '../shared/family';
import type { ReadOptions } from '../engine/formats/types';
import { EngineError } from '../engine/model';

export const PASSPHRASE_ENV = 'DROP_INSPECTOR_PGP_PASSPHRASE';

const NAMED: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };

export function parseDelimiter(v: string): string {
  const d = NAMED[v.toLowerCase()] ?? v;
  if (d.length !== 1 || d.charCodeAt(0) > 0x7f || d === '\n' || d === '\r' || d === '"')
    throw new EngineError('bad-request', `--delimiter must be one character such as , ; | or tab (not ${JSON.stringify(v)})`);
  return d;
}

export function dialectFrom(values: { delimiter?: string; 'no-header'?: boolean }): Partial<Dialect> | undefined {
  const d: Partial<Dialect> = {};
  if (values.delimiter !== undefined) d.delimiter = parseDelimiter(values.delimiter);
  if (values['no-header']) d.header = false;
  return Object.keys(d).length ? d : undefined;
}

export async function readOptionsFrom(values: {
  delimiter?: string;
  'no-header'?: boolean;
  'pgp-key'?: string;
}): Promise<ReadOptions | undefined> {
  const dialect = dialectFrom(values);
  let pgpKey: ReadOptions['pgpKey'];
  if (values['pgp-key']) {
    const keyFile = path.resolve(values['pgp-key']);
    if (!existsSync(keyFile)) throw new EngineError('bad-request', `--pgp-key: ${keyFile} does not exist`);
    const passphrase = process.env[PASSPHRASE_ENV] ?? (process.stdin.isTTY ? await askPassphrase(keyFile) : undefined);
    pgpKey = { keyFile, ...(passphrase ? { passphrase } : {}) };
  }
  if (!dialect && !pgpKey) return undefined;
  return { ...(dialect ? { dialect } : {}), ...(pgpKey ? { pgpKey } : {}) };
}

/** Reads a passphrase from the terminal without echoing it. */
async function askPassphrase(keyFile: string): Promise<string> {
  process.stderr.write(`passphrase for ${path.basename(keyFile)} (empty if none): `);
  const stdin = process.stdin;
  stdin.setRawMode?.(true);
  stdin.resume();
  let s = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer): void => {
        for (const ch of b.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve();
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new EngineError('bad-request', 'no passphrase given'));
            return;
          }
          if (ch === '\u007f') s = s.slice(0, -1);
          else s += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode?.(false);
    stdin.pause();
    process.stderr.write('\n');
  }
  return s;
}
