// The first reads of a handle's parts (build-runner.ts: worker threads, or inline) and what
// the handle knows of its rows meanwhile: a part's first page comes from a peek or the
// build's early output, later rows once the build's index has them; the handle's total is
// exact once every part's count is known (built, or the scan's count for UTF-8).
import type { TablePhase } from '../../shared/table-api';
import { EngineError } from '../model';
import type { InflateLimits } from '../parts/limits';
import { peekRows } from './first-rows';
import type { BuildRunner } from './build-runner';
import type { EntryMeta, TableCache } from './cache';
import { TableReadError } from './entry-bytes';
import { EntryReader } from './entry-reader';
import type { TableEvents } from './table-events';
import { now, type Handle, type Part } from './table-handle';

export interface PartBuildsOptions {
  cache: TableCache;
  runner: BuildRunner;
  limits: Partial<InflateLimits>;
  /** Records a first read hands out early. */
  firstRows: number;
  segmentBytes: number | undefined;
  events: TableEvents;
}

export class PartBuilds {
  constructor(private readonly o: PartBuildsOptions) {}

  startBuild(h: Handle, p: Part, urgent = false): Promise<EntryMeta> {
    if (p.meta) return Promise.resolve(p.meta);
    if (p.building) return p.building;
    const { cache, runner, limits, firstRows, segmentBytes, events } = this.o;
    const started = now();
    if (urgent && !p.first && !runner.inline) {
      // The first page from this thread: a worker takes a moment to start, a peek at the
      // first MiB does not.
      void peekRows(p.source, firstRows, limits).then(
        (first) => {
          if (!p.first && !p.meta) this.takeFirstRows(p, first);
        },
        () => undefined, // the build reports the error
      );
    }
    p.building = runner
      .run(
        {
          cacheDir: cache.dir,
          cacheMaxBytes: cache.maxBytes,
          maxMemberBytes: limits.maxMemberBytes,
          maxRatio: limits.maxRatio,
          key: p.key,
          source: p.source,
          firstRows,
          segmentBytes,
        },
        {
          onFirstRows: (first) => this.takeFirstRows(p, first),
          onProgress: (pr) => {
            if (pr.headerFields >= 0) p.headerFields = pr.headerFields;
            p.progressRows = pr.rows;
            if (!p.reader)
              p.reader = new EntryReader(
                pr.dir,
                p.source.dialect,
                p.headerFields,
                pr.rows,
                false,
                pr.segments,
                cache.entryDir(p.key),
              );
            else p.reader.update(pr.rows, false, p.headerFields, pr.segments);
            this.wake(p);
            events.progress(h, 'reading', this.rowsKnown(h), this.rowsExpected(h), started, { chunk: p.chunk });
            this.grown(h);
          },
          signal: undefined,
        },
        urgent,
      )
      .then(
        (meta) => {
          p.meta = meta;
          p.progressRows = meta.rows;
          p.headerFields = meta.headerFields;
          p.columns = meta.header;
          p.columnsExact = true;
          const dir = cache.entryDir(p.key);
          if (!p.reader) p.reader = new EntryReader(dir, p.source.dialect, meta.headerFields, meta.rows, true, meta.segments);
          else {
            p.reader.update(meta.rows, true, meta.headerFields, meta.segments);
            p.reader.moved(dir);
          }
          this.wake(p);
          this.grown(h);
          return meta;
        },
        (e: Error) => {
          p.building = null;
          p.error = e.message;
          this.leave(h, p, e);
          this.wake(p);
          throw e;
        },
      );
    p.building.catch(() => undefined);
    return p.building;
  }

  /**
   * A part whose own bytes fail their first read (TableReadError: damaged, gone, changed since
   * the scan) leaves a handle that has other parts: the rest of the table stays readable, and
   * the part is listed with the chunks the scan already knew to be unreadable. Positions after
   * it move up, so the renderer drops the rows it holds (table-part-left). Views are computed
   * once every part has been read (ensureAllBuilt), so none counted it. The last part's
   * failure, and any other failure (a worker lost, the cache's disk full), stay the read's error.
   */
  private leave(h: Handle, p: Part, e: Error): void {
    if (h.closed || !(e instanceof TableReadError) || h.parts.length < 2 || !h.parts.includes(p)) return;
    h.parts = h.parts.filter((x) => x !== p);
    const error = partErrorWithin(p);
    h.unreadable.push({ chunk: p.chunk, error });
    p.unpin?.();
    p.unpin = null;
    void p.reader?.close().catch(() => undefined);
    p.reader = null;
    this.o.events.emit({ type: 'table-part-left', handle: h.id, chunk: p.chunk, error });
    this.grown(h);
  }

  /**
   * The part's first read, or null where it failed and the part left the handle (the handle's
   * other parts go on); any other failure is thrown, one of the part's own bytes as the
   * handle's 'unreadable' error naming it (as waitRows says it), not as an internal one.
   */
  async build(h: Handle, p: Part, urgent = false): Promise<EntryMeta | null> {
    try {
      return await this.startBuild(h, p, urgent);
    } catch (e) {
      if (!h.parts.includes(p)) return null;
      if (e instanceof TableReadError) throw new EngineError('unreadable', partError(p));
      throw e;
    }
  }

  /** The first page arrived (from the peek or the build): its header names the columns until the build knows them. */
  private takeFirstRows(p: Part, first: NonNullable<Part['first']>): void {
    p.first = first;
    p.headerFields = first.header.length;
    if (!p.columnsExact) {
      p.columns = first.header;
      p.columnsExact = true;
    }
    this.wake(p);
  }

  private wake(p: Part): void {
    const ws = p.waiters;
    p.waiters = [];
    for (const w of ws) w();
  }

  async waitFirst(p: Part): Promise<void> {
    while (!p.first && !p.meta) {
      if (p.error) throw new EngineError('unreadable', partError(p));
      await new Promise<void>((r) => p.waiters.push(r));
    }
  }

  /** Waits until rows [0, n) of the part can be read (or the build ends). */
  async waitRows(h: Handle, p: Part, n: number): Promise<void> {
    this.startBuild(h, p, true);
    for (;;) {
      if (p.meta) return;
      if (p.error) throw new EngineError('unreadable', partError(p));
      if (p.first && (n <= p.first.rows.length || p.first.complete)) return;
      if (p.reader && p.reader.readable >= n) return;
      await new Promise<void>((r) => p.waiters.push(r));
    }
  }

  async ensureAllBuilt(h: Handle, phase: TablePhase = 'reading'): Promise<void> {
    const started = now();
    let done = 0;
    const parts = h.parts;
    await Promise.all(
      parts.map(async (p, i) => {
        await this.build(h, p, i === 0);
        done++;
        this.o.events.progress(h, phase, done, parts.length, started, { chunk: p.chunk });
      }),
    );
  }

  /** Rows of a part as far as known: built count, else the scan's count (UTF-8 only), else null. */
  partRows(h: Handle, p: Part): number | null {
    if (p.meta) return p.meta.rows;
    if (h.encoding === 'utf-8' && p.catalogRows !== null) return p.catalogRows;
    return null;
  }

  private rowsKnown(h: Handle): number {
    return h.parts.reduce((s, p) => s + (p.meta ? p.meta.rows : p.progressRows), 0);
  }

  private rowsExpected(h: Handle): number | null {
    let s = 0;
    for (const p of h.parts) {
      const r = this.partRows(h, p);
      if (r === null) return null;
      s += r;
    }
    return s;
  }

  totals(h: Handle): { total: number; complete: boolean } {
    if (h.scope === 'merged') {
      if (h.merged) return { total: h.merged.rows, complete: true };
      return { total: 0, complete: false };
    }
    let total = 0;
    let exact = true;
    for (const p of h.parts) {
      const r = this.partRows(h, p);
      if (r === null) {
        exact = false;
        total += p.reader ? p.reader.readable : p.first ? p.first.rows.length : 0;
      } else total += r;
    }
    return { total, complete: exact && h.parts.every((p) => p.meta) };
  }

  grown(h: Handle): void {
    const { total, complete } = this.totals(h);
    if (total === h.lastTotal && complete === h.lastComplete) return;
    h.lastTotal = total;
    h.lastComplete = complete;
    this.o.events.emit({ type: 'table-grown', handle: h.id, totalRows: total, complete });
  }
}

/**
 * A part's failure as the handle lists it beside its chunk (chunk: error): the member's path
 * below the chunk (a daily dump's day is the chunk), then the error, which may name it itself.
 */
export function partErrorWithin(p: Part): string {
  const below = p.member.startsWith(`${p.chunk}/`) ? p.member.slice(p.chunk.length + 1) : p.member;
  return p.error!.startsWith(p.member) ? `${below}${p.error!.slice(p.member.length)}` : `${below}: ${p.error}`;
}

/**
 * A part's failure as one line: its chunk and member (the chunk once where the member's path
 * starts with it, as a daily dump's day does), then the error, which may name the file itself.
 */
function partError(p: Part): string {
  const label = p.member.startsWith(`${p.chunk}/`) ? p.member : `${p.chunk}/${p.member}`;
  return p.error!.startsWith(`${p.member}: `) ? `${label}${p.error!.slice(p.member.length)}` : `${label}: ${p.error}`;
}
