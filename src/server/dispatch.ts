// One way into the API for both hosts (the HTTP host here and Electron IPC in src/main):
// the method name is checked against API_METHODS, every argument coming from the UI is
// checked (paths: absolute, existing, a directory) before the engine sees it, and the
// engine is called with the checked, normalized arguments. Plain Node: no Electron here.
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { API_SPEC, type ArgKind } from '../shared/api-methods';
import { isS3Url, parseS3Url, s3UrlOf } from '../engine/storage/location';
import { asOfSecondsOf } from '../shared/times';
import {
  API_METHODS,
  type ApiMethod,
  type DropInspectorApi,
  type JudgementSettings,
  type ReportFormat,
  type ScanOptions,
} from '../shared/api';
import {
  TABLE_ENCODINGS,
  type FilterOp,
  type FilterSpec,
  type SortSpec,
  type OpenTableRequest,
  type RowsRequest,
  type TableEncoding,
  type TableScope,
  type ViewSpec,
} from '../shared/table-api';
import type { Dialect } from '../shared/family';
import { ApiError } from './errors';

const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'csv', 'html'];
const MAX_PATH_LENGTH = 4096;
const MAX_JOB_ID_LENGTH = 256;

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/**
 * A drop from the UI: a folder (absolute, existing, a directory), or an S3 location
 * (s3://bucket/prefix/, well-formed; the engine lists it and says why when it cannot).
 * Returns it normalized.
 */
export async function checkDropPath(value: unknown, what = 'drop'): Promise<string> {
  if (typeof value !== 'string' || value === '') {
    throw new ApiError('bad-request', `The ${what} must be a folder path.`);
  }
  if (value.length > MAX_PATH_LENGTH || value.includes('\0')) {
    throw new ApiError('bad-request', `The ${what} path is not a valid path.`);
  }
  if (isS3Url(value)) {
    const loc = parseS3Url(value);
    if (!loc) throw new ApiError('bad-request', `${value.trim()} is not an S3 location: use s3://bucket/prefix/`);
    return s3UrlOf(loc);
  }
  if (!isAbsolute(value)) {
    throw new ApiError('bad-request', `The ${what} path must be absolute: ${value}`);
  }
  const path = resolve(value);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ApiError('not-found', `No such folder: ${path}`);
    }
    throw new ApiError('unreadable', `Cannot read ${path}: ${(error as Error).message}`);
  }
  if (!info.isDirectory()) throw new ApiError('not-a-directory', `Not a folder: ${path}`);
  return path;
}

function checkScanOptions(value: unknown): ScanOptions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('bad-request', 'Scan options must be an object.');
  }
  const options: ScanOptions = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    switch (key) {
      case 'verify':
        if (typeof v !== 'boolean')
          throw new ApiError('bad-request', 'options.verify must be true or false.');
        options.verify = v;
        break;
      case 'cadenceSeconds':
        options.cadenceSeconds = checkSeconds(v, 'options.cadenceSeconds');
        break;
      case 'graceSeconds':
        options.graceSeconds = checkSeconds(v, 'options.graceSeconds', true);
        break;
      case 'asOf':
        options.asOf = checkIsoTime(v, 'options.asOf');
        break;
      default:
        throw new ApiError('bad-request', `Unknown scan option: ${key}`);
    }
  }
  return options;
}

function checkSeconds(v: unknown, what: string, zeroOk = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0) || v > 10 * 365 * 86400) {
    throw new ApiError('bad-request', `${what} must be a ${zeroOk ? 'non-negative' : 'positive'} number of seconds.`);
  }
  return v;
}

function checkIsoTime(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length > 64 || asOfSecondsOf(v) === null) {
    throw new ApiError('bad-request', `${what} must be an ISO date-time, e.g. 2026-11-24T22:00:00Z.`);
  }
  return v;
}

function checkJudgement(value: unknown): JudgementSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('bad-request', 'The judgement settings must be { cadenceSeconds, graceSeconds, asOf }.');
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['cadenceSeconds', 'graceSeconds', 'asOf'].includes(key)) throw new ApiError('bad-request', `Unknown judgement setting: ${key}`);
  }
  const or = <T>(v: unknown, check: (x: unknown) => T): T | null => (v === undefined || v === null ? null : check(v));
  return {
    cadenceSeconds: or(o.cadenceSeconds, (v) => checkSeconds(v, 'The cadence')),
    graceSeconds: or(o.graceSeconds, (v) => checkSeconds(v, 'The grace', true)),
    asOf: or(o.asOf, (v) => checkIsoTime(v, '"As of"')),
  };
}

/** A folder for the folder browser: null (the roots) or an existing absolute folder. */
async function checkBrowsePath(value: unknown): Promise<string | null> {
  if (value === undefined || value === null) return null;
  return checkDropPath(value, 'folder');
}

function checkFormat(value: unknown): ReportFormat {
  if (typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value)) {
    return value as ReportFormat;
  }
  throw new ApiError('bad-request', `The report format must be one of ${REPORT_FORMATS.join(', ')}.`);
}

function checkJobId(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_JOB_ID_LENGTH) {
    throw new ApiError('bad-request', 'The job id must be a non-empty string.');
  }
  return value;
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new ApiError('bad-request', `${what} must be true or false.`);
  return value;
}

/** One check per argument kind of the method table (src/shared/api-methods.ts). */
const ARG_CHECKS: Record<BaseKind, (value: unknown) => unknown> = {
  drop: (v) => checkDropPath(v),
  scanOptions: (v) => checkScanOptions(v),
  reportFormat: (v) => checkFormat(v),
  jobId: (v) => checkJobId(v),
  on: (v) => checkBoolean(v, 'watchDrop\u2019s "on"'),
  handle: (v) => checkHandle(v),
  openTable: (v) => checkOpenTable(v),
  rowsRequest: (v) => checkRowsRequest(v),
  column: (v) => checkString(v, 'column'),
  view: (v) => checkViewSpec(v ?? {}),
  folder: (v) => checkBrowsePath(v),
  judgement: (v) => checkJudgement(v),
};
type BaseKind = ArgKind extends infer K ? (K extends `${infer B}?` ? B : K) : never;

/** Checks and normalizes a method's arguments as they arrive from the UI. */
export async function checkArgs<M extends ApiMethod>(
  method: M,
  args: readonly unknown[],
): Promise<Parameters<DropInspectorApi[M]>> {
  const kinds = API_SPEC[method] as readonly ArgKind[] | undefined;
  if (!kinds) throw new ApiError('not-found', `Unknown method: ${String(method)}`);
  // Trailing undefined/null (e.g. an omitted options object, JSON's null) are no arguments.
  let count = args.length;
  while (count > 0 && (args[count - 1] === undefined || args[count - 1] === null)) count--;
  if (count > kinds.length) {
    throw new ApiError('bad-request', `${method} takes at most ${kinds.length} argument(s).`);
  }
  const checked: unknown[] = [];
  // Cheap checks first, the path checks (file system) after, as the UI expects bad options
  // to be told even for a drop that does not exist.
  const values: unknown[] = new Array(kinds.length);
  const order = kinds.map((k, i) => i).sort((a, b) => Number(kinds[a] === 'drop') - Number(kinds[b] === 'drop'));
  for (const i of order) {
    const kind = kinds[i];
    const optional = kind.endsWith('?');
    const v = args[i];
    if (optional && (v === undefined || v === null)) continue;
    values[i] = await ARG_CHECKS[(optional ? kind.slice(0, -1) : kind) as BaseKind](v);
  }
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i].endsWith('?') && values[i] === undefined) break; // optional and absent: the rest too
    checked.push(values[i]);
  }
  return checked as Parameters<DropInspectorApi[M]>;
}

/**
 * Calls `method` on `api` with arguments straight from the UI (JSON or structured clone):
 * unknown methods → ApiError 'not-found', bad arguments → 'bad-request' (or 'not-found' /
 * 'not-a-directory' for a drop path), otherwise whatever the engine answers or throws.
 */
export async function callApi(api: DropInspectorApi, method: string, rawArgs: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw new ApiError('not-found', `Unknown method: ${method}`);
  if (!Array.isArray(rawArgs)) throw new ApiError('bad-request', 'The arguments must be an array.');
  const args = await checkArgs(method, rawArgs);
  const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
  return await fn.apply(api, args);
}

// --- the table browser's arguments

const MAX_PAGE_ROWS = 10_000;
const FILTER_OPS: readonly FilterOp[] = [
  'contains', 'not-contains', 'equals', 'not-equals', 'starts-with', 'ends-with', 'empty', 'not-empty', 'gt', 'gte', 'lt', 'lte', 'regex', 'malformed',
];

function checkString(value: unknown, what: string, max = 4096): string {
  if (typeof value !== 'string' || value.length > max) throw new ApiError('bad-request', `${what} must be a string of at most ${max} characters.`);
  return value;
}

function checkHandle(value: unknown): string {
  const s = checkString(value, 'The table handle', 200);
  if (!s) throw new ApiError('bad-request', 'The table handle is empty.');
  return s;
}

function checkCount(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new ApiError('bad-request', `${what} must be a whole number from 0 to ${max}.`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkOpenTable(value: unknown): OpenTableRequest {
  if (!isObject(value)) throw new ApiError('bad-request', 'openTable needs { table, scope }.');
  const table = checkString(value.table, 'The table name', 500);
  let scope: TableScope;
  if (value.scope === 'all' || value.scope === 'merged') scope = value.scope;
  else if (isObject(value.scope) && typeof value.scope.chunk === 'string') scope = { chunk: checkString(value.scope.chunk, 'The chunk name', 1000) };
  else throw new ApiError('bad-request', 'The scope must be "all", "merged" or { chunk }.');
  const out: OpenTableRequest = { table, scope };
  if (value.encoding !== undefined && value.encoding !== null) {
    if (!TABLE_ENCODINGS.includes(value.encoding as TableEncoding)) throw new ApiError('bad-request', `The encoding must be one of ${TABLE_ENCODINGS.join(', ')}.`);
    out.encoding = value.encoding as TableEncoding;
  }
  if (value.key !== undefined && value.key !== null) {
    if (!Array.isArray(value.key) || value.key.length === 0 || value.key.length > 16) throw new ApiError('bad-request', 'The key must be a list of 1 to 16 column names.');
    out.key = value.key.map((k) => checkString(k, 'A key column', 500));
  }
  if (value.dialect !== undefined && value.dialect !== null) out.dialect = checkDialect(value.dialect);
  return out;
}

/** Parts of a DSV dialect to read with: delimiter and quote single ASCII characters (quote or null), header a boolean. */
function checkDialect(value: unknown): Partial<Dialect> {
  if (!isObject(value)) throw new ApiError('bad-request', 'The dialect must be { delimiter?, quote?, header? }.');
  const out: Partial<Dialect> = {};
  const oneChar = (v: unknown): v is string =>
    typeof v === 'string' && v.length === 1 && v.charCodeAt(0) < 0x80 && v !== '\n' && v !== '\r';
  if (value.delimiter !== undefined) {
    if (!oneChar(value.delimiter) || value.delimiter === '"') throw new ApiError('bad-request', 'The delimiter must be one character such as , ; | or a tab.');
    out.delimiter = value.delimiter;
  }
  if (value.quote !== undefined) {
    if (value.quote !== null && !oneChar(value.quote)) throw new ApiError('bad-request', 'The quote must be one character or null (no quoting).');
    out.quote = value.quote;
  }
  if (value.header !== undefined) {
    if (typeof value.header !== 'boolean') throw new ApiError('bad-request', 'header must be true or false.');
    out.header = value.header;
  }
  if (out.delimiter !== undefined && out.quote !== undefined && out.delimiter === out.quote) throw new ApiError('bad-request', 'The delimiter and the quote must differ.');
  return out;
}

function checkViewSpec(value: unknown): ViewSpec {
  if (!isObject(value)) throw new ApiError('bad-request', 'A view must be an object.');
  const view: ViewSpec = {};
  const checkSort = (v: unknown): SortSpec => {
    if (!isObject(v)) throw new ApiError('bad-request', 'sort must be { column, desc?, as? }.');
    const as = v.as;
    if (as !== undefined && as !== 'auto' && as !== 'text' && as !== 'number') throw new ApiError('bad-request', 'sort.as must be auto, text or number.');
    return { column: checkString(v.column, 'The sort column', 500), desc: v.desc === true, ...(as ? { as } : {}) };
  };
  if (value.sort !== undefined && value.sort !== null) view.sort = checkSort(value.sort);
  if (value.thenBy !== undefined && value.thenBy !== null) {
    if (!Array.isArray(value.thenBy) || value.thenBy.length > 16) throw new ApiError('bad-request', 'thenBy must be a list of at most 16 sorts.');
    if (value.thenBy.length) view.thenBy = value.thenBy.map(checkSort);
  }
  if (value.filter !== undefined && value.filter !== null) {
    if (!Array.isArray(value.filter) || value.filter.length > 64) throw new ApiError('bad-request', 'filter must be a list of at most 64 conditions.');
    view.filter = value.filter.map((f): FilterSpec => {
      if (!isObject(f) || !FILTER_OPS.includes(f.op as FilterOp)) throw new ApiError('bad-request', `A filter needs an op among ${FILTER_OPS.join(', ')}.`);
      return {
        op: f.op as FilterOp,
        ...(f.column !== undefined && f.column !== null ? { column: checkString(f.column, 'A filter column', 500) } : {}),
        ...(f.value !== undefined && f.value !== null ? { value: checkString(f.value, 'A filter value') } : {}),
        ...(f.caseSensitive === true ? { caseSensitive: true } : {}),
      };
    });
  }
  if (value.search !== undefined && value.search !== null && value.search !== '') view.search = checkString(value.search, 'The search text');
  return view;
}

function checkRowsRequest(value: unknown): RowsRequest {
  if (!isObject(value)) throw new ApiError('bad-request', 'getRows needs { offset, limit }.');
  return { ...checkViewSpec(value), offset: checkCount(value.offset, 'offset'), limit: checkCount(value.limit, 'limit', MAX_PAGE_ROWS) };
}
