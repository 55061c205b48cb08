// Pure model of the coverage matrix (tables × chunks).
import type { ScanReport } from '../../shared/report';
import { indexReport } from '../state/derive';

export type CellState = 'rows' | 'absent' | 'unreadable';

export interface Cell {
  state: CellState;
  rows: number | null;
  /** 0..1 intensity (log scale, relative to the table's largest count). */
  heat: number;
  /** Far below the table's median: worth a look. */
  small: boolean;
  schemaChange: boolean;
  columns: number;
}

export interface TableStats {
  name: string;
  present: number;
  max: number;
  median: number | null;
}

export interface CoverageModel {
  tables: TableStats[];
  chunkCount: number;
  cell(tableIdx: number, chunkIdx: number): Cell;
}

const ABSENT: Cell = { state: 'absent', rows: null, heat: 0, small: false, schemaChange: false, columns: 0 };

/** A count is "small" when below a tenth of the table's median (and the median is meaningful). */
export function isSmall(rows: number, median: number | null): boolean {
  return median !== null && median >= 10 && rows < median / 10;
}

const cache = new WeakMap<ScanReport, CoverageModel>();

const EXPLAINED_EMPTY = new Set<string>(['no-data', 'empty-extract']);

export function coverageModel(report: ScanReport): CoverageModel {
  const hit = cache.get(report);
  if (hit) return hit;
  const idx = indexReport(report);
  const tIndex = new Map(idx.tableNames.map((n, i) => [n, i]));
  const T = idx.tableNames.length;
  const C = report.chunks.length;
  // Row counts as a dense matrix: -1 absent, -2 unreadable.
  const counts = new Float64Array(T * C).fill(-1);
  const cols = new Uint16Array(T * C);
  const listed = new Uint8Array(T * C);
  report.chunks.forEach((c, ci) => {
    // An archive that cannot be read to its end (or at all) says nothing about the tables it
    // does not list: they are unknown (✕), not absent (·).
    if (c.archive === 'corrupt' || c.archive === 'missing' || c.archive === 'encrypted') {
      for (let ti = 0; ti < T; ti++) counts[ti * C + ci] = -2;
    }
    for (const t of c.tables) {
      const ti = tIndex.get(t.name)!;
      counts[ti * C + ci] = t.rows === null || t.rows === undefined ? -2 : t.rows;
      listed[ti * C + ci] = 1;
      cols[ti * C + ci] = Math.min(65535, t.columns.length);
    }
  });
  const schema = new Set<string>();
  const collapsed = new Set<string>();
  // Chunks the vendor itself says hold nothing (a request with no data, an empty extract):
  // their zeros are explained, not a collapse worth a ↓.
  const emptyByVendor = new Set<string>();
  for (const p of report.problems) {
    if (EXPLAINED_EMPTY.has(p.kind) && p.chunk) emptyByVendor.add(p.chunk);
    if (p.kind === 'schema-change' && p.chunk && p.table) schema.add(`${p.table}\u0000${p.chunk}`);
    // The checks' robust judgement (median and MAD of the trailing days) marks a cell too.
    if (p.kind === 'volume-drop' && p.chunk && p.table) collapsed.add(`${p.table}\u0000${p.chunk}`);
  }
  const tables: TableStats[] = idx.tableNames.map((name, ti) => {
    const vals: number[] = [];
    // Present = the chunk lists the table (read or not), as the report's table totals count it.
    let present = 0;
    for (let ci = 0; ci < C; ci++) {
      const v = counts[ti * C + ci];
      if (v >= 0) vals.push(v);
      if (v >= 0 || (v === -2 && listed[ti * C + ci])) present++;
    }
    vals.sort((a, b) => a - b);
    const median = vals.length ? vals[Math.floor(vals.length / 2)] : null;
    return { name, present, max: vals.length ? vals[vals.length - 1] : 0, median };
  });
  const model: CoverageModel = {
    tables,
    chunkCount: C,
    cell(ti, ci) {
      const v = counts[ti * C + ci];
      const chunk = report.chunks[ci];
      const sc = schema.has(`${tables[ti].name}\u0000${chunk.name}`);
      if (v === -1) return sc ? { ...ABSENT, schemaChange: true } : ABSENT;
      if (v === -2) return { state: 'unreadable', rows: null, heat: 0, small: false, schemaChange: sc, columns: cols[ti * C + ci] };
      const max = tables[ti].max;
      const heat = max > 0 ? Math.log1p(v) / Math.log1p(max) : 0;
      const small = ((v > 0 || !emptyByVendor.has(chunk.name)) && isSmall(v, tables[ti].median)) || collapsed.has(`${tables[ti].name}\u0000${chunk.name}`);
      return { state: 'rows', rows: v, heat, small, schemaChange: sc, columns: cols[ti * C + ci] };
    },
  };
  cache.set(report, model);
  return model;
}

/**
 * A column's label: the chunk's audit key where it has one; otherwise its place on the
 * family's axis (the run date for daily dumps, the window's start for time ranges), so the
 * axis reads as days, not as chunk numbers.
 */
/** A column's header: its position first (duplicates share their place on the axis, never their number). */
export function columnHead(c: ScanReport['chunks'][number], index: number): string {
  const label = columnLabel(c, index);
  return label.startsWith('#') ? label : `#${index + 1} · ${label}`;
}

export function columnLabel(c: ScanReport['chunks'][number], index: number): string {
  if (c.hwmTo !== null) return String(c.hwmTo);
  const from = c.coverage?.from;
  if (from !== null && from !== undefined && c.coverage.axis !== 'audit-key') {
    const iso = new Date(from * 1000).toISOString();
    const day = iso.slice(0, 10);
    const label = c.coverage.axis === 'run-date' ? day : `${day} ${iso.slice(11, 16)}`;
    // The series (brand) is in the column's title: a prefix would not fit the header.
    return label;
  }
  return `#${index + 1}`;
}
