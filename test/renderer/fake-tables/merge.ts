// The merged scope: one record per key, the last chunk's winning; the key found first where
// none is named (a column unique and never empty in every chunk), its counts kept on the handle.
// The key candidates follow the engine's own rules.
import { keyCandidates } from '../../../src/shared/table-keys';
import { ApiError } from '../../../src/renderer/api/errors';
import { colIndex, isHuge, naturalView, rowAt } from './handle-rows';
import { wait, type Pacing } from './pacing';
import type { Handle, View } from './types';

/** Built once per handle (a failed build is dropped, so the next call tries again). */
export async function mergedView(h: Handle, pacing: Pacing): Promise<View> {
  const { emit, progress, checkCancel, slow } = pacing;
  h.merged ??= (async () => {
    const seq = h.seq;
    const started = Date.now();
    await slow(h, seq, 'merging', started);
    let key = h.key!;
    if (key.source === 'none') {
      for (const c of keyCandidates(h.columns)) {
        const ci = colIndex(h, c);
        let ok = true;
        for (const part of h.parts) {
          if (part.source.huge) {
            ok = c === 'ID' || c === 'SCRAMBLED';
            break;
          }
          const seen = new Set<string>();
          for (let r = 0; r < part.d.rows && ok; r++) {
            const pos = h.bases[h.parts.indexOf(part)] + r;
            const v = rowAt(h, pos).cells[ci] ?? '';
            if (v === '' || seen.has(v)) ok = false;
            seen.add(v);
          }
        }
        if (ok) {
          key = { ...key, columns: [c], source: 'unique-column' };
          break;
        }
      }
    }
    let view: View;
    let dup = 0;
    let empty = 0;
    let replaced = 0;
    if (key.columns.length === 0) view = naturalView(h);
    else if (
      isHuge(h) &&
      key.columns.length === 1 &&
      (key.columns[0] === 'ID' || key.columns[0] === 'SCRAMBLED')
    )
      view = naturalView(h);
    else {
      const cis = key.columns.map((c) => colIndex(h, c));
      const last = new Map<string, number>();
      const winners: number[] = [];
      const perChunk = new Map<string, number>();
      for (let p = 0; p < h.total; p++) {
        if (p % 200_000 === 0 && p > 0) {
          progress(h, 'merging', Math.round((p / h.total) * 100), 100, started);
          await wait(0);
          checkCancel(h, seq, 'merging', started);
        }
        if (last.size > 2_000_000)
          throw new ApiError({ code: 'bad-request', message: 'the fake cannot merge that many keys' });
        const row = rowAt(h, p);
        const vals = cis.map((ci) => row.cells[ci] ?? '');
        if (vals.every((v) => v === '')) {
          empty++;
          winners.push(p);
          continue;
        }
        const k = JSON.stringify(vals);
        const ck = `${row.chunk}\u0000${k}`;
        const n = (perChunk.get(ck) ?? 0) + 1;
        perChunk.set(ck, n);
        if (n === 2) dup++;
        if (last.has(k)) replaced++;
        last.set(k, p);
      }
      for (const p of last.values()) winners.push(p);
      winners.sort((a, b) => a - b);
      const arr = Int32Array.from(winners);
      view = { rows: arr.length, at: (i) => arr[i] };
    }
    h.key = { ...key, duplicatesWithinChunk: dup, emptyKeys: empty, replaced };
    h.mergedView = view;
    progress(h, 'done', 100, 100, started);
    emit({ type: 'table-grown', handle: h.id, totalRows: view.rows, complete: true });
    return view;
  })();
  try {
    return await h.merged;
  } catch (e) {
    h.merged = null;
    throw e;
  }
}
