// The browser host's table-view download: GET SAVE_VIEW_PATH?handle=…&view=…, the view's
// arguments checked as the API's saveView's are, the CSV written by the engine to a private
// temporary file and streamed as an attachment. Apart from the host: the one route with a
// temporary file to clean up.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DropInspectorApi } from '../shared/api';
import type { ViewSpec } from '../shared/table-api';
import { checkArgs } from './dispatch';
import { toApiErrorShape } from './errors';
import { baseHeaders, sendApiError, sendText } from './http-response';

export interface SaveViewOptions {
  api: DropInspectorApi;
  /** Writes a table view as CSV to a file; without it the route is not found. */
  exportView?: (handle: string, view: ViewSpec, file: string) => Promise<unknown>;
  onError: (error: unknown) => void;
}

/**
 * A table view as a CSV download: the engine writes it to a private temporary file (bounded
 * memory whatever the view's size), which is then streamed and removed.
 */
export async function handleSaveView(
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  opts: SaveViewOptions,
): Promise<void> {
  const { api, exportView, onError } = opts;
  if (req.method !== 'GET') {
    sendText(res, 405, 'Method not allowed', { Allow: 'GET' });
    return;
  }
  if (!exportView) {
    sendText(res, 404, 'Not found');
    return;
  }
  let handle: string;
  let view: ViewSpec;
  try {
    const params = new URLSearchParams(query);
    [handle, view] = await checkArgs('saveView', [params.get('handle'), JSON.parse(params.get('view') || '{}')]);
  } catch (e) {
    sendApiError(
      res,
      e instanceof SyntaxError ? { code: 'bad-request', message: 'The view is not JSON.' } : toApiErrorShape(e),
      onError,
    );
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'di-view-'));
  try {
    const file = join(dir, 'view.csv');
    let name = 'table';
    try {
      await exportView(handle, view, file);
      name = (await api.tableInfo(handle)).table.replace(/[^A-Za-z0-9._-]/g, '_') || 'table';
    } catch (e) {
      sendApiError(res, toApiErrorShape(e), onError);
      return;
    }
    res.writeHead(
      200,
      baseHeaders({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}-view.csv"`,
        'Cache-Control': 'no-store',
      }),
    );
    await pipeline(createReadStream(file), res);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
