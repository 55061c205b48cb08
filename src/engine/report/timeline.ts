// The report's timeline: the chunks in continuity order with a gap row between the chunks
// each gap separates, and every other problem placed as a note on the chunk it is about;
// with the texts of a chunk row's cells. The largest piece of the report model, and the
// one the HTML timeline, the Markdown and CSV tables all lay out.
import type { Problem, ReportChunk, ScanReport, Severity } from '../../shared/report';
import { detailKeyRange, detailTimeRange } from './actions';
import { formatSpan } from './format-time';
import { isTimeAxis, reportAxis, timeExtent } from '../../shared/coverage-view';
import { kindCount, SEVERITY_ICON, severityLabel, severityRank } from './problem-words';

/** Problems that relate a chunk to the one before it: placed by (chunk, previous). */
const SEQUENCE_KINDS = new Set<string>(['gap', 'overlap', 'duplicate', 'out-of-order', 'late']);

/** Index of the chunk a sequence problem is about: the one named p.chunk whose predecessor is p.previous. */
function locate(chunks: readonly ReportChunk[], p: Problem): number {
  if (p.chunk === null || p.chunk === undefined) return -1;
  let first = -1;
  for (let i = 0; i < chunks.length; i++) {
    if (chunks[i].name !== p.chunk) continue;
    if (first < 0) first = i;
    if (p.previous && i > 0 && chunks[i - 1].name === p.previous) return i;
  }
  return first;
}

export interface ChunkNote {
  severity: Severity;
  kind: string;
  /** "DUPLICATE of export_A", "checksum failure", … */
  text: string;
}

export interface ChunkRow {
  type: 'chunk';
  /** 1-based position among the chunks. */
  index: number;
  chunk: ReportChunk;
  /** Sum of the known row counts. */
  rows: number;
  /** Tables whose row count is unknown (unreadable). */
  unknownRows: number;
  notes: ChunkNote[];
  /** Worst severity of the notes. */
  worst: Severity | null;
}

export interface GapRow {
  type: 'gap';
  problem: Problem;
  previous: string | null;
  next: string | null;
  fromKey: number | null;
  toKey: number | null;
  fromTs: number | null;
  toTs: number | null;
  /** "MISSING: audit keys 200074..200911", "MISSING: 2026-11-01 12:00:00 UTC → … (6 h)" */
  label: string;
}

export type TimelineRow = ChunkRow | GapRow;

function noteText(p: Problem): string {
  const prev = p.previous ?? '?';
  switch (p.kind) {
    case 'duplicate':
      return `DUPLICATE of ${prev}`;
    case 'overlap':
      return `OVERLAP with ${prev}`;
    case 'out-of-order':
      return `OUT OF ORDER by name (vs ${prev})`;
    case 'late':
      return `LATE after ${prev}`;
    default: {
      const label = kindCount(p.kind, 1).replace(/^1 /, '');
      return p.table ? `${label} (${p.table})` : label;
    }
  }
}

/** The chunks in the order given, with a gap row before the chunk each gap precedes. */
export function timelineOf(r: ScanReport): TimelineRow[] {
  const chunks = r.chunks;
  const gapsBefore = new Map<number, Problem[]>();
  const notes = chunks.map((): ChunkNote[] => []);
  const time = isTimeAxis(reportAxis(r));

  for (const p of r.problems) {
    if (p.kind === 'gap' && p.detail?.inside === true) {
      // A gap inside one chunk (exported shorter than requested): a note on it, not a row between chunks.
      const t = detailTimeRange(p);
      chunks.forEach((c, i) => {
        if (c.name === p.chunk) notes[i].push({ severity: p.severity, kind: p.kind, text: `NOT DELIVERED ${formatSpan(t.from, t.to)}` });
      });
      continue;
    }
    if (p.kind === 'gap') {
      let at = locate(chunks, p);
      if (at < 0) {
        // Not tied to a listed chunk: place it by its keys, else at the end.
        const { from } = detailKeyRange(p);
        at = chunks.length;
        if (from !== null) {
          const after = chunks.findIndex((c) => c.hwmFrom !== null && c.hwmFrom >= from);
          if (after >= 0) at = after;
        }
      }
      const list = gapsBefore.get(at) ?? [];
      list.push(p);
      gapsBefore.set(at, list);
      continue;
    }
    const targets: number[] = [];
    if (SEQUENCE_KINDS.has(p.kind)) {
      const i = locate(chunks, p);
      if (i >= 0) targets.push(i);
    } else if (p.chunk !== null && p.chunk !== undefined) {
      chunks.forEach((c, i) => {
        if (c.name === p.chunk) targets.push(i);
      });
    }
    for (const i of targets) notes[i].push({ severity: p.severity, kind: p.kind, text: noteText(p) });
  }

  const rows: TimelineRow[] = [];
  const pushGaps = (at: number): void => {
    for (const p of gapsBefore.get(at) ?? []) {
      const next = at < chunks.length ? chunks[at] : null;
      const prevChunk =
        at > 0 && (!p.previous || chunks[at - 1].name === p.previous)
          ? chunks[at - 1]
          : (chunks.find((c) => c.name === p.previous) ?? null);
      const keys = detailKeyRange(p);
      const times = detailTimeRange(p);
      const fromKey = time ? null : (keys.from ?? prevChunk?.hwmTo ?? null);
      const toKey = time ? null : (keys.to ?? next?.hwmFrom ?? null);
      const fromTs = times.from ?? (time ? (prevChunk ? timeExtent(prevChunk)?.to : null) : prevChunk?.hwmToTs) ?? null;
      const toTs = times.to ?? (time ? (next ? timeExtent(next)?.from : null) : next?.hwmFromTs) ?? null;
      let label: string;
      if (time) label = fromTs !== null || toTs !== null ? `MISSING: ${formatSpan(fromTs, toTs)}` : 'MISSING: window unknown';
      else label = fromKey !== null || toKey !== null ? `MISSING: audit keys ${fromKey ?? '?'}..${toKey ?? '?'}` : 'MISSING: audit keys unknown';
      rows.push({
        type: 'gap',
        problem: p,
        previous: p.previous ?? prevChunk?.name ?? null,
        next: p.chunk ?? next?.name ?? null,
        fromKey,
        toKey,
        fromTs,
        toTs,
        label,
      });
    }
  };

  chunks.forEach((chunk, i) => {
    pushGaps(i);
    let known = 0;
    let unknown = 0;
    for (const t of chunk.tables) {
      if (typeof t.rows === 'number') known += t.rows;
      else unknown += 1;
    }
    const n = notes[i].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    rows.push({
      type: 'chunk',
      index: i + 1,
      chunk,
      rows: known,
      unknownRows: unknown,
      notes: n,
      worst: n.length ? n[0].severity : null,
    });
  });
  pushGaps(chunks.length);
  return rows;
}

/** "1234" or "1234 + 1 unreadable". */
export function rowsText(rows: number, unknown: number): string {
  return unknown > 0 ? `${rows} + ${unknown} unreadable` : String(rows);
}

/** A chunk's checksum state with an icon where it is bad: "ok", "✖ mismatch", "⚠ missing". */
export function checksumLabel(state: string): string {
  switch (state) {
    case 'mismatch':
    case 'error':
      return `${SEVERITY_ICON.error} ${state}`;
    case 'missing':
      return `${SEVERITY_ICON.warning} ${state}`;
    case 'encrypted':
      return `${SEVERITY_ICON.info} ${state}`;
    default:
      return state;
  }
}

export function noteLabel(n: ChunkNote): string {
  return `${severityLabel(n.severity)}: ${n.text}`;
}
