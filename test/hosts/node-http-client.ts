// DropInspectorApi over the browser host's HTTP protocol, for Node-side tests: fetch for
// calls, a hand-rolled text/event-stream reader (node:http) for events. Failed calls reject
// with an Error carrying the ApiErrorShape's code.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { ApiErrorShape, ApiMethod, DropInspectorApi, EngineEvent } from '../../src/shared/api';
import {
  CALL_PATH,
  EVENTS_PATH,
  TOKEN_HEADER,
  TOKEN_QUERY,
  type CallRequest,
  type CallResponse,
} from '../../src/shared/http-protocol';

export type HttpCallError = Error & ApiErrorShape & { status: number };

/** Reads an SSE stream; calls onData with each event's data. Returns the closer. */
export function openEventStream(
  url: string,
  onData: (data: string) => void,
  onOpen?: (res: IncomingMessage) => void,
  onComment?: (comment: string) => void,
): { ready: Promise<IncomingMessage>; close: () => void } {
  let req: ClientRequest | undefined;
  const ready = new Promise<IncomingMessage>((resolve, reject) => {
    req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      onOpen?.(res);
      res.setEncoding('utf8');
      let buffer = '';
      let data: string[] = [];
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (data.length > 0) onData(data.join('\n'));
            data = [];
          } else if (line.startsWith(':')) {
            onComment?.(line.slice(1).trim());
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
      });
      res.on('error', () => undefined);
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
  ready.catch(() => undefined);
  return { ready, close: () => req?.destroy() };
}

export function createNodeHttpClient(baseUrl: string, token: string): DropInspectorApi & { close(): void } {
  const base = baseUrl.replace(/\/$/, '');
  const streams = new Set<{ close: () => void }>();

  async function call<T>(method: ApiMethod, args: unknown[]): Promise<T> {
    const body: CallRequest = { args };
    const res = await fetch(`${base}${CALL_PATH}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(body),
    });
    const payload = (await res.json()) as CallResponse;
    if (payload.ok) {
      if (res.status !== 200) throw new Error(`ok:true with HTTP ${res.status}`);
      return payload.value as T;
    }
    throw Object.assign(new Error(payload.error.message), { ...payload.error, status: res.status });
  }

  return {
    recentDrops: () => call('recentDrops', []),
    initialDrop: () => call('initialDrop', []),
    startScan: (drop, options) => call('startScan', options === undefined ? [drop] : [drop, options]),
    openDrop: (drop, options) => call('openDrop', options === undefined ? [drop] : [drop, options]),
    cancelScan: (jobId) => call('cancelScan', [jobId]),
    getReport: (drop, options) => call('getReport', options === undefined ? [drop] : [drop, options]),
    exportReport: (drop, format, options) =>
      call('exportReport', options === undefined ? [drop, format] : [drop, format, options]),
    watchDrop: (drop, on) => call('watchDrop', [drop, on]),
    pickFolder: () => call('pickFolder', []),
    browseFolder: (path) => call('browseFolder', [path]),
    getJudgement: (drop) => call('getJudgement', [drop]),
    setJudgement: (drop, settings) => call('setJudgement', [drop, settings]),
    saveView: (handle, view) => call('saveView', [handle, view]),
    listTables: (drop) => call('listTables', [drop]),
    openTable: (drop, request) => call('openTable', [drop, request]),
    tableInfo: (handle) => call('tableInfo', [handle]),
    getRows: (handle, request) => call('getRows', [handle, request]),
    columnStats: (handle, column, view) =>
      call('columnStats', view === undefined ? [handle, column] : [handle, column, view]),
    cancel: (handle) => call('cancel', [handle]),
    closeTable: (handle) => call('closeTable', [handle]),
    onEvent(listener: (event: EngineEvent) => void): () => void {
      const stream = openEventStream(
        `${base}${EVENTS_PATH}?${TOKEN_QUERY}=${encodeURIComponent(token)}`,
        (data) => listener(JSON.parse(data) as EngineEvent),
      );
      streams.add(stream);
      return () => {
        stream.close();
        streams.delete(stream);
      };
    },
    close() {
      for (const s of streams) s.close();
      streams.clear();
    },
  };
}
