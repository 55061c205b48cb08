// What one catalog connection knows of how a drop's chunks came to be as they are: since a
// scan read them at stamp `from` (catalog.ts chunksRev), only this connection changed them,
// and only in the chunks it wrote (by id) and those it removed. Two things rest on it:
// - a scan's listing is kept only when no other connection changed the chunks it compared
//   (drop-listing.ts: the listing of one process must not vouch for chunks another recorded);
// - a report of a drop that gained a chunk reuses the previous report's entries of every
//   chunk not written since (report/entries-file.ts spliceEntries) instead of reading 12 MB
//   of entries from the catalog again.
// The stamps are followed through each of this connection's transactions: a transaction that
// finds another stamp than the one this connection left has met another connection's change,
// and the lineage ends there.

/** The drop's chunks now (stamp `to`) are those at stamp `from`, but for `written` (chunk ids) and removed ones. */
export interface ChunksSince {
  from: number;
  to: number;
  /** Ids of the chunks this connection wrote since `from` (an id may be reused after a removal: it is here then). */
  written: ReadonlySet<number>;
}

export class ChunkLineages {
  private readonly byDrop = new Map<number, { from: number; to: number; written: Set<number> }>();

  /** From now on, follows the drop's chunks, which had stamp `rev` when the caller read them. */
  start(dropId: number, rev: number): void {
    this.byDrop.set(dropId, { from: rev, to: rev, written: new Set() });
  }

  /**
   * After one of this connection's transactions took the drop's stamp from `before` to
   * `after`, writing the chunks `written`: followed when `before` is where the lineage stood,
   * ended when another connection had changed the chunks first.
   */
  follow(dropId: number, before: number, after: number, written: Iterable<number>): void {
    const l = this.byDrop.get(dropId);
    if (!l) return;
    if (l.to !== before) {
      this.byDrop.delete(dropId);
      return;
    }
    l.to = after;
    for (const id of written) l.written.add(id);
  }

  /** The lineage that leads to stamp `now` (the drop's stamp as it is), if this connection has one. */
  at(dropId: number, now: number): ChunksSince | undefined {
    const l = this.byDrop.get(dropId);
    return l && l.to === now ? { from: l.from, to: l.to, written: new Set(l.written) } : undefined;
  }
}
