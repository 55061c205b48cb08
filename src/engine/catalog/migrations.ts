// Versioned schema of the catalog. Append a migration; never edit a released one.
// PRAGMA user_version holds how many have been applied.
export const MIGRATIONS: string[] = [
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
  // The walk's problems (unreadable entries, links not followed), replaced by each walk.
  `
  CREATE TABLE drop_entry_problems (
    drop_id INTEGER NOT NULL REFERENCES drops(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, detail TEXT,
    PRIMARY KEY (drop_id, seq)
  );
  `,
];
