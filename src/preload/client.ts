// DropInspectorApi over Electron IPC, as the preload exposes it. Kept apart from index.ts
// (which only wires it to the real ipcRenderer and contextBridge) so tests can drive it
// with an in-memory ipcRenderer.
import { API_METHODS, type ApiErrorShape, type ApiMethod, type DropInspectorApi, type EngineEvent } from '../shared/api';
import { IPC_CHANNELS, type IpcArgs, type IpcResponse, type IpcValue } from '../shared/ipc';

/** The part of Electron's ipcRenderer the client uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * The rejection value of a failed call: a plain object, not an Error, because contextBridge
 * copies an Error with its message only and the UI needs the code.
 */
export type IpcCallError = ApiErrorShape & { name: 'ApiError' };

function isResponse(value: unknown): value is IpcResponse {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

export function createIpcClient(ipc: IpcRendererLike): DropInspectorApi {
  async function call<M extends ApiMethod>(method: M, ...args: IpcArgs<M>): Promise<IpcValue<M>> {
    const response = await ipc.invoke(IPC_CHANNELS[method], ...args);
    if (!isResponse(response)) {
      const error: IpcCallError = {
        name: 'ApiError',
        code: 'internal',
        message: `Malformed answer to ${method}.`,
      };
      throw error;
    }
    if (response.ok) return response.value as IpcValue<M>;
    const error: IpcCallError = {
      name: 'ApiError',
      code: response.error.code,
      message: response.error.message,
    };
    throw error;
  }

  // One invoke per method of the method table; the table's arity is checked against the
  // interface by the compiler (src/shared/api-methods.ts).
  const calls = Object.fromEntries(
    API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, ...(args as IpcArgs<typeof m>))]),
  ) as Pick<DropInspectorApi, ApiMethod>;
  const api: DropInspectorApi = {
    ...calls,
    onEvent(listener: (event: EngineEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function.');
      const handler = (_event: unknown, payload?: unknown): void => {
        if (typeof payload === 'object' && payload !== null) listener(payload as EngineEvent);
      };
      ipc.on(IPC_CHANNELS.onEvent, handler);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(IPC_CHANNELS.onEvent, handler);
      };
    },
  };
  return api;
}
