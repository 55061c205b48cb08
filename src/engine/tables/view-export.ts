// Export of a view as CSV (RFC 4180, CRLF, UTF-8, header first). Scopes without malformed
// records go through DuckDB's CSV writer over the analysis stores (well over 1M rows/s);
// others page through the grid's rows so malformed records come out as the grid shows them.
import { createWriteStream, promises as fsp } from 'node:fs';
import type { ExportResult, RowsPage, RowsRequest, TableHandleInfo, ViewSpec } from '../../shared/table-api';
import { appendFiles } from '../fs/append-files';
import { refuseInsideDrop } from '../fs/write-guard';
import { abortError } from '../abort';
import { exportCsv, plainHeader, type Connect } from './export-copy';
import { queryThreads, withConnection } from './duck';
import type { HandleStores } from './handle-stores';
import type { MergedViews } from './merged-view';
import type { PartBuilds } from './part-builds';
import type { TableEvents } from './table-events';
import { abortable, csvField, now, type Handle } from './table-handle';

export class ViewExport {
  constructor(
    private readonly builds: PartBuilds,
    private readonly stores: HandleStores,
    private readonly merged: MergedViews,
    private readonly events: TableEvents,
    private readonly info: (h: Handle) => TableHandleInfo,
    private readonly getRows: (id: string, req: RowsRequest) => Promise<RowsPage>,
  ) {}

  async exportView(h: Handle, view: ViewSpec, file: string): Promise<ExportResult> {
    const { events } = this;
    const target = refuseInsideDrop(file, h.drop, 'the exported view');
    const started = now();
    await abortable(this.builds.ensureAllBuilt(h), h.control.signal);
    if (h.parts.every((p) => p.meta!.malformed === 0)) return this.exportWithDuck(h, view, target, started);
    const info = this.info(h);
    const out = createWriteStream(target);
    const write = (s: string): Promise<void> =>
      new Promise((res, rej) => {
        if (out.write(s)) res();
        else {
          out.once('drain', res);
          out.once('error', rej);
        }
      });
    let rows = 0;
    try {
      await write(info.columns.map(csvField).join(',') + '\r\n');
      const step = 5000;
      for (let offset = 0; ; offset += step) {
        h.control.signal.throwIfAborted();
        const page = await this.getRows(h.id, { ...view, offset, limit: step });
        if (page.rows.length === 0) break;
        await write(page.rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n');
        rows += page.rows.length;
        events.progress(h, 'exporting', rows, page.totalRows, started);
        if (page.rows.length < step) break;
      }
    } finally {
      await new Promise<void>((res) => out.end(res));
    }
    events.progress(h, 'done', rows, rows, started);
    return { file: target, rows, bytes: (await fsp.stat(target)).size };
  }

  /**
   * The export by DuckDB's CSV writer over the analysis stores (well over 1M rows/s): the
   * rows go to files beside the target (one per run, export-split.ts), which are then joined
   * into it in order, after the header unless DuckDB wrote it. Cells are exact (a typed
   * column's text is its cell); for scopes without malformed records only.
   */
  private async exportWithDuck(h: Handle, view: ViewSpec, target: string, started: number): Promise<ExportResult> {
    const { stores, events } = this;
    const spec = stores.sqlView(h, view);
    if (h.scope === 'merged') await this.merged.ensureMerged(h);
    await stores.ensureAnalysis(h);
    const stem = `${target}.${process.pid}-${Math.random().toString(36).slice(2)}`;
    const fileOf = (i: number): string => `${stem}.${i}.part`;
    // Plain names: DuckDB writes the header too, and the first run's file becomes the target.
    const columns = this.info(h).columns;
    const plain = plainHeader(columns);
    // A failed run cancels the others (their connections interrupted).
    const control = new AbortController();
    const cancel = (): void => control.abort();
    h.control.signal.addEventListener('abort', cancel, { once: true });
    const done: number[] = [];
    let files: string[] = [];
    const connect: Connect = (run, work) =>
      withConnection(
        {
          signal: control.signal,
          onProgress: (f) => {
            done[run] = f;
            events.progress(h, 'exporting', Math.round((done.reduce((a, b) => a + (b ?? 0), 0) / done.length) * 100), 100, started);
          },
          what: `exporting ${h.table}`,
        },
        work,
      ).catch((e: unknown) => {
        control.abort();
        throw e;
      });
    try {
      if (h.control.signal.aborted) throw abortError();
      const scope = stores.scope(h);
      const out = await exportCsv(connect, stores.ctx(h, scope), spec, fileOf, plain ? columns : null, queryThreads());
      files = out.files;
      // Joined beside the target, then renamed into place: it appears whole or not at all.
      const whole = plain ? files[0] : fileOf(files.length);
      if (!plain) await fsp.writeFile(whole, columns.map(csvField).join(',') + '\r\n');
      await appendFiles(whole, plain ? files.slice(1) : files, h.control.signal);
      await fsp.rename(whole, target);
      events.progress(h, 'done', out.rows, out.rows, started);
      return { file: target, rows: out.rows, bytes: (await fsp.stat(target)).size };
    } finally {
      h.control.signal.removeEventListener('abort', cancel);
      // Every run's file, written or not (a failed export leaves none beside the target).
      for (let i = 0; i <= Math.max(files.length, queryThreads()); i++)
        await fsp.rm(fileOf(i), { force: true }).catch(() => undefined);
    }
  }
}
