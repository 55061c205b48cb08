// Rows of a handle by position: positions in the scope's natural order run over the parts in
// order (part k's rows start at the sum of the rows of the parts before it); a page of the
// natural order is read part by part as far as each part's first read has come, a view's
// positions (sorted, filtered, merged) part by part from the built entries.
import type { ReadRow } from './entry-reader';
import type { PartBuilds } from './part-builds';
import { columnMap, type Handle, type Part } from './table-handle';

export interface GotRow {
  p: Part;
  r: ReadRow;
  pos: number;
}

/** Part index and local row of a natural position; all parts before it must have known row counts. */
async function locate(builds: PartBuilds, h: Handle, pos: number): Promise<{ part: number; row: number } | null> {
  let base = 0;
  for (let i = 0; i < h.parts.length; i++) {
    const p = h.parts[i];
    let r = builds.partRows(h, p);
    if (r === null) {
      // A part that could not be read left the handle: the positions after it moved up.
      if (!(await builds.build(h, p, true))) return locate(builds, h, pos);
      r = p.meta!.rows;
    }
    if (pos < base + r) return { part: i, row: pos - base };
    base += r;
  }
  return null;
}

/** Natural position of each part's first row (every part built). */
export function bases(h: Handle): number[] {
  const out: number[] = [];
  let b = 0;
  for (const p of h.parts) {
    out.push(b);
    b += p.meta!.rows;
  }
  return out;
}

/** A part's record as a row of the handle (the chunk column first in many-chunk scopes). */
export function shape(h: Handle, p: Part, r: ReadRow): string[] {
  if (!h.withChunk) return r.cells;
  const map = columnMap(p.columns, h.columns);
  const out = new Array<string>(h.columns.length + 1);
  out[0] = p.chunk;
  for (let j = 0; j < map.length; j++) out[j + 1] = map[j] >= 0 ? (r.cells[map[j]] ?? '') : '';
  // Fields past the part's header (malformed records) are kept, after the scope's columns.
  for (let k = p.columns.length; k < r.cells.length; k++) out.push(r.cells[k]);
  return out;
}

export async function readNatural(builds: PartBuilds, h: Handle, offset: number, limit: number): Promise<GotRow[]> {
  const out: GotRow[] = [];
  let pos = offset;
  while (out.length < limit) {
    const loc = await locate(builds, h, pos);
    if (!loc) break;
    const p = h.parts[loc.part];
    const want = Math.min(limit - out.length, (builds.partRows(h, p) ?? Infinity) - loc.row);
    try {
      await builds.waitRows(h, p, loc.row + want);
    } catch (e) {
      // It left the handle (part-builds.ts): `pos` is now the next part's.
      if (!h.parts.includes(p)) continue;
      throw e;
    }
    let rows: ReadRow[];
    if (!p.meta && p.first && loc.row + want <= p.first.rows.length)
      rows = p.first.rows.slice(loc.row, loc.row + want);
    else if (!p.meta && p.first?.complete) rows = p.first.rows.slice(loc.row, loc.row + want);
    else rows = await p.reader!.readRange(loc.row, want);
    if (rows.length === 0) break;
    for (const r of rows) out.push({ p, r, pos: pos++ });
    if (rows.length < want) break;
  }
  return out;
}

export async function readPositions(h: Handle, positions: Float64Array): Promise<GotRow[]> {
  const bs = bases(h);
  const byPart = new Map<number, Array<{ k: number; row: number }>>();
  for (let k = 0; k < positions.length; k++) {
    const pos = positions[k];
    let lo = 0;
    let hi = bs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bs[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    let list = byPart.get(lo);
    if (!list) byPart.set(lo, (list = []));
    list.push({ k, row: pos - bs[lo] });
  }
  const out = new Array<GotRow>(positions.length);
  await Promise.all(
    [...byPart].map(async ([pi, list]) => {
      const p = h.parts[pi];
      const rows = await p.reader!.readRows(list.map((x) => x.row));
      list.forEach((x, i) => (out[x.k] = { p, r: rows[i], pos: positions[x.k] }));
    }),
  );
  return out;
}
