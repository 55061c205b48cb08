// What the record indexer (indexer.ts) finds in a table's text: its counts, line ends and
// syntax oddities, and from them whether the file is "plain" (DuckDB's strict CSV reader
// reads it exactly as our cell parser does).

export interface IndexStats {
  /** Data records (header excluded). */
  rows: number;
  headerFields: number;
  /** Offset of the header's first byte and just past it (terminator excluded); -1 without a header. */
  headerStart: number;
  headerEnd: number;
  /** Bytes indexed (the end offset of the stream). */
  bytes: number;
  malformed: number;
  /** 1-based record numbers of the first malformed records (up to 1000). */
  malformedSamples: number[];
  unterminated: boolean;
  lf: number;
  crlf: number;
  /** Lone CR terminators (outside quotes). */
  cr: number;
  blankLines: number;
  /** Quotes inside unquoted fields (literal, lenient). */
  midFieldQuotes: number;
  /** Bytes between a closing quote and the next delimiter (literal, lenient). */
  afterCloseQuote: number;
  nulBytes: number;
  /** Widest record (fields). */
  maxFields: number;
  /**
   * Bytes of all data cells (records less delimiters and syntax quotes): for a plain file,
   * the sum of the cells' UTF-8 lengths, which the analysis store is checked against.
   */
  contentBytes: number;
  /** Longest record in bytes (terminator excluded). */
  maxRecordBytes: number;
}

/** The stats of a stream not read yet. */
export function newIndexStats(): IndexStats {
  return {
    rows: 0,
    headerFields: 0,
    headerStart: -1,
    headerEnd: -1,
    bytes: 0,
    malformed: 0,
    malformedSamples: [],
    unterminated: false,
    lf: 0,
    crlf: 0,
    cr: 0,
    blankLines: 0,
    midFieldQuotes: 0,
    afterCloseQuote: 0,
    nulBytes: 0,
    maxFields: 0,
    contentBytes: 0,
    maxRecordBytes: 0,
  };
}

/**
 * Plain: one kind of line end, no empty lines, every record with the header's field count,
 * quotes only around whole fields, no NUL. DuckDB's strict reader then sees exactly our cells.
 */
export function isPlain(s: IndexStats): boolean {
  return (
    s.malformed === 0 &&
    !s.unterminated &&
    s.cr === 0 &&
    !(s.lf > 0 && s.crlf > 0) &&
    s.blankLines === 0 &&
    s.midFieldQuotes === 0 &&
    s.afterCloseQuote === 0 &&
    s.nulBytes === 0 &&
    s.headerFields > 0
  );
}
