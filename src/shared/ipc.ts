// The Electron IPC contract between src/main (handlers) and src/preload (client): one
// channel per DropInspectorApi member, derived from the interface so that adding a method
// to the API without a channel is a type error. No other file spells a channel string.
import type { ApiErrorShape, ApiMethod, DropInspectorApi, EngineEvent } from './api';

/** Channel of every DropInspectorApi member: invoke channels for methods, a push channel for onEvent. */
export const IPC_CHANNELS = {
  recentDrops: 'di:recentDrops',
  initialDrop: 'di:initialDrop',
  startScan: 'di:startScan',
  cancelScan: 'di:cancelScan',
  getReport: 'di:getReport',
  exportReport: 'di:exportReport',
  watchDrop: 'di:watchDrop',
  pickFolder: 'di:pickFolder',
  saveView: 'di:saveView',
  listTables: 'di:listTables',
  openTable: 'di:openTable',
  tableInfo: 'di:tableInfo',
  getRows: 'di:getRows',
  columnStats: 'di:columnStats',
  cancel: 'di:cancel',
  closeTable: 'di:closeTable',
  /** main → renderer: one EngineEvent per message. */
  onEvent: 'di:event',
} as const satisfies { readonly [K in keyof DropInspectorApi]: `di:${string}` };

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
