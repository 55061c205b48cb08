// A typed column's first rows in each sort order, recorded when its segment store is built
// (store-write.ts writeTyped, in the same pass that checks the store): its HEAD_ROWS least values
// with their rows, and its HEAD_ROWS greatest. A sort's first page over a scope of many
// stores is merged from them (top-n.ts), with no scan of the column at all.
//
// Why: a 30M-row table is 44 stores, and the bounded top-N over their UNION ALL still reads
// the whole column (a random column's bound, taken from one store, lets every row group
// through): 61-91 ms, where DuckDB's own top-N over its single table takes ~54 ms. Merging
// 44 × 256 recorded keys is a few milliseconds.
//
// The merge is exact. A store's list holds every row whose value comes before the list's last
// value, and some of those equal to it. So the first n rows of the merged lists (by value, then
// position, as ORDER BY … NULLS LAST, __p gives them) are the view's first n whenever every
// store whose list is cut short ends strictly after the n-th value; where one does not (heavy
// ties), the caller runs the query instead.
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import type { StoreType } from './store-schema';

/** Values recorded per column and direction: at least the rows of a first page (TOP_N_MAX allows more: those run the query). */
export const HEAD_ROWS = 256;

/** A column's first rows in one order: their rows in the segment (__r) and their values as text (CAST AS VARCHAR). */
export interface Head {
  rows: number[];
  values: string[];
}

export interface ColumnHeads {
  asc: Head;
  desc: Head;
}

/** Where store column m's heads are kept, beside the store file. */
export const headsFile = (store: string, m: number): string => `${store}.head.${m}.json`;

/** The check query's expressions for typed column c (in this order: headsOf reads them so). */
export function headExprs(c: string): string[] {
  // arg_min/min(…, n) give their lists in value order, NULLs left out; ties among equal values
  // come in no set order, which the merge allows for (see the top of this file).
  return [
    `arg_min(__r, ${c}, ${HEAD_ROWS})`,
    `CAST(min(${c}, ${HEAD_ROWS}) AS VARCHAR[])`,
    `arg_max(__r, ${c}, ${HEAD_ROWS})`,
    `CAST(max(${c}, ${HEAD_ROWS}) AS VARCHAR[])`,
  ];
}

/** The heads in the check query's results (headExprs' four values), or null where they do not agree. */
export function headsOf(results: readonly unknown[]): ColumnHeads | null {
  const head = (rows: unknown, values: unknown): Head | null => {
    if (rows === null || values === null) return { rows: [], values: [] }; // an all-empty column
    if (!Array.isArray(rows) || !Array.isArray(values) || rows.length !== values.length) return null;
    return { rows: rows.map(Number), values: values.map(String) };
  };
  const asc = head(results[0], results[1]);
  const desc = head(results[2], results[3]);
  return asc && desc && asc.rows.length === desc.rows.length ? { asc, desc } : null;
}

export async function writeHeads(store: string, heads: ReadonlyMap<number, ColumnHeads>, columns: number): Promise<void> {
  // A column no longer typed in a rebuilt store keeps no heads from the last build.
  for (let m = 0; m < columns; m++) {
    const file = headsFile(store, m);
    const h = heads.get(m);
    if (h) await fsp.writeFile(file, JSON.stringify(h));
    else await fsp.rm(file, { force: true });
    cache.delete(file);
  }
}

const cache = new Map<string, ColumnHeads | null>();

/** Store column m's heads, or null (none recorded: a store built before them, or a text column). */
export function readHeads(store: string, m: number): ColumnHeads | null {
  const file = headsFile(store, m);
  let h = cache.get(file);
  if (h === undefined) {
    h = null;
    try {
      if (existsSync(file)) {
        const x = JSON.parse(readFileSync(file, 'utf8')) as ColumnHeads;
        if (valid(x.asc) && valid(x.desc)) h = x;
      }
    } catch {
      // unreadable or damaged: the query answers instead
    }
    if (cache.size > 4096) cache.clear();
    cache.set(file, h);
  }
  return h;
}

function valid(h: Head | undefined): h is Head {
  return !!h && Array.isArray(h.rows) && Array.isArray(h.values) && h.rows.length === h.values.length;
}

/** One store's part in a merge: its heads in the view's order, its first row's position, its non-empty cells. */
export interface HeadSource {
  head: Head;
  base: number;
  nonEmpty: number;
}

/**
 * The positions of the first n rows, by value (descending when `desc`) then position, of the
 * stores' rows with a value; null when the lists cannot tell them exactly (see the top of this
 * file), when they hold fewer than n values, or a value whose text does not order as it.
 */
export function mergeHeads(sources: readonly HeadSource[], type: StoreType, desc: boolean, n: number): Float64Array | null {
  const key = keyOf(type);
  if (!key) return null;
  const keys: Array<bigint | number | string> = [];
  const positions: number[] = [];
  for (const s of sources) {
    // A list is the store's first min(HEAD_ROWS, non-empty) rows, or it is not the one recorded.
    if (s.head.rows.length !== Math.min(HEAD_ROWS, s.nonEmpty)) return null;
    for (let i = 0; i < s.head.rows.length; i++) {
      const k = key(s.head.values[i]);
      if (k === null) return null;
      keys.push(k);
      positions.push(s.head.rows[i] + s.base);
    }
  }
  if (keys.length < n) return null;
  const sign = desc ? -1 : 1;
  const cmp = (a: bigint | number | string, b: bigint | number | string): number => (a < b ? -sign : a > b ? sign : 0);
  const order = keys.map((_, i) => i).sort((a, b) => cmp(keys[a], keys[b]) || positions[a] - positions[b]);
  const nth = keys[order[n - 1]];
  // A store cut short must end after the n-th value: its rows up to it are all in its list.
  for (const s of sources) {
    const len = s.head.rows.length;
    if (len < s.nonEmpty && cmp(key(s.head.values[len - 1])!, nth) <= 0) return null;
  }
  return Float64Array.from(order.slice(0, n), (i) => positions[i]);
}

/** A typed value's text as something `<` orders as the value, or null where the text does not tell it exactly. */
function keyOf(type: StoreType): ((t: string) => bigint | number | string | null) | null {
  if (type === 'BIGINT') return (t) => (/^-?\d+$/.test(t) ? BigInt(t) : null);
  if (type === 'DOUBLE')
    return (t) => {
      const x = Number(t);
      return t.trim() !== '' && Number.isFinite(x) ? x : null;
    };
  // Fixed-width fields, most significant first: a four-digit year's text orders as its time.
  if (type === 'TIMESTAMP') return (t) => (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(t) ? t : null);
  return null;
}
