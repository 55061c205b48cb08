// Counts one part's records by its layout: DSV through the record counter (one set of record
// rules with the table browser), other layouts through their own counters (Parquet from its
// footer, JSON streamed) registered in LAYOUT_COUNTERS. Every family's inspector counts
// through here, so a new layout is a plug-in, not a fork.
import type { Layout, PartSpec } from '../../shared/family';
import { CsvRecordCounter, type MalformedRecord } from '../csv/record-counter';
import type { TableErrorKind } from '../formats/types';
import { PartReadError, readPart, type PartFailure, type PartReadOptions } from './read';

export interface PartCount {
  /** Records (header excluded); null when nothing could be counted. */
  rows: number | null;
  columns: string[];
  /** Column types where the layout has them (Parquet). */
  columnTypes: string[] | null;
  malformedRows: number;
  firstMalformed: MalformedRecord[];
  unterminatedQuote: boolean;
  /** Decoded bytes. */
  bytes: number;
  /** Why the part could not be read to its end (rows then counts what was readable). */
  error: { reason: PartFailure | 'no-header' | 'not-text'; message: string } | null;
}

export type LayoutCounter = (root: string, part: PartSpec, opts: PartReadOptions) => Promise<PartCount>;

export const LAYOUT_COUNTERS: Partial<Record<Layout['kind'], LayoutCounter>> = {
  dsv: countDsv,
};

export async function countPart(root: string, part: PartSpec, opts: PartReadOptions = {}): Promise<PartCount> {
  const counter = LAYOUT_COUNTERS[part.layout.kind];
  if (!counter) {
    return { ...emptyCount(), error: { reason: 'unsupported', message: `${part.layout.kind} files are not readable by this version` } };
  }
  return counter(root, part, opts);
}

export function emptyCount(): PartCount {
  return { rows: null, columns: [], columnTypes: null, malformedRows: 0, firstMalformed: [], unterminatedQuote: false, bytes: 0, error: null };
}

async function countDsv(root: string, part: PartSpec, opts: PartReadOptions): Promise<PartCount> {
  const dialect = part.layout.kind === 'dsv' ? part.layout.dialect : null;
  const counter = new CsvRecordCounter(dialect ? { dialect } : {});
  const out = emptyCount();
  try {
    await readPart(root, part, (c) => counter.push(c), opts);
  } catch (e) {
    if (!(e instanceof PartReadError)) throw e;
    const r = counter.finish();
    return { ...out, rows: r.header ? r.records : null, columns: r.header ?? [], bytes: r.bytes, error: { reason: e.reason, message: e.message } };
  }
  const r = counter.finish();
  out.bytes = r.bytes;
  if (r.header === null) {
    out.rows = 0;
    if (r.bytes > 0) out.error = { reason: r.headerTooLong ? 'not-text' : 'no-header', message: r.headerTooLong ? 'first line over 1 MiB: not text?' : 'no header line' };
    return out;
  }
  if (r.header.some((h) => h.includes('\u0000'))) {
    return { ...out, rows: null, error: { reason: 'not-text', message: 'header holds NUL bytes (UTF-16 or binary?)' } };
  }
  return {
    ...out,
    rows: r.records,
    columns: r.header,
    malformedRows: r.malformedRows,
    firstMalformed: r.firstMalformed,
    unterminatedQuote: r.unterminatedQuote,
  };
}

/** The table error kind of a part's failure (formats/types.ts TableErrorKind). */
export function errorKindOf(reason: NonNullable<PartCount['error']>['reason']): TableErrorKind {
  switch (reason) {
    case 'no-header':
    case 'not-text':
      return 'content';
    case 'too-large':
      return 'limit';
    case 'encrypted':
      return 'encrypted';
    case 'unsupported':
      return 'unsupported';
    default:
      return 'damaged';
  }
}
