// The Electron IPC contract between src/main (handlers) and src/preload (client): one
// channel per DropInspectorApi member, derived from the one method table (api-methods.ts).
// No other file spells a channel string.
import { API_METHODS, type ApiErrorShape, type ApiMethod, type DropInspectorApi, type EngineEvent } from './api';

/** Channel of every DropInspectorApi member: `di:<method>` for methods, a push channel for onEvent. */
export const IPC_CHANNELS = {
  ...(Object.fromEntries(API_METHODS.map((m) => [m, `di:${m}`])) as { readonly [M in ApiMethod]: `di:${M}` }),
  /** main → renderer: one EngineEvent per message. */
  onEvent: 'di:event',
} as const;

export type IpcInvokeChannel = (typeof IPC_CHANNELS)[ApiMethod];
export type IpcEventChannel = (typeof IPC_CHANNELS)['onEvent'];

/** Arguments a method's channel carries (renderer → main). */
export type IpcArgs<M extends ApiMethod> = Parameters<DropInspectorApi[M]>;
/** The value a method resolves to. */
export type IpcValue<M extends ApiMethod> = Awaited<ReturnType<DropInspectorApi[M]>>;

/**
 * What a handler answers (main → renderer). Errors travel as data because Electron keeps only
 * the message of an Error thrown by a handler, and contextBridge drops an Error's own
 * properties; the preload turns `ok: false` back into a rejection carrying the code.
 */
export type IpcResponse<M extends ApiMethod = ApiMethod> =
  { ok: true; value: IpcValue<M> } | { ok: false; error: ApiErrorShape };

/** The channel → signature map: what each channel carries. */
export type IpcSignatures = {
  [M in ApiMethod as (typeof IPC_CHANNELS)[M]]: (...args: IpcArgs<M>) => Promise<IpcResponse<M>>;
} & {
  [K in IpcEventChannel]: (event: EngineEvent) => void;
};
