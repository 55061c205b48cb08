// The timeline at low zoom: when the visible chunks are narrower than a few pixels each
// (3,000 chunks at Fit are 0.4 px), they are drawn as bins of BIN_PX pixels instead of one
// solid bar: a bar per bin whose height is split by severity in proportion to its chunks
// (errors, warnings, infos, clean), the chunk count written in it, and one problem badge
// per bin with the number of chunks with problems — so markers never overlap. Clicking a
// bin zooms into it. Pure geometry, tested directly.
import type { Severity } from '../../../shared/report';
import type { TimelineLayout, Viewport } from './layout-types';
import type { Mark } from './marks';
import { uToX, xToU } from './coords';
import { MIN_ITEM_PX } from './geometry';

/** Width of a bin in CSS pixels. */
export const BIN_PX = 36;
/** Bins are drawn when the visible chunks average fewer pixels than this. */
export const BIN_BELOW_PX = 4;

export interface Bin {
  /** CSS pixels. */
  x0: number;
  x1: number;
  /** Index range [first, last] into layout.items. */
  first: number;
  last: number;
  count: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Chunks with at least one problem marker. */
  marked: number;
  worst: Severity | null;
  /** The most severe marker in the bin (the badge's symbol). */
  mark: Mark | null;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Draw bins for the items [start, end) in this viewport? */
export function shouldBin(vp: Viewport, start: number, end: number): boolean {
  const n = end - start;
  return n > 1 && vp.width / n < BIN_BELOW_PX;
}

/** The visible items [start, end) grouped into fixed pixel bins, left to right. */
export function binItems(layout: TimelineLayout, vp: Viewport, start: number, end: number): Bin[] {
  const bins: Bin[] = [];
  let cur: Bin | null = null;
  for (let i = start; i < end; i++) {
    const it = layout.items[i];
    const x0 = uToX(vp, it.u0);
    const x1 = Math.max(uToX(vp, it.u1), x0 + MIN_ITEM_PX);
    const b = Math.floor((x0 + x1) / 2 / BIN_PX);
    if (!cur || cur.x0 !== b * BIN_PX) {
      cur = {
        x0: b * BIN_PX,
        x1: (b + 1) * BIN_PX,
        first: i,
        last: i,
        count: 0,
        errors: 0,
        warnings: 0,
        infos: 0,
        marked: 0,
        worst: null,
        mark: null,
      };
      bins.push(cur);
    }
    cur.last = i;
    cur.count++;
    if (it.severity === 'error') cur.errors++;
    else if (it.severity === 'warning') cur.warnings++;
    else if (it.severity === 'info') cur.infos++;
    if (it.severity && (cur.worst === null || RANK[it.severity] < RANK[cur.worst])) cur.worst = it.severity;
    if (it.marks.length) {
      cur.marked++;
      const m = it.marks[0];
      if (!cur.mark || RANK[m.severity] < RANK[cur.mark.severity]) cur.mark = m;
    }
  }
  // Items are sorted by start, so bins come in order, but a long chunk's centre can fall
  // behind the next one's: merge bins that share an x.
  const merged: Bin[] = [];
  for (const b of bins) {
    const prev = merged[merged.length - 1];
    if (prev && prev.x0 === b.x0) {
      prev.last = Math.max(prev.last, b.last);
      prev.first = Math.min(prev.first, b.first);
      prev.count += b.count;
      prev.errors += b.errors;
      prev.warnings += b.warnings;
      prev.infos += b.infos;
      prev.marked += b.marked;
      if (b.worst && (prev.worst === null || RANK[b.worst] < RANK[prev.worst])) prev.worst = b.worst;
      if (b.mark && (!prev.mark || RANK[b.mark.severity] < RANK[prev.mark.severity])) prev.mark = b.mark;
    } else merged.push({ ...b });
  }
  return merged;
}

/** The bin under x, if bins are drawn. */
export function binAt(layout: TimelineLayout, vp: Viewport, start: number, end: number, x: number): Bin | null {
  if (!shouldBin(vp, start, end)) return null;
  return binItems(layout, vp, start, end).find((b) => x >= b.x0 && x < b.x1) ?? null;
}

/** The viewport showing a bin's chunks (a little margin on both sides). */
export function zoomToBin(layout: TimelineLayout, vp: Viewport, bin: Bin): Viewport {
  const first = layout.items[bin.first];
  let u1 = layout.items[bin.last].u1;
  for (let i = bin.first; i <= bin.last; i++) u1 = Math.max(u1, layout.items[i].u1);
  const u0 = Math.min(first.u0, xToU(vp, bin.x0));
  const pad = (u1 - u0) * 0.05;
  return { u0: u0 - pad, u1: u1 + pad, width: vp.width };
}

/** Bar heights (top to bottom: errors, warnings, infos, clean) of a bin drawn `height` px tall. */
export function binStack(bin: Bin, height: number): Array<{ severity: Severity | null; h: number }> {
  const parts: Array<{ severity: Severity | null; n: number }> = [
    { severity: 'error', n: bin.errors },
    { severity: 'warning', n: bin.warnings },
    { severity: 'info', n: bin.infos },
    { severity: null, n: bin.count - bin.errors - bin.warnings - bin.infos },
  ];
  // Any severity present gets at least 4 px (2 in a thin bar): one bad chunk among 300 stays visible.
  const min = height >= 20 ? 4 : 2;
  const bad = parts.slice(0, 3).filter((p) => p.n > 0);
  const reserved = bad.length * min;
  const scale = Math.max(0, height - reserved) / Math.max(1, bin.count);
  return parts
    .filter((p) => p.n > 0)
    .map((p) => ({ severity: p.severity, h: p.severity === null ? p.n * scale : min + p.n * scale }));
}
