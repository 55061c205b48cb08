// Reads one data stream of an extract run in a single decode: the first bytes decide the
// layout (JSON or DSV, and the dialect), then every chunk goes to the record counter and, where
// the run needs them, to the account-id reader or the orphan check. Separate from inspect.ts,
// which turns the streams' results into the run's tables and problems: this is the read.
import type { Dialect, Layout, PartSpec } from '../../../shared/family';
import { detectDialect, DIALECT_SAMPLE_BYTES } from '../../csv/dialect';
import type { JsonIdOption } from '../../json/records';
import { streamCounter, type PartCount, type StreamCounter } from '../../parts/count';
import { looksLikePgp } from '../../parts/pgp';
import { PartReadError, readPart, type PartReadOptions } from '../../parts/read';
import type { ExtractFile } from './name';
import { OrphanBatch } from './orphans';
import { uidHashBytes } from './uid-hash';
import type { UidSet } from './uid-set';
import { UidColumnReader } from './uids';

const ORPHAN_EXAMPLES = 5;

function firstNonSpace(b: Uint8Array): number {
  let i = 0;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i < b.length ? b[i] : -1;
}

export interface OnceOptions {
  /** Parts of the dialect the user fixed. */
  given: Partial<Dialect>;
  format: Extract<ExtractFile, { kind: 'data' }>['format'];
  /** The file has no codec: PGP bytes under a plain name are told, not counted as text. */
  sniffPgp: boolean;
  /** Collect the account ids (a main file) into this set. */
  uids: UidSet | null;
  /** Hold the account ids (a flattened file) against this set. */
  orphansOf: UidSet | null;
}

export interface OnceResult {
  /** The layout decided from the first bytes (null when no byte was decoded). */
  layout: Layout | null;
  /** The layout's count (null when no byte was decoded or the file is PGP under a plain name). */
  count: PartCount | null;
  failure: PartReadError | null;
  pgpSniffed: boolean;
  /** The account-id column read (null: none read). */
  uidColumn: number | null;
  orphans: { count: number; examples: string[]; column: number } | null;
}

/**
 * Decodes a part once: the first DIALECT_SAMPLE_BYTES are held to decide JSON or DSV (and the
 * dialect), then they and every later chunk are pushed to the layout's counter and, for ids,
 * to the account-id reader (DSV) or the counter's parsed records (JSON). Why one read: each
 * extra pass decodes the whole file again (gzip, LZO, PGP), which is what a scan costs.
 */
export async function readOnce(root: string, part: PartSpec, opts: PartReadOptions, o: OnceOptions): Promise<OnceResult> {
  const res: OnceResult = { layout: null, count: null, failure: null, pgpSniffed: false, uidColumn: null, orphans: null };
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let sinks: Array<(c: Uint8Array) => void> | null = null;
  let counter: StreamCounter | null = null;
  let ids: UidColumnReader | null = null;
  const orphans = { count: 0, examples: [] as string[], column: -1 };
  const ctl = new AbortController();
  const outer = opts.signal;
  const onAbort = (): void => ctl.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });

  const orphan = (v: string): void => {
    orphans.count++;
    if (orphans.examples.length < ORPHAN_EXAMPLES && !orphans.examples.includes(v)) orphans.examples.push(v);
  };
  const decide = (complete: boolean): void => {
    const bytes = head.length === 1 ? head[0] : Buffer.concat(head);
    head.length = 0;
    if (o.sniffPgp && looksLikePgp(bytes) && !/^[\s{[]/.test(String.fromCharCode(bytes[0] ?? 32))) {
      res.pgpSniffed = true;
      sinks = [];
      ctl.abort();
      return;
    }
    const first = firstNonSpace(bytes);
    let layout: Layout;
    if (o.format !== 'dsv' || first === 0x7b) layout = first === 0x5b ? { kind: 'json-array' } : { kind: 'jsonl' };
    else layout = { kind: 'dsv', dialect: detectDialect(bytes, o.given, complete).dialect };
    res.layout = layout;
    let jsonId: JsonIdOption | undefined;
    if (layout.kind !== 'dsv' && o.uids) {
      // The id key of JSON records: UID (any case), found on the first record that has one.
      const into = o.uids;
      jsonId = { key: /^uid$/i, onId: (b, from, to) => into.addHash(uidHashBytes(b, from, to)) };
      res.uidColumn = 0;
    }
    // The id reader (after the counter, on the same chunk) jumps along the counter's record ends.
    const c = (counter = streamCounter(layout, { jsonId, recordEnds: layout.kind === 'dsv' && (o.uids !== null || o.orphansOf !== null) })!);
    sinks = [c.push.bind(c)];
    const ends = c.recordEnds ?? null;
    if (layout.kind === 'dsv' && o.uids) {
      const into = o.uids;
      const reader = (ids = new UidColumnReader(layout.dialect, (_b, _from, _to, h) => into.addHash(h)));
      sinks.push((chunk) => reader.push(chunk, ends));
    } else if (layout.kind === 'dsv' && o.orphansOf) {
      const batch = new OrphanBatch(o.orphansOf, orphan);
      const reader = (ids = new UidColumnReader(layout.dialect, (b, from, to, h) => batch.id(b, from, to, h)));
      sinks.push((chunk) => {
        batch.begin(chunk);
        reader.push(chunk, ends);
        batch.end();
      });
    }
    for (const sink of sinks) sink(bytes);
  };

  try {
    await readPart(
      root,
      part,
      (c) => {
        if (sinks) {
          for (const sink of sinks) sink(c);
          return;
        }
        // A copy: the reader may reuse its buffers once the callback returns.
        head.push(Uint8Array.prototype.slice.call(c));
        headBytes += c.length;
        if (headBytes >= DIALECT_SAMPLE_BYTES) decide(false);
      },
      // Every sink copies what it keeps (the head above, the counters' carries, the id reader's).
      { ...opts, signal: ctl.signal, transient: true },
    );
    if (!sinks && headBytes > 0) decide(true);
  } catch (e) {
    outer?.throwIfAborted();
    if (!res.pgpSniffed) {
      if (e instanceof PartReadError) res.failure = e;
      else if ((e as Error)?.name === 'AbortError') throw e;
      else res.failure = new PartReadError((e as Error).message, 'corrupt');
      if (!sinks && headBytes > 0) decide(false);
    }
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  if (res.pgpSniffed) return res;
  if (counter) res.count = (counter as StreamCounter).finish(res.failure);
  else if (!res.failure) {
    // Nothing decoded at all: an empty file, counted as the layout its name says.
    res.layout = o.format === 'dsv' ? { kind: 'dsv', dialect: detectDialect(new Uint8Array(0), o.given, true).dialect } : { kind: 'jsonl' };
    res.count = streamCounter(res.layout)!.finish(null);
  }
  if (ids) {
    const reader = ids as UidColumnReader;
    reader.finish();
    res.uidColumn = reader.column >= 0 ? reader.column : null;
    if (o.orphansOf && reader.column >= 0) res.orphans = { ...orphans, column: reader.column };
  }
  return res;
}
