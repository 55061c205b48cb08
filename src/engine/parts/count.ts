// Counts one part's records by its layout: DSV through the record counter (one set of record
// rules with the table browser), other layouts through their own counters (Parquet from its
// footer, JSON streamed) registered in LAYOUT_COUNTERS. Every family's inspector counts
// through here, so a new layout is a plug-in, not a fork.
import { describeSource, type Dialect, type Layout, type PartSpec } from '../../shared/family';
import { ParquetUnreadable, readParquetFooter } from '../parquet/footer';
import { sharedStore } from '../storage/open';
import { ObjectChanged } from '../storage/types';
import { syntheticColumns } from '../csv/header';
import type { MalformedRecord, RecordEnds } from '../csv/count-types';
import { CsvRecordCounter } from '../csv/record-counter';
import type { TableErrorKind } from '../formats/types';
import { JsonRecordCounter, type JsonIdOption } from '../json/records';
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
  dsv: countStreamed,
  parquet: countParquet,
  jsonl: countStreamed,
  'json-array': countStreamed,
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

/**
 * A layout's counter over decoded bytes pushed to it: the one place a layout's record rules
 * live, so a reader that decodes a part once can feed the same bytes to it and to other
 * consumers (the extracts inspector tees them to its account-id pass). finish() takes the
 * read's failure, if any.
 */
export interface StreamCounter {
  push(chunk: Uint8Array): void;
  finish(failure?: PartReadError | null): PartCount;
  /** DSV with hooks.recordEnds: the last pushed chunk's record terminators. */
  readonly recordEnds?: RecordEnds | null;
}

/** The streaming counter of a byte layout (DSV, JSON lines, JSON array); null for Parquet (footer). */
export function streamCounter(layout: Layout, hooks: { jsonId?: JsonIdOption; recordEnds?: boolean } = {}): StreamCounter | null {
  if (layout.kind === 'dsv') return dsvCounter(layout.dialect, hooks.recordEnds === true);
  if (layout.kind === 'jsonl' || layout.kind === 'json-array') return jsonCounter(layout.kind, hooks.jsonId);
  return null;
}

async function countStreamed(root: string, part: PartSpec, opts: PartReadOptions): Promise<PartCount> {
  const counter = streamCounter(part.layout)!;
  try {
    // The counters copy what they keep across chunks.
    await readPart(root, part, (c) => counter.push(c), { ...opts, transient: true });
  } catch (e) {
    if (!(e instanceof PartReadError)) throw e;
    return counter.finish(e);
  }
  return counter.finish(null);
}

function dsvCounter(dialect: Dialect, recordEnds = false): StreamCounter {
  const counter = new CsvRecordCounter({ dialect, recordEnds });
  return {
    recordEnds: counter.recordEnds,
    push: (c) => counter.push(c),
    finish(e) {
      const out = emptyCount();
      const r = counter.finish();
      if (e) {
        const rows = !dialect.header || r.header ? r.records : null;
        return { ...out, rows, columns: r.header ?? [], bytes: r.bytes, error: { reason: e.reason, message: e.message } };
      }
      out.bytes = r.bytes;
      if (!dialect.header) {
        // No header (flattened files): every record is data; columns are named by position.
        return {
          ...out,
          rows: r.records,
          columns: syntheticColumns(r.headerFields),
          malformedRows: r.malformedRows,
          firstMalformed: r.firstMalformed,
          unterminatedQuote: r.unterminatedQuote,
        };
      }
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
    },
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

/** Parquet: rows, columns and types from the footer alone (ranged reads through the store). */
async function countParquet(root: string, part: PartSpec, opts: PartReadOptions): Promise<PartCount> {
  const out = emptyCount();
  const src = part.source;
  if (src.kind !== 'file' || part.codecs.length) {
    return { ...out, error: { reason: 'unsupported', message: `${describeSource(src)}: Parquet is read from plain files only` } };
  }
  const store = sharedStore(root);
  const before = store.stats.bytesRead;
  try {
    const f = await readParquetFooter(store, src.path, src.size, opts.signal, src.version);
    out.rows = f.rows;
    out.columns = f.columns;
    out.columnTypes = f.columnTypes;
    out.bytes = f.metadata.row_groups.reduce((s, g) => s + Number(g.total_byte_size), 0);
  } catch (e) {
    if (e instanceof ParquetUnreadable) out.error = { reason: /^truncated/.test(e.message) ? 'truncated' : 'corrupt', message: e.message };
    else if (e instanceof ObjectChanged) out.error = { reason: 'changed', message: e.message };
    else throw e;
  } finally {
    opts.onRawBytes?.(store.stats.bytesRead - before);
  }
  return out;
}

/** JSON lines or one array of objects, streamed: records, and the union of their flattened keys as columns. */
function jsonCounter(layout: 'jsonl' | 'json-array', id?: JsonIdOption): StreamCounter {
  const counter = new JsonRecordCounter(layout, 20, id);
  return {
    push: (c) => counter.push(c),
    finish(failure) {
      const r = counter.finish();
      const result: PartCount = {
        ...emptyCount(),
        rows: r.records,
        columns: r.keys,
        malformedRows: r.malformedRows,
        firstMalformed: r.firstMalformed.map((n) => ({ record: n, fields: 0, line: n })),
        bytes: r.bytes,
      };
      if (failure) return { ...result, error: { reason: failure.reason, message: failure.message } };
      if (r.notJson) return { ...result, rows: null, error: { reason: 'not-text', message: r.notJson } };
      if (r.unterminated) return { ...result, error: { reason: 'truncated', message: 'the JSON array ends before its closing ]' } };
      return result;
    },
  };
}
