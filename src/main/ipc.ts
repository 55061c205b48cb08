// Every IPC handler of the main process goes through ONE wrapper, handle(channel, fn), which
// refuses senders other than the app's own windows showing the app's own renderer (after
// electron/fiddle's src/main/ipc.ts). Its dependencies (the ipcMain-like object, the
// "is this sender ours" predicate) are injected, so tests drive it without Electron.
// This file and src/preload/index.ts are the only ones allowed to import ipcMain/ipcRenderer.
import { ipcMain as electronIpcMain } from 'electron';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { API_METHODS, type ApiMethod, type DropInspectorApi, type EngineEvent } from '../shared/api';
import { IPC_CHANNELS, type IpcInvokeChannel, type IpcResponse } from '../shared/ipc';
import { callApi } from '../server/dispatch';
import { toApiErrorShape } from '../server/errors';

/** What the sender check looks at in an IpcMainInvokeEvent. */
export interface IpcSenderEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent?: unknown } | null;
}

/** The part of Electron's ipcMain the wrapper uses. */
export interface IpcMainLike<E extends IpcSenderEvent = IpcSenderEvent> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type SenderCheck = (event: IpcSenderEvent) => boolean;

export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`Refused IPC on ${channel}: the sender is not one of this app's windows.`);
    this.name = 'UntrustedSenderError';
  }
}

/**
 * The one wrapper: `handle(channel, fn)` registers fn for an invoke channel, rejecting (and
 * never calling fn for) a sender the predicate does not accept. Returns a function that
 * unregisters every handler registered through it.
 */
export function createHandle<E extends IpcSenderEvent>(
  ipcMain: IpcMainLike<E>,
  isTrustedSender: SenderCheck,
): {
  handle: (channel: IpcInvokeChannel, fn: (event: E, ...args: unknown[]) => unknown) => void;
  dispose: () => void;
} {
  const channels = new Set<string>();
  return {
    handle(channel, fn) {
      if (channels.has(channel)) throw new Error(`IPC channel registered twice: ${channel}`);
      channels.add(channel);
      ipcMain.handle(channel, (event: E, ...args: unknown[]) => {
        let trusted: boolean;
        try {
          trusted = isTrustedSender(event);
        } catch {
          trusted = false;
        }
        if (!trusted) throw new UntrustedSenderError(channel);
        return fn(event, ...args);
      });
    },
    dispose() {
      for (const channel of channels) ipcMain.removeHandler(channel);
      channels.clear();
    },
  };
}

export interface SenderCheckOptions {
  /**
   * The renderer's own URL: file:// of out/renderer/index.html, or the dev server's URL
   * (electron-vite dev sets ELECTRON_RENDERER_URL).
   */
  rendererUrl: string;
  /** Whether a webContents id belongs to a window this app created. */
  isOwnWebContents: (webContentsId: number) => boolean;
}

/** True when `url` is the app's own renderer page (any query or hash). */
export function isRendererUrl(url: string, rendererUrl: string): boolean {
  let given: URL;
  let own: URL;
  try {
    given = new URL(url);
    own = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (own.protocol === 'file:') {
    if (given.protocol !== 'file:' || given.host !== own.host) return false;
    try {
      return resolve(fileURLToPath(given)) === resolve(fileURLToPath(own));
    } catch {
      return false;
    }
  }
  if (own.protocol !== 'http:' && own.protocol !== 'https:') return false;
  return given.origin === own.origin;
}

/**
 * The "is this sender ours" predicate for real Electron events: the sending frame is a
 * top-level frame showing the app's renderer, in a webContents of one of the app's windows.
 */
export function createSenderCheck(options: SenderCheckOptions): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame) return false; // navigated away or destroyed meanwhile
    if (frame.parent !== undefined && frame.parent !== null) return false; // a subframe
    if (!options.isOwnWebContents(event.sender.id)) return false;
    return isRendererUrl(frame.url, options.rendererUrl);
  };
}

export interface RegisterApiOptions<E extends IpcSenderEvent = IpcSenderEvent> {
  /** The API the handlers serve (engine service plus the host's own pickFolder). */
  api: DropInspectorApi;
  isTrustedSender: SenderCheck;
  /** Default: Electron's ipcMain. */
  ipcMain?: IpcMainLike<E>;
}

/**
 * Registers one handler per API method (IPC_CHANNELS), each through `handle`. Arguments are
 * checked by callApi (drop paths: absolute, existing, a directory) before the API sees them;
 * results and errors travel as IpcResponse. Returns the function that unregisters them.
 */
export function registerApiHandlers<E extends IpcSenderEvent>(options: RegisterApiOptions<E>): () => void {
  const ipcMain = options.ipcMain ?? (electronIpcMain as unknown as IpcMainLike<E>);
  const { handle, dispose } = createHandle(ipcMain, options.isTrustedSender);
  for (const method of API_METHODS) {
    handle(IPC_CHANNELS[method], async (_event, ...args): Promise<IpcResponse<ApiMethod>> => {
      try {
        return { ok: true, value: (await callApi(options.api, method, args)) as never };
      } catch (error) {
        return { ok: false, error: toApiErrorShape(error) };
      }
    });
  }
  return dispose;
}

/** Where engine events go: a window's webContents, or anything with send(). */
export interface EventTarget {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed?(): boolean;
}

/** Forwards every engine event to the current targets; returns the unsubscribe function. */
export function forwardEngineEvents(
  api: Pick<DropInspectorApi, 'onEvent'>,
  targets: () => Iterable<EventTarget>,
): () => void {
  return api.onEvent((event: EngineEvent) => {
    for (const target of targets()) {
      if (target.isDestroyed?.()) continue;
      try {
        target.send(IPC_CHANNELS.onEvent, event);
      } catch {
        // A window closing while the event is sent: nothing to do.
      }
    }
  });
}
