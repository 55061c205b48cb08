// The stored report entries of chunks, joined for a report in one snapshot (summary.ts keeps
// an entry beside each chunk's summary).
import type BetterSqlite3 from 'better-sqlite3';

/** Report entries a query reads: ~256 kB of text for chunks of six tables. */
const ENTRIES_PER_PIECE = 64;

const COMMA = Buffer.from(',');

/** '0,1,…,n-1': positions in order, as group_concat writes them. */
function inOrder(n: number): string {
  let s = '0';
  for (let i = 1; i < n; i++) s += `,${i}`;
  return s;
}

/**
 * The stored report entries of these chunks, in this order, joined by commas (UTF-8), in
 * pieces of ENTRIES_PER_PIECE entries: one query a piece, all in one snapshot. Null when
 * one of them has none (removed since it was loaded). `lengths`, when given, gets each
 * entry's length in bytes, in the same order (the entries file's index).
 */
export function storedEntries(db: BetterSqlite3.Database, ids: readonly number[], lengths?: number[]): Uint8Array[] | null {
  if (!ids.length) return [];
  // The ids' array drives the join (a rowid lookup each), so rows come in its order; an
  // ORDER BY inside group_concat sorted 12 MB of entries for nothing (31 ms vs 8 for 3000).
  // SQLite leaves an aggregate's order unspecified, so the positions are concatenated in
  // the same pass and checked, and the sorted query is the fallback. In pieces: one
  // group_concat of 3000 entries grew a 12 MB text by doubling, then copied it twice
  // (CAST, then into a Buffer): ~50 ms of a 3000-chunk report, mostly fresh memory
  // faulted in, against ~25 for pieces of 64. octet_length is the stored length (the
  // record's header has it): no entry is read twice for it.
  const joined = db
    .prepare("SELECT count(*), group_concat(j.key, ','), CAST(group_concat(s.entry, ',') AS BLOB), group_concat(octet_length(s.entry), ',') FROM json_each(?) j JOIN chunk_summaries s ON s.chunk_id = j.value")
    .raw();
  const sorted = db
    .prepare("SELECT CAST(group_concat(s.entry, ',' ORDER BY j.key) AS BLOB), group_concat(octet_length(s.entry), ',' ORDER BY j.key) FROM json_each(?) j JOIN chunk_summaries s ON s.chunk_id = j.value")
    .raw();
  return db.transaction(() => {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < ids.length; at += ENTRIES_PER_PIECE) {
      const part = ids.slice(at, at + ENTRIES_PER_PIECE);
      const list = JSON.stringify(part);
      const [n, keys, unordered, unorderedSizes] = joined.get(list) as [number, string | null, Uint8Array | null, string | null];
      if (n !== part.length || !unordered) return null;
      const [text, sizes] = keys === inOrder(part.length) ? [unordered, unorderedSizes] : (sorted.get(list) as [Uint8Array, string]);
      if (at) pieces.push(COMMA);
      pieces.push(text);
      if (lengths) for (const size of sizes!.split(',')) lengths.push(Number(size));
    }
    return pieces;
  })();
}
