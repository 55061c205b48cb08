// Two more texts kept beside each chunk's record (table chunk_summaries), written from the
// same decoded record in the same transaction: the chunk's summary (ChunkSummary, what
// the cross-chunk checks and the report's totals need) and its report entry as JSON text
// (report/chunk-entry.ts). A re-scan of an unchanged 3000-chunk drop then parses ~0.7 KB of
// summary a chunk instead of a ~6 KB record, and `scan --json` writes the stored entries as
// they are instead of building and serialising 3000 entries again. A summary of another
// format, or made for another axis (the drop's family changed), is the record itself (a
// ChunkRecord is a ChunkSummary) and its entry is made from it.
import type Database from 'better-sqlite3';
import type { AxisKind, ByteSource } from '../../shared/family';
import type { ChunkRecord, ChunkSummary, TableSummary } from '../model';
import { reportChunk } from '../report/chunk-entry';
import { decodeRecord, decodeRows, type Row } from './records';

/**
 * The shape of chunk_summaries' summary and entry together. Bump it whenever ChunkSummary, the
 * summary's encoding or reportChunk changes, and append a migration that calls
 * backfillSummaries: until then the summaries and entries of another format are derived from
 * the records on every load.
 */
export const SUMMARY_FORMAT = 2;

/**
 * Texts many chunks share, kept once in the catalog (table shared_texts) and named by id: a
 * table's column list, the list of its column types, and its shape (name, member, those
 * lists, where its count is declared, its parts' member names). A summary holds ids, so 3000
 * chunks with the same six tables parse six shapes, not 18,000 tables' names and columns
 * (they were four fifths of a summary's text). Ids are never reused or deleted; `forget`
 * drops what is kept in memory (after a rollback).
 */
export class SharedTexts {
  private readonly ids = new Map<string, number>();
  private readonly values = new Map<number, unknown>();
  private stmts: { insert: Database.Statement; id: Database.Statement; text: Database.Statement } | null = null;

  constructor(private readonly db: Database.Database) {}

  private prepared() {
    return (this.stmts ??= {
      insert: this.db.prepare('INSERT INTO shared_texts (text) VALUES (?) ON CONFLICT(text) DO NOTHING'),
      id: this.db.prepare('SELECT id FROM shared_texts WHERE text = ?').pluck(),
      text: this.db.prepare('SELECT text FROM shared_texts WHERE id = ?').pluck(),
    });
  }

  /** The id of a value's JSON text, added when new (inside the caller's transaction). */
  idOf(value: unknown): number {
    const text = JSON.stringify(value);
    let id = this.ids.get(text);
    if (id === undefined) {
      const st = this.prepared();
      st.insert.run(text);
      this.ids.set(text, (id = st.id.get(text) as number));
    }
    return id;
  }

  /** The value of an id (one object per id: callers must not modify it); null when there is none. */
  valueOf<T>(id: number): T | null {
    let v = this.values.get(id);
    if (v === undefined) {
      const text = this.prepared().text.get(id) as string | undefined;
      if (text === undefined) return null;
      this.values.set(id, (v = JSON.parse(text)));
    }
    return v as T;
  }

  forget(): void {
    this.ids.clear();
    this.values.clear();
  }
}

/** A table's shape as shared: name, member, column list id, column types' list id, declared in, each part's member (null: a file). */
type TableShape = [string, string, number, number | null, string | null, Array<string | null>];

/**
 * A summary's table as stored: its shape's id, rows, declared rows and each part's source: a
 * member of the chunk's archives by index (its name is the shape's), a file whole.
 */
type StoredTable = [number, number | null, number | null, Array<number | ByteSource>];

/** A chunk's summary and report entry texts, for its family's axis. */
export function summaryTexts(rec: ChunkRecord, axis: AxisKind, shared: SharedTexts): { summary: string; entry: string } {
  // The archives member parts are read from (a chunk's six tables: one zip), each once.
  const archives: ByteSource[] = [];
  const texts: string[] = [];
  const archive = (of: ByteSource): number => {
    const text = JSON.stringify(of);
    const i = texts.indexOf(text);
    if (i >= 0) return i;
    archives.push(of);
    return texts.push(text) - 1;
  };
  const tables = rec.tables.map((t): StoredTable => {
    const parts = t.parts ?? [];
    const shape: TableShape = [
      t.name,
      t.member,
      shared.idOf(t.columns),
      t.columnTypes ? shared.idOf(t.columnTypes) : null,
      t.declaredIn ?? null,
      parts.map((p) => (p.source.kind === 'member' ? p.source.member : null)),
    ];
    return [shared.idOf(shape), t.rows, t.declaredRows ?? null, parts.map(({ source }) => (source.kind === 'member' ? archive(source.of) : source))];
  });
  const s = {
    name: rec.name,
    dir: rec.dir,
    series: rec.series,
    coverage: rec.coverage,
    requested: rec.requested,
    createdTs: rec.createdTs,
    maxDataTs: rec.maxDataTs,
    nameTs: rec.nameTs,
    hwmFromTs: rec.hwmFromTs,
    hwmToTs: rec.hwmToTs,
    attributes: rec.attributes,
    archiveBytes: rec.archiveBytes,
    problems: rec.problems,
    files: rec.files.map((f) => ({ size: f.size })),
    tables,
    archives,
    axis,
    // Last: decodeSummary deletes these three; deleting the last properties keeps the
    // object's fast shape (records.ts).
    v: SUMMARY_FORMAT,
  };
  return { summary: JSON.stringify(s), entry: JSON.stringify(reportChunk(rec, axis)) };
}

/**
 * A table of a loaded summary. Its parts are made when asked for: only a family's own check
 * may look at them (a daily dump's file), and 18,000 tables' parts were a third of a load.
 */
class SummaryTable implements TableSummary {
  constructor(
    readonly name: string,
    readonly member: string,
    readonly rows: number | null,
    readonly columns: string[],
    readonly columnTypes: string[] | null,
    readonly declaredRows: number | null,
    readonly declaredIn: string | null,
    private readonly members: Array<string | null>,
    private readonly sources: Array<number | ByteSource>,
    private readonly archives: ByteSource[],
  ) {}

  get parts(): TableSummary['parts'] {
    return this.sources.map((p, i) => ({ source: typeof p === 'number' ? { kind: 'member', of: this.archives[p], member: this.members[i]! } : p }));
  }
}

/** The summary of a stored summary text, or null when it is missing, of another format or axis. */
export function decodeSummary(text: string | null, axis: AxisKind, shared: SharedTexts): ChunkSummary | null {
  if (text === null) return null;
  const s = JSON.parse(text) as Omit<ChunkSummary, 'tables'> & { tables: unknown[]; archives?: ByteSource[]; axis?: AxisKind; v?: number };
  if (s.v !== SUMMARY_FORMAT || s.axis !== axis) return null;
  const archives = s.archives!;
  delete s.v;
  delete s.axis;
  delete s.archives;
  const tables = s.tables as StoredTable[];
  for (let i = 0; i < tables.length; i++) {
    const [shapeId, rows, declaredRows, sources] = tables[i];
    const shape = shared.valueOf<TableShape>(shapeId);
    const columns = shape && shared.valueOf<string[]>(shape[2]);
    const columnTypes = shape && shape[3] !== null ? shared.valueOf<string[]>(shape[3]) : null;
    if (!shape || !columns || (shape[3] !== null && !columnTypes)) return null; // a damaged catalog: the record decides
    s.tables[i] = new SummaryTable(shape[0], shape[1], rows, columns, columnTypes, declaredRows, shape[4], shape[5], sources, archives);
  }
  return s as unknown as ChunkSummary;
}

/**
 * (Re)writes every chunk's summary and entry from its record (or its rows), for its drop's
 * family's axis (`axisOf` a format; a family this version does not know gets none): a
 * migration's back-fill.
 */
export function backfillSummaries(db: Database.Database, axisOf: (format: string | null) => AxisKind | null): void {
  const shared = new SharedTexts(db);
  const chunks = db.prepare('SELECT c.id, c.fingerprint, c.record, d.format FROM chunks c JOIN drops d ON d.id = c.drop_id ORDER BY c.id').raw().all() as Array<[number, string, string | null, string | null]>;
  const chunk = db.prepare('SELECT * FROM chunks WHERE id = ?');
  const tables = db.prepare('SELECT * FROM chunk_tables WHERE chunk_id = ? ORDER BY seq');
  const problems = db.prepare('SELECT * FROM chunk_problems WHERE chunk_id = ? ORDER BY seq');
  const set = db.prepare('INSERT OR REPLACE INTO chunk_summaries (chunk_id, summary, entry) VALUES (?, ?, ?)');
  for (const [id, fingerprint, record, format] of chunks) {
    const axis = axisOf(format);
    if (!axis) continue;
    const rec = decodeRecord(record, fingerprint, new Map()) ?? decodeRows([chunk.get(id) as Row], tables.all(id) as Row[], problems.all(id) as Row[]).get(id)!;
    const { summary, entry } = summaryTexts(rec, axis, shared);
    set.run(id, summary, entry);
  }
}
