// An in-memory ipcMain / ipcRenderer pair behaving like Electron's where it matters here:
// arguments and answers are structured-cloned, an invoke on a channel without a handler
// rejects, a throwing handler rejects with the message only (as Electron does), and one
// handler per channel. Each renderer carries the sender identity its invokes arrive with.
import type { IpcMainLike, IpcSenderEvent } from '../../src/main/ipc';
import type { IpcRendererLike } from '../../src/preload/client';

type Handler = (event: IpcSenderEvent, ...args: unknown[]) => unknown;
type RendererListener = (event: unknown, ...args: unknown[]) => void;

export interface FakeRenderer {
  ipcRenderer: IpcRendererLike;
  /** The webContents-like object main sends events to. */
  webContents: { id: number; send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean };
}

export function createFakeIpc(): {
  ipcMain: IpcMainLike;
  handlers: Map<string, Handler>;
  renderer(sender: IpcSenderEvent): FakeRenderer;
} {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener as Handler);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };

  function renderer(sender: IpcSenderEvent): FakeRenderer {
    const listeners = new Map<string, Set<RendererListener>>();
    const ipcRenderer: IpcRendererLike = {
      async invoke(channel, ...args) {
        const handler = handlers.get(channel);
        if (!handler) {
          throw new Error(
            `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
          );
        }
        const cloned = structuredClone(args);
        let result: unknown;
        try {
          result = await handler(sender, ...cloned);
        } catch (error) {
          throw new Error(`Error invoking remote method '${channel}': ${String(error)}`, { cause: error });
        }
        return structuredClone(result);
      },
      on(channel, listener) {
        let set = listeners.get(channel);
        if (!set) listeners.set(channel, (set = new Set()));
        set.add(listener);
        return ipcRenderer;
      },
      removeListener(channel, listener) {
        listeners.get(channel)?.delete(listener);
        return ipcRenderer;
      },
    };
    const webContents = {
      id: sender.sender.id,
      send(channel: string, ...args: unknown[]) {
        const cloned = structuredClone(args);
        for (const listener of [...(listeners.get(channel) ?? [])]) listener({ senderId: 0 }, ...cloned);
      },
      isDestroyed: () => false,
    };
    return { ipcRenderer, webContents };
  }

  return { ipcMain, handlers, renderer };
}
