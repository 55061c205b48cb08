// Export of a view as CSV (RFC 4180, CRLF, UTF-8, header first). Scopes without malformed
// records go through DuckDB's CSV writer over the analysis stores (well over 1M rows/s);
// others page through the grid's rows so malformed records come out as the grid shows them.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { ExportResult, RowsPage, RowsRequest, TableHandleInfo, ViewSpec } from '../../shared/table-api';
import { refuseInsideDrop } from '../fs/write-guard';
import { exportCsv, plainHeader } from './analysis';
import { withConnection } from './duck';
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
   * rows go to a file beside the target, which then follows the header. Cells are exact (a
   * typed column's text is its cell); for scopes without malformed records only.
   */
  private async exportWithDuck(h: Handle, view: ViewSpec, target: string, started: number): Promise<ExportResult> {
    const { stores, events } = this;
    const spec = stores.sqlView(h, view);
    if (h.scope === 'merged') await this.merged.ensureMerged(h);
    await stores.ensureAnalysis(h);
    const body = `${target}.${process.pid}-${Math.random().toString(36).slice(2)}.part`;
    // Plain names: DuckDB writes the header too, and the file is renamed into place whole.
    const columns = this.info(h).columns;
    const plain = plainHeader(columns);
    try {
      const scope = stores.scope(h);
      const rows = await withConnection(
        {
          signal: h.control.signal,
          onProgress: (f) => events.progress(h, 'exporting', Math.round(f * 100), 100, started),
          what: `exporting ${h.table}`,
        },
        (con) => exportCsv(con, stores.ctx(h, scope), spec, body, plain ? columns : null),
      );
      if (plain) await fsp.rename(body, target);
      else {
        await fsp.writeFile(target, columns.map(csvField).join(',') + '\r\n');
        await pipeline(createReadStream(body, { highWaterMark: 1 << 20 }), createWriteStream(target, { flags: 'a' }));
      }
      events.progress(h, 'done', rows, rows, started);
      return { file: target, rows, bytes: (await fsp.stat(target)).size };
    } finally {
      await fsp.rm(body, { force: true }).catch(() => undefined);
    }
  }
}
