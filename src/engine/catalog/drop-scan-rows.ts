// The rows a scan keeps of a drop as a whole: its end (time, completeness, counts, the
// drop's problems), the problems of its entries, and what it leaves for the next scan (the
// listing, the verdict, the folders). Catalog's methods of the same names call these.
import type BetterSqlite3 from 'better-sqlite3';
import type { Problem } from '../../shared/report';
import type { DropListing, KeptVerdict, NewListing } from './catalog-types';
import type { Row } from './records';

const json = (v: unknown): string => JSON.stringify(v);

/** The drop's row as a scan ended, and its drop-level problems in place of the last (in the caller's transaction). */
export function writeScanEnd(
  db: BetterSqlite3.Database,
  dropId: number,
  at: string,
  complete: boolean,
  errors: number,
  warnings: number,
  problems: Problem[],
): void {
  db.prepare(
    `UPDATE drops SET last_scanned_at = ?, first_scanned_at = coalesce(first_scanned_at, ?), last_scan_complete = ?,
             errors = ?, warnings = ? WHERE id = ?`,
  ).run(at, at, complete ? 1 : 0, errors, warnings, dropId);
  db.prepare('DELETE FROM drop_problems WHERE drop_id = ?').run(dropId);
  const ins = db.prepare(
    'INSERT INTO drop_problems (drop_id, seq, kind, severity, chunk, previous, tbl, message, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  problems.forEach((p, i) =>
    ins.run(dropId, i, p.kind, p.severity, p.chunk, p.previous ?? null, p.table, p.message, p.detail ? json(p.detail) : null),
  );
}

/** Keeps a complete scan's verdict in place of the last (in the caller's transaction). */
export function writeVerdict(db: BetterSqlite3.Database, dropId: number, verdict: KeptVerdict): void {
  db.prepare(
    `INSERT INTO drop_verdicts (drop_id, chunks_rev, key, body) VALUES (?, ?, ?, ?)
             ON CONFLICT(drop_id) DO UPDATE SET chunks_rev = excluded.chunks_rev, key = excluded.key, body = excluded.body`,
  ).run(dropId, verdict.rev, verdict.key, verdict.body);
}

export function readVerdict(db: BetterSqlite3.Database, dropId: number): KeptVerdict | undefined {
  return db.prepare('SELECT chunks_rev AS rev, key, body FROM drop_verdicts WHERE drop_id = ?').get(dropId) as KeptVerdict | undefined;
}

export function readDropFolders(db: BetterSqlite3.Database, dropId: number): string | null {
  return (db.prepare('SELECT body FROM drop_folders WHERE drop_id = ?').pluck().get(dropId) as string | undefined) ?? null;
}

export function writeDropFolders(db: BetterSqlite3.Database, dropId: number, body: string): void {
  db.prepare('INSERT INTO drop_folders (drop_id, body) VALUES (?, ?) ON CONFLICT(drop_id) DO UPDATE SET body = excluded.body').run(
    dropId,
    body,
  );
}

export function readDropListing(db: BetterSqlite3.Database, dropId: number): DropListing | undefined {
  return db.prepare('SELECT format, key, files, chunks_rev AS rev FROM drop_listings WHERE drop_id = ?').get(dropId) as DropListing | undefined;
}

/** Keeps the listing at the drop's chunksRev as it is now, or forgets it (null); Catalog.saveDropListing says when. */
export function writeDropListing(db: BetterSqlite3.Database, dropId: number, listing: NewListing | null): void {
  if (!listing) db.prepare('DELETE FROM drop_listings WHERE drop_id = ?').run(dropId);
  else
    db.prepare(
      `INSERT INTO drop_listings (drop_id, format, key, files, chunks_rev) VALUES (?, ?, ?, ?, (SELECT chunks_rev FROM drops WHERE id = ?))
           ON CONFLICT(drop_id) DO UPDATE SET format = excluded.format, key = excluded.key, files = excluded.files, chunks_rev = excluded.chunks_rev`,
    ).run(dropId, listing.format, listing.key, listing.files, dropId);
}

/** Replaces the problems the last walk found about the drop's entries (one transaction). */
export function writeEntryProblems(db: BetterSqlite3.Database, dropId: number, problems: Problem[]): void {
  db.transaction(() => {
    db.prepare('DELETE FROM drop_entry_problems WHERE drop_id = ?').run(dropId);
    const ins = db.prepare('INSERT INTO drop_entry_problems (drop_id, seq, kind, severity, message, detail) VALUES (?, ?, ?, ?, ?, ?)');
    problems.forEach((p, i) => ins.run(dropId, i, p.kind, p.severity, p.message, p.detail ? json(p.detail) : null));
  })();
}

export function readEntryProblems(db: BetterSqlite3.Database, dropId: number): Problem[] {
  const rows = db.prepare('SELECT * FROM drop_entry_problems WHERE drop_id = ? ORDER BY seq').all(dropId) as Row[];
  return rows.map((p) => ({
    kind: p.kind as Problem['kind'],
    severity: p.severity as Problem['severity'],
    chunk: null,
    table: null,
    message: p.message as string,
    ...(p.detail ? { detail: JSON.parse(p.detail as string) } : {}),
  }));
}
