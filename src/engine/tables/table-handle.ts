// What the table service keeps per open table (a handle: a table in a scope) and per part of
// it (one chunk's member, one cache entry), and the small pure helpers its modules share.
import { abortError } from '../abort';
import { promises as fsp } from 'node:fs';
import type { KeyInfo, TableEncoding, TableScope } from '../../shared/table-api';
import type { Dialect, MergePolicy, ReadWay } from '../../shared/family';
import type { FirstRows } from './first-rows';
import type { EntryMeta, EntrySource } from './cache';
import type { EntryReader } from './entry-reader';
import type { ViewContext } from './analysis';

export interface Part {
  chunk: string;
  table: string;
  member: string;
  source: EntrySource;
  key: string;
  catalogRows: number | null;
  columns: string[];
  /** Columns come from the entry or a header read (not the scan's UTF-8 reading). */
  columnsExact: boolean;
  meta: EntryMeta | null;
  reader: EntryReader | null;
  first: FirstRows | null;
  building: Promise<EntryMeta> | null;
  progressRows: number;
  headerFields: number;
  waiters: Array<() => void>;
  error: string | null;
  unpin: (() => void) | null;
}

export interface ViewFile {
  file: string;
  rows: number;
}

export interface Handle {
  id: string;
  drop: string;
  table: string;
  scope: TableScope;
  encoding: TableEncoding;
  requestedKey: string[] | undefined;
  parts: Part[];
  unreadable: Array<{ chunk: string; error: string }>;
  /** Union of the parts' columns (data columns; the chunk column is not among them). */
  columns: string[];
  withChunk: boolean;
  key: KeyInfo | null;
  /** How the family's warehouse combines chunks (the merged view). */
  policy: MergePolicy;
  /** The family's primary key for this table, where it knows one. */
  familyKey: ((columns: string[]) => string[] | null) | null;
  merged: { parquet: string; positions: string; rows: number } | null;
  merging: Promise<void> | null;
  views: Map<string, Promise<ViewFile>>;
  /** Views whose positions file is written (later pages are slices of it). */
  viewsDone: Map<string, ViewFile>;
  kinds: ViewContext['kinds'];
  sessionDir: string | null;
  control: AbortController;
  closed: boolean;
  lastTotal: number;
  lastComplete: boolean;
  /** Work started for the handle in the background (eager analysis, merging). */
  background: Promise<unknown>[];
}

export const now = (): number => Date.now();

/** For each scope column, the index of the same column (same name, same occurrence) in `cols`, or -1. */
export function columnMap(cols: string[], scope: string[]): number[] {
  const seen = new Map<string, number>();
  const where = new Map<string, number>();
  cols.forEach((c, i) => {
    const k = seen.get(c) ?? 0;
    seen.set(c, k + 1);
    where.set(`${k}\u0000${c}`, i);
  });
  const seen2 = new Map<string, number>();
  return scope.map((c) => {
    const k = seen2.get(c) ?? 0;
    seen2.set(c, k + 1);
    return where.get(`${k}\u0000${c}`) ?? -1;
  });
}

/** Columns of many headers, in order of first appearance (a name repeated within a header counts as many columns). */
export function unionColumns(headers: string[][]): string[] {
  const out: string[] = [];
  const have = new Map<string, number>();
  for (const h of headers) {
    const seen = new Map<string, number>();
    for (const c of h) {
      const k = (seen.get(c) ?? 0) + 1;
      seen.set(c, k);
      if ((have.get(c) ?? 0) < k) {
        have.set(c, k);
        out.push(c);
      }
    }
  }
  return out;
}

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s.startsWith(' ') || s.endsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Stops waiting (not the work) when the signal fires. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Positions [offset, offset + n) of a view's positions file (Float64 LE). */
export async function readSlice(file: string, offset: number, n: number): Promise<Float64Array> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(n * 8);
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset * 8);
    const out = new Float64Array(bytesRead >> 3);
    new Uint8Array(out.buffer).set(buf.subarray(0, out.length * 8));
    return out;
  } finally {
    await fh.close();
  }
}

/** The dialect of a DSV entry (null for JSON and other layouts). */
export function entryDialectOf(src: EntrySource): Dialect | null {
  const k = src.part?.layout.kind ?? 'dsv';
  return k === 'dsv' ? src.dialect : null;
}

/**
 * The ways the parts' chunks are read, where there is more than one ({} where all are read
 * alike): each layout and dialect with its chunks, in the order first met. The table's
 * header said "read as delimiter ','" over account extracts whose runs cycle ',', ';', tab,
 * '|' and JSON lines, each read rightly by its own.
 */
export function readWaysOf(parts: ReadonlyArray<{ chunk: string; source: EntrySource }>): { readWays?: ReadWay[] } {
  const byWay = new Map<string, ReadWay & { seen: Set<string> }>();
  for (const p of parts) {
    const layout = p.source.part?.layout.kind ?? 'dsv';
    const dialect = entryDialectOf(p.source);
    const key = JSON.stringify([layout, dialect]);
    let w = byWay.get(key);
    if (!w) byWay.set(key, (w = { layout, dialect, chunks: 0, seen: new Set() }));
    if (!w.seen.has(p.chunk)) {
      w.seen.add(p.chunk);
      w.chunks++;
    }
  }
  if (byWay.size < 2) return {};
  return { readWays: [...byWay.values()].map(({ layout, dialect, chunks }) => ({ layout, dialect, chunks })) };
}
