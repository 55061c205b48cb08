// The header and first records of a member, read on their own as far as they reach (a few
// MiB at most), without indexing the member: what the first page shows while the whole
// first read (build.ts) starts up in a worker, and a scope's decoded header; FirstRows is
// also what that build hands out early. Apart from build.ts because these are short reads
// on the calling thread, not a build.
import type { TableEncoding } from '../../shared/table-api';
import type { InflateLimits } from '../parts/limits';
import type { EntrySource } from './cache';
import { syntheticColumns } from '../csv/header';
import { RecordParser, type RecordInfo } from './csv-cells';
import { Utf8Transcoder } from './encoding';
import { openEntryBytes, TableReadError } from './entry-bytes';

export interface FirstRows {
  header: string[];
  rows: Array<{ cells: string[]; info: RecordInfo }>;
  /** All records of the member are among them. */
  complete: boolean;
  encoding: TableEncoding;
}

/** Bytes read for the first rows at most (a header longer than this: up to HEADER_MAX). */
export const HEAD_MAX = 8 * 1024 * 1024;
/** A header's bytes at most. */
export const HEADER_MAX = 64 * 1024 * 1024;

/** The header a parser read, or for a dialect without one, names for the first record's fields. */
export function headerOf(p: RecordParser, dialect: EntrySource['dialect']): string[] {
  return dialect.header ? (p.header ?? []) : syntheticColumns(Math.max(0, p.headerFields));
}

/**
 * Just the header of a member, decoded (reads only as far as the header's end). For scopes
 * over many chunks whose encoding is not UTF-8 (the scan decoded headers as UTF-8).
 */
export async function readHeader(
  src: EntrySource,
  limits: Partial<InflateLimits> = {},
  maxBytes = HEADER_MAX,
): Promise<{ header: string[]; encoding: TableEncoding }> {
  const bytes = await openEntryBytes(src, limits);
  try {
    const tr = new Utf8Transcoder(src.encoding);
    // Without a header, the first record's width names the columns.
    const p = new RecordParser(() => false, { dialect: { ...src.dialect, header: true } });
    const ctl = new AbortController();
    let seen = 0;
    try {
      await bytes.read((chunk) => {
        if (p.header) return;
        seen += chunk.length;
        p.push(tr.push(chunk));
        if (p.header || seen > maxBytes) ctl.abort();
      }, ctl.signal);
      p.push(tr.finish());
      p.finish();
    } catch (e) {
      if (!ctl.signal.aborted)
        throw new TableReadError(`${src.member} cannot be read: ${(e as Error).message}`, 'unreadable');
    }
    if (!p.header && seen <= maxBytes) p.finish();
    const header = p.header ?? [];
    return { header: src.dialect.header ? header : syntheticColumns(header.length), encoding: tr.encoding };
  } finally {
    await bytes.close();
  }
}

/**
 * The header and first records of a member, read on the calling thread (a few MiB at most):
 * what the first page shows while the whole first read starts up in a worker.
 */
export async function peekRows(
  src: EntrySource,
  maxRows: number,
  limits: Partial<InflateLimits> = {},
  maxBytes = HEAD_MAX,
): Promise<FirstRows> {
  const bytes = await openEntryBytes(src, limits);
  try {
    const tr = new Utf8Transcoder(src.encoding);
    const rows: FirstRows['rows'] = [];
    const p = new RecordParser(
      (cells, info) => {
        rows.push({ cells, info });
        return rows.length < maxRows;
      },
      { dialect: src.dialect },
    );
    const ctl = new AbortController();
    let seen = 0;
    let ended = false;
    try {
      await bytes.read((chunk) => {
        if (p.stopped || ctl.signal.aborted) return;
        seen += chunk.length;
        p.push(tr.push(chunk));
        if (p.stopped || (seen > maxBytes && (p.header || !src.dialect.header))) ctl.abort();
      }, ctl.signal);
      ended = true;
    } catch (e) {
      if (!ctl.signal.aborted)
        throw new TableReadError(`${src.member} cannot be read: ${(e as Error).message}`, 'unreadable');
    }
    if (ended && !p.stopped) {
      p.push(tr.finish());
      p.finish();
    }
    return {
      header: headerOf(p, src.dialect),
      rows,
      complete: ended && !p.stopped && rows.length < maxRows,
      encoding: tr.encoding,
    };
  } finally {
    await bytes.close();
  }
}
