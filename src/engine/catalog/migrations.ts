// Versioned schema of the catalog. Append a migration; never edit a released one.
// PRAGMA user_version holds how many have been applied. A migration is SQL, or a function
// for what SQL cannot say (back-filling JSON from today's columns); each runs in a transaction.
import path from 'node:path';
import type Database from 'better-sqlite3';
import { RFC4180, type PartSpec } from '../../shared/family';
import { classifyGimFile } from '../formats/gim/name';
import { adapterFor } from '../formats/registry';
import { backfillRecords } from './records';
import { backfillSummaries } from './summary';

export type Migration = string | ((db: Database.Database) => void);

export const MIGRATIONS: Migration[] = [
  // 1: the first release (Info Mart only).
  `
  CREATE TABLE drops (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    format TEXT,
    first_scanned_at TEXT,
    last_scanned_at TEXT,
    last_scan_complete INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    drop_id INTEGER NOT NULL REFERENCES drops(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    dir TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    files TEXT NOT NULL,
    name_key INTEGER, name_ts INTEGER,
    hwm_from INTEGER, hwm_from_ts INTEGER, hwm_to INTEGER, hwm_to_ts INTEGER,
    created_ts INTEGER, max_data_ts INTEGER,
    versions TEXT NOT NULL DEFAULT '{}',
    metadata TEXT NOT NULL, metadata_error TEXT,
    checksum TEXT NOT NULL, expected_sha1 TEXT, actual_sha1 TEXT,
    archive TEXT NOT NULL, archive_bytes INTEGER,
    scanned_at TEXT NOT NULL,
    UNIQUE (drop_id, name)
  );
  CREATE TABLE chunk_tables (
    chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL, member TEXT NOT NULL,
    rows INTEGER, columns TEXT NOT NULL, bytes INTEGER, compressed_bytes INTEGER,
    malformed_rows INTEGER NOT NULL DEFAULT 0, checksum TEXT, error TEXT,
    PRIMARY KEY (chunk_id, seq)
  );
  CREATE INDEX chunk_tables_by_name ON chunk_tables(name);
  CREATE TABLE chunk_problems (
    chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL, severity TEXT NOT NULL, tbl TEXT, message TEXT NOT NULL, detail TEXT,
    PRIMARY KEY (chunk_id, seq)
  );
  CREATE TABLE drop_problems (
    drop_id INTEGER NOT NULL REFERENCES drops(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL, severity TEXT NOT NULL, chunk TEXT, previous TEXT, tbl TEXT, message TEXT NOT NULL, detail TEXT,
    PRIMARY KEY (drop_id, seq)
  );
  `,
  // 2: the walk's problems (unreadable entries, links not followed), replaced by each walk.
  `
  CREATE TABLE drop_entry_problems (
    drop_id INTEGER NOT NULL REFERENCES drops(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, detail TEXT,
    PRIMARY KEY (drop_id, seq)
  );
  `,
  // 3: the family-neutral model. A chunk's extent on its family's axis (coverage, and the
  // requested one beside it), its series and family attributes; a table's parts (where its
  // bytes are and how they are decoded), declared row count and column types; file roles.
  `
  ALTER TABLE chunks ADD COLUMN series TEXT NOT NULL DEFAULT '';
  ALTER TABLE chunks ADD COLUMN cov_from INTEGER;
  ALTER TABLE chunks ADD COLUMN cov_to INTEGER;
  ALTER TABLE chunks ADD COLUMN cov_source TEXT NOT NULL DEFAULT 'none';
  ALTER TABLE chunks ADD COLUMN req_from INTEGER;
  ALTER TABLE chunks ADD COLUMN req_to INTEGER;
  ALTER TABLE chunks ADD COLUMN req_source TEXT;
  ALTER TABLE chunks ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE chunk_tables ADD COLUMN parts TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE chunk_tables ADD COLUMN declared_rows INTEGER;
  ALTER TABLE chunk_tables ADD COLUMN declared_in TEXT;
  ALTER TABLE chunk_tables ADD COLUMN column_types TEXT;
  ALTER TABLE chunk_tables ADD COLUMN error_kind TEXT;
  UPDATE chunk_tables SET error_kind = CASE
    WHEN error IS NULL THEN NULL
    WHEN error GLOB 'header holds NUL bytes*' OR error = 'no header' OR error = 'header line too long' THEN 'content'
    WHEN error = 'encrypted' THEN 'encrypted'
    WHEN error GLOB 'larger than the *-byte limit*' THEN 'limit'
    ELSE 'damaged' END;
  UPDATE chunks SET
    cov_from = CASE WHEN hwm_to IS NOT NULL THEN hwm_from END,
    cov_to = coalesce(hwm_to, name_key),
    cov_source = CASE WHEN hwm_to IS NOT NULL THEN 'metadata' WHEN name_key IS NOT NULL THEN 'name' ELSE 'none' END;
  `,
  // 4: back-fill what the first release kept implicit: file roles (by Info Mart's names)
  // and each table's one part (a CSV member of the chunk's zip).
  backfillInfoMartParts,
  // 5: judgement settings (cadence, grace, as of) remembered per drop, set from the app.
  `
  CREATE TABLE drop_settings (
    drop_path TEXT PRIMARY KEY,
    settings TEXT NOT NULL
  );
  `,
  // 6: each chunk's whole record in one column (records.ts), so a re-scan loads a drop with
  // one query and one JSON.parse a chunk; the rows stay the queryable truth and the fallback.
  (db) => {
    db.exec('ALTER TABLE chunks ADD COLUMN record TEXT');
    backfillRecords(db);
  },
  // 7: record format 2 (records.ts: parts' layouts and archives as shared texts).
  backfillRecords,
  // 8: each chunk's summary (what the checks need) and report entry as JSON text (summary.ts),
  // so an unchanged re-scan neither decodes whole records nor serialises its report again;
  // what summaries share (tables' shapes, column lists), each distinct text once.
  (db) => {
    db.exec(`
      CREATE TABLE chunk_summaries (
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        summary TEXT NOT NULL,
        entry TEXT NOT NULL
      );
      CREATE TABLE shared_texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
    `);
    summariesAgain(db);
  },
  // 9: a re-scan's first question (which chunks, with which fingerprints) answered from an
  // index: the chunks' rows hold their records, so scanning them for two short columns read
  // every row's page (24 MB for 3000 chunks, ~10 ms); the index is ~0.3 MB.
  'CREATE INDEX chunks_fingerprints ON chunks(drop_id, name, fingerprint);',
  // 10: the listing of a drop's last complete scan (drop-listing.ts: digests of its files and
  // of its chunks' fingerprints): a re-scan finding the same files skips recognising and
  // grouping them again.
  `
  CREATE TABLE drop_listings (
    drop_id INTEGER PRIMARY KEY REFERENCES drops(id) ON DELETE CASCADE,
    format TEXT NOT NULL,
    key TEXT NOT NULL,
    files TEXT NOT NULL,
    chunks TEXT NOT NULL
  );
  `,
  // 11: a stamp of the last change to a drop's chunks (catalog.ts chunksRev), set anew by
  // triggers on every row of its chunks or their summaries that is added, changed or removed,
  // by whatever writes it. The report's entries file (report/entries-file.ts) is named by it,
  // and a listing (drop-listing.ts) holds the one it was kept at instead of a digest of the
  // chunks' fingerprints, which took a query and a hash of 3000 of them at every re-scan.
  // Random, not a count: what is named by it (the entries file beside the catalog) can outlive
  // the catalog, and a catalog made again would count the same numbers for other chunks.
  `
  ALTER TABLE drops ADD COLUMN chunks_rev INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE drop_listings DROP COLUMN chunks;
  ALTER TABLE drop_listings ADD COLUMN chunks_rev INTEGER;
  DELETE FROM drop_listings;
  CREATE TRIGGER chunks_added AFTER INSERT ON chunks BEGIN ${stamp('NEW.drop_id')} END;
  CREATE TRIGGER chunks_changed AFTER UPDATE ON chunks BEGIN ${stamp('OLD.drop_id')} ${stamp('NEW.drop_id')} END;
  CREATE TRIGGER chunks_removed AFTER DELETE ON chunks BEGIN ${stamp('OLD.drop_id')} END;
  CREATE TRIGGER summaries_added AFTER INSERT ON chunk_summaries BEGIN ${stamp('(SELECT drop_id FROM chunks WHERE id = NEW.chunk_id)')} END;
  CREATE TRIGGER summaries_changed AFTER UPDATE ON chunk_summaries BEGIN ${stamp('(SELECT drop_id FROM chunks WHERE id = NEW.chunk_id)')} END;
  CREATE TRIGGER summaries_removed AFTER DELETE ON chunk_summaries BEGIN ${stamp('(SELECT drop_id FROM chunks WHERE id = OLD.chunk_id)')} END;
  `,
  // 12: what a drop's last complete scan concluded (report/verdict.ts), at the stamp of the
  // chunks it judged: an unchanged re-scan reports from it instead of loading every chunk.
  `
  CREATE TABLE drop_verdicts (
    drop_id INTEGER PRIMARY KEY REFERENCES drops(id) ON DELETE CASCADE,
    chunks_rev INTEGER NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL
  );
  `,
  // 13: the folders a drop's last walk may trust at the next (fs/kept-folders.ts): each one's
  // entries, device, inode and times, so an unchanged folder is stat'ed, not listed again.
  `
  CREATE TABLE drop_folders (
    drop_id INTEGER PRIMARY KEY REFERENCES drops(id) ON DELETE CASCADE,
    body TEXT NOT NULL
  );
  `,
  // 14: summaries and entries of SUMMARY_FORMAT 2 (an unread chunk of a time-axis family has
  // no max data time, where its entry gave its window's start).
  summariesAgain,
];

/** Every chunk's summary and entry written again in this version's format, for its drop's family. */
function summariesAgain(db: Database.Database): void {
  backfillSummaries(db, (format) => adapterFor(format)?.axis ?? null);
}

/** A trigger's statement giving a drop's chunks a new stamp: 1 to 2^47 (a safe integer in JS). */
function stamp(dropId: string): string {
  return `UPDATE drops SET chunks_rev = abs(random() % 140737488355328) + 1 WHERE id = ${dropId};`;
}

function backfillInfoMartParts(db: Database.Database): void {
  const chunks = db.prepare('SELECT id, files FROM chunks').all() as Array<{ id: number; files: string }>;
  const setFiles = db.prepare('UPDATE chunks SET files = ? WHERE id = ?');
  const tables = db.prepare('SELECT seq, member, rows, bytes, error FROM chunk_tables WHERE chunk_id = ?');
  const setParts = db.prepare('UPDATE chunk_tables SET parts = ? WHERE chunk_id = ? AND seq = ?');
  for (const c of chunks) {
    const files = JSON.parse(c.files) as Array<{ rel: string; size: number; mtimeMs: number; role?: string }>;
    for (const f of files) f.role ??= classifyGimFile(path.posix.basename(f.rel))?.role ?? 'table-sha1';
    setFiles.run(JSON.stringify(files), c.id);
    const zip = files.find((f) => f.role === 'zip');
    if (!zip) continue;
    for (const t of tables.all(c.id) as Array<{ seq: number; member: string; rows: number | null; bytes: number | null; error: string | null }>) {
      const part: PartSpec & { rows: number | null; bytes: number | null; error: string | null } = {
        source: { kind: 'member', of: { kind: 'file', path: zip.rel, size: zip.size, version: String(Math.trunc(zip.mtimeMs)) }, member: t.member },
        codecs: [],
        layout: { kind: 'dsv', dialect: RFC4180 },
        rows: t.rows,
        bytes: t.bytes,
        error: t.error,
      };
      setParts.run(JSON.stringify([part]), c.id, t.seq);
    }
  }
}
