// Views: filter, search, sort over the scope — the semantics of src/shared/table-api.ts;
// one build per distinct view, filters streaming with progress and cancellable.
import type { SortSpec, TablePhase, ViewSpec } from '../../../src/shared/table-api';
import { ApiError } from '../../../src/renderer/api/errors';
import { cellMatches, codePointCompare, isNumber } from './cell-match';
import { cellAt, colIndex, isHuge, naturalView, numericColumn, rowAt } from './handle-rows';
import { HUGE_TABLE, hugeSorted } from './huge-table';
import { mergedView } from './merge';
import { wait, type Pacing } from './pacing';
import type { Handle, View } from './types';

function viewKey(spec: ViewSpec): string {
  return JSON.stringify([spec.sort ?? null, spec.filter ?? [], spec.search ?? '']);
}

export function hasView(spec: ViewSpec): boolean {
  return !!(spec.sort || (spec.filter && spec.filter.length) || (spec.search && spec.search !== ''));
}

export async function computeView(h: Handle, spec: ViewSpec, pacing: Pacing): Promise<View> {
  const base = h.scope === 'merged' ? await mergedView(h, pacing) : naturalView(h);
  if (!hasView(spec)) return base;
  const k = viewKey(spec);
  let v = h.views.get(k);
  if (!v) {
    v = buildView(h, base, spec, pacing);
    h.views.set(k, v);
    v.catch(() => h.views.delete(k));
  }
  return v;
}

async function buildView(h: Handle, base: View, spec: ViewSpec, pacing: Pacing): Promise<View> {
  const { progress, checkCancel, slow } = pacing;
  const seq = h.seq;
  const started = Date.now();
  const filters = spec.filter ?? [];
  const search = (spec.search ?? '').toLowerCase();
  const filtering = filters.length > 0 || search !== '';
  const phase: TablePhase = spec.sort && !filtering ? 'sorting' : 'filtering';
  await slow(h, seq, phase, started);
  let view = base;
  if (filtering) {
    const tests = filters.map((f) => {
      let re: RegExp | null = null;
      if (f.op === 'regex') {
        try {
          re = new RegExp(f.value ?? '', f.caseSensitive ? 'u' : 'iu');
        } catch (e) {
          throw new ApiError({
            code: 'bad-request',
            message: `invalid regular expression: ${e instanceof Error ? e.message : String(e)}`,
          });
        }
      }
      const ci = f.column === undefined ? -1 : colIndex(h, f.column);
      const numeric = ci >= 0 && numericColumn(h, ci);
      return { f, ci, numeric, re };
    });
    let out = new Int32Array(1024);
    let n = 0;
    for (let i = 0; i < base.rows; i++) {
      if (i % 250_000 === 0 && i > 0) {
        progress(h, 'filtering', Math.round((i / base.rows) * 100), 100, started);
        await wait(0);
        checkCancel(h, seq, phase, started);
      }
      // No closures in here: 10,000,000 turns.
      const pos = base.at(i);
      let row: ReturnType<typeof rowAt> | null = null;
      let ok = true;
      for (let j = 0; j < tests.length && ok; j++) {
        const t = tests[j];
        if (t.f.op === 'malformed') {
          row ??= rowAt(h, pos);
          ok = row.malformed;
        } else if (t.ci >= 0) ok = cellMatches(cellAt(h, pos, t.ci), t.f, t.numeric, t.re);
        else {
          row ??= rowAt(h, pos);
          ok = false;
          for (let c = 0; c < row.cells.length && !ok; c++) ok = cellMatches(row.cells[c], t.f, false, t.re);
        }
      }
      if (ok && search) {
        row ??= rowAt(h, pos);
        ok = false;
        for (let c = 0; c < row.cells.length && !ok; c++) ok = row.cells[c].toLowerCase().includes(search);
      }
      if (!ok) continue;
      if (n === out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[n++] = pos;
    }
    const arr = out.subarray(0, n);
    view = { rows: n, at: (i) => arr[i] };
  }
  if (spec.sort) view = await sortView(h, view, spec.sort, !filtering && h.scope !== 'merged');
  progress(h, 'done', 100, 100, started);
  return view;
}

async function sortView(h: Handle, base: View, sort: SortSpec, plain: boolean): Promise<View> {
  const ci = colIndex(h, sort.column);
  const desc = sort.desc === true;
  if (isHuge(h) && plain) {
    const dataCol = h.withChunk ? ci - 1 : ci;
    const f = dataCol < 0 ? (p: number) => p : hugeSorted(dataCol, desc);
    if (!f)
      throw new ApiError({
        code: 'bad-request',
        message: `the fake cannot sort ${sort.column} of ${HUGE_TABLE}`,
      });
    return { rows: base.rows, at: f };
  }
  if (base.rows > 2_000_000)
    throw new ApiError({ code: 'bad-request', message: `the fake cannot sort ${base.rows} rows` });
  const numeric = sort.as === 'number' || ((sort.as ?? 'auto') === 'auto' && numericColumn(h, ci));
  const idx = Array.from({ length: base.rows }, (_, i) => i);
  const values = idx.map((i) => cellAt(h, base.at(i), ci));
  const nums = numeric ? values.map((v) => (v === '' || !isNumber(v) ? NaN : Number(v))) : null;
  idx.sort((a, b) => {
    const ea = values[a] === '';
    const eb = values[b] === '';
    if (ea !== eb) return ea ? 1 : -1;
    if (ea) return a - b;
    let c: number;
    if (nums) {
      const x = nums[a];
      const y = nums[b];
      c = Number.isNaN(x) || Number.isNaN(y) ? codePointCompare(values[a], values[b]) : x - y;
    } else c = codePointCompare(values[a], values[b]);
    if (desc) c = -c;
    return c !== 0 ? c : a - b;
  });
  const arr = Int32Array.from(idx, (i) => base.at(i));
  return { rows: arr.length, at: (i) => arr[i] };
}
