// The one list of the API's methods and the kind of each argument: the IPC channel map
// (ipc.ts), both clients (preload, HTTP), both hosts' argument checks (server/dispatch.ts)
// and the method list are derived from it. Adding a method: its signature in
// DropInspectorApi (api.ts), one line here, its implementation in the engine service.
import type { DropInspectorApi } from './api';

/**
 * What an argument from the UI must be. A '?' suffix: may be left out (trailing only).
 * The checks themselves are in src/server/dispatch.ts (ARG_CHECKS), one per kind.
 */
export type ArgKind =
  | 'drop'
  | 'scanOptions?'
  | 'reportFormat'
  | 'jobId'
  | 'on'
  | 'handle'
  | 'openTable'
  | 'rowsRequest'
  | 'column'
  | 'view?'
  | 'view'
  | 'folder?'
  | 'judgement';

type Methods = Exclude<keyof DropInspectorApi, 'onEvent'>;

/** Each method's argument kinds; as many as the method's parameters (checked by the compiler). */
export const API_SPEC = {
  recentDrops: [],
  initialDrop: [],
  startScan: ['drop', 'scanOptions?'],
  cancelScan: ['jobId'],
  getReport: ['drop', 'scanOptions?'],
  openDrop: ['drop', 'scanOptions?'],
  exportReport: ['drop', 'reportFormat', 'scanOptions?'],
  watchDrop: ['drop', 'on'],
  pickFolder: [],
  browseFolder: ['folder?'],
  getJudgement: ['drop'],
  setJudgement: ['drop', 'judgement'],
  saveView: ['handle', 'view'],
  listTables: ['drop'],
  openTable: ['drop', 'openTable'],
  tableInfo: ['handle'],
  getRows: ['handle', 'rowsRequest'],
  columnStats: ['handle', 'column', 'view?'],
  cancel: ['handle'],
  closeTable: ['handle'],
} as const satisfies { readonly [M in Methods]: readonly ArgKind[] & { length: Parameters<DropInspectorApi[M]>['length'] } };
