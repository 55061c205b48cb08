// The DSV record counter's options and results (CsvRecordCounter, record-counter.ts), and the
// record terminators it lists for the extracts' account-id reader. A module of their own so
// that the counter's two scan paths (swar-scan.ts, simd-scan.ts), its state (scan-state.ts)
// and its users share them without importing the counter.
import type { Dialect } from '../../shared/family';

export interface MalformedRecord {
  /** 1-based data record number, header excluded. */
  record: number;
  fields: number;
  /** 1-based physical line where the record starts. */
  line: number;
}

export interface CsvCountResult {
  /** Data records, header excluded (with dialect.header false every record is data); 0 when the file is empty or has only a header. */
  records: number;
  /**
   * Column names decoded per RFC 4180 (BOM stripped, quotes removed, UTF-8 decoded); null for an
   * empty file, and when the dialect has no header.
   */
  header: string[] | null;
  /**
   * Number of fields of the header record (counted even when headerTooLong); 0 for an empty
   * file. Without a header: the first record's, which the others are compared with.
   */
  headerFields: number;
  /** Data records whose field count differs from the header's (plus an unterminated last record). */
  malformedRows: number;
  /** The first maxMalformedSamples (default 20) of them. */
  firstMalformed: MalformedRecord[];
  /** The input ended inside a quoted field (the last record is then counted, and also counted as malformed). */
  unterminatedQuote: boolean;
  /** Total bytes pushed (BOM included). */
  bytes: number;
  /** Of record terminators outside quotes (blank lines included); 'mixed' when more than one kind, or any lone CR. */
  lineEnding: 'lf' | 'crlf' | 'mixed' | null;
  /** Terminator counts outside quotes, blank lines included. */
  lineEndings: { lf: number; crlf: number; cr: number };
  /** The header exceeded maxHeaderBytes; header is then null (its field count is still known). */
  headerTooLong: boolean;
  bom: boolean;
}

export interface CsvCountOptions {
  /**
   * Delimiter, quote (or none) and header presence; default RFC 4180 (',', '"', header). The
   * delimiter and quote are single bytes other than CR and LF, and differ.
   */
  dialect?: Dialect;
  /** Longest header record kept for decoding (bytes, terminator excluded); default 1 MiB. */
  maxHeaderBytes?: number;
  /** How many malformed records to describe in firstMalformed; default 20. */
  maxMalformedSamples?: number;
  /**
   * Count the data after the header with the WebAssembly SIMD kernel (default true; silently
   * the JS path when this runtime has no Wasm SIMD). false: the JS word and byte loops (tests).
   */
  simd?: boolean;
  /** Skip plain data 4 bytes at a time (default true); false forces the JS byte loop and no SIMD (for tests). */
  wordSkip?: boolean;
  /** List each chunk's record terminators in recordEnds (where the SIMD kernel counts). */
  recordEnds?: boolean;
}

/**
 * The record terminators of the last push()'s chunk (CsvCountOptions.recordEnds), as the
 * SIMD kernel walks them anyway: a reader of a record's first fields (the extracts' account
 * ids, formats/extracts/uids.ts) jumps from one to the next instead of looking for the
 * record's end again in every record.
 */
export interface RecordEnds {
  /**
   * Offsets in the chunk of every terminator outside quotes at or after `from`, ascending:
   * blank lines' too, a CRLF by its CR or by its LF.
   */
  ends: Int32Array;
  count: number;
  /** Where the listing starts in the chunk (its length: nothing listed, as for the header or without the kernel). */
  from: number;
  /** The state after the chunk's last byte: UNQUOTED 0, QUOTED 1, QUOTE_PENDING 2. */
  mode: number;
  /** A field starts after the chunk's last byte (mode 0 only). */
  atFieldStart: boolean;
}
