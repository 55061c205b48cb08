// Streaming RFC 4180 cell parser: bytes in any chunking → records of decoded cells.
//
// Its record boundaries are those of the scan's record counter (src/engine/csv/
// record-counter.ts), and the tests hold the two to it:
// - records end at LF, CRLF or a lone CR outside quotes; empty lines are not records; the
//   last record counts without a terminator; a leading BOM is dropped (by the transcoder);
// - a quote opens a quoted field only as the first byte of a field; inside, `""` is a
//   quote; the quoted part ends at a `"` not followed by `"`, and bytes after it up to the
//   next delimiter are literal; a quote inside an unquoted field is literal;
// - delimiters, CR and LF inside quotes are data; a file ending inside quotes ends the last
//   field there (the record is flagged unterminated and malformed).
// A data record is malformed when its field count differs from the header's.
// Any Dialect: its delimiter and quote (or none: every byte but the delimiter and line ends
// is data); without a header the first record is data, and the field count the others must have.
//
// RecordParser works on UTF-8 (what Utf8Transcoder produces) and reports for each record
// the byte offset of its first byte in that UTF-8 stream. CsvCellParser chains the two.
import { RFC4180, type Dialect } from '../../shared/family';
import type { TableEncoding } from '../../shared/table-api';
import { dialectBytes } from '../csv/header';
import { Utf8Transcoder } from './encoding';

const LF = 0x0a;
const CR = 0x0d;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** In a quoted field, just after a `"`: a second `"` makes it literal, anything else closes. */
const QUOTE_PENDING = 3;

export interface RecordInfo {
  /** Byte offset of the record's first byte in the UTF-8 stream (BOM excluded). */
  offset: number;
  /** Byte offset just past the record (its terminator excluded). */
  end: number;
  /** 1-based data record number (header excluded); 0 for the header. */
  record: number;
  /** Field count differs from the header's, or unterminated. */
  malformed: boolean;
  /** The input ended inside this record's quoted field. */
  unterminated: boolean;
}

export interface RecordParserOptions {
  /** Delimiter, quote, header; default RFC 4180. */
  dialect?: Dialect;
  /**
   * The header's field count when the input holds data records only (a page read from the
   * cache); otherwise the first record is the header (or, without one, sets the count).
   */
  headerFields?: number;
  /** Offset of the first byte pushed (default 0). */
  baseOffset?: number;
  /** First data record number (default 1). */
  firstRecord?: number;
  /** Emit the raw field bytes instead of strings (see onRecordBytes). */
  raw?: boolean;
}

export type OnRecord = (cells: string[], info: RecordInfo) => void | boolean;
/**
 * Raw form: field k is bytes[ends[k-1] (or 0) .. ends[k]) of `bytes`, unescaped, valid
 * only during the call.
 */
export type OnRecordBytes = (
  bytes: Uint8Array,
  ends: Uint32Array,
  fields: number,
  info: RecordInfo,
) => void | boolean;

export class RecordParser {
  private readonly delim: number;
  /** The quote byte, or -1. */
  private readonly quote: number;
  private mode = FIELD_START;
  private atRecordStart = true;
  private afterCR = false;
  private recStart = 0;
  private pos: number; // global offset of the next byte
  private buf = Buffer.allocUnsafe(4096);
  private len = 0;
  private ends = new Uint32Array(64);
  private fields = 0;
  private recordNo: number;
  /** Set when onRecord returned false: parsing stopped. */
  stopped = false;
  header: string[] | null = null;
  headerFields: number;
  records = 0;
  malformed = 0;
  /** Byte offset where the first data record may start (just past the header's terminator is not tracked: the header's end). */
  headerEnd = -1;
  private headerPending: boolean;
  private readonly raw: boolean;

  constructor(
    private readonly onRecord: OnRecord | null,
    options: RecordParserOptions = {},
    private readonly onRecordBytes: OnRecordBytes | null = null,
  ) {
    const dialect = options.dialect ?? RFC4180;
    const { delim, quote } = dialectBytes(dialect);
    this.delim = delim;
    this.quote = quote;
    this.pos = options.baseOffset ?? 0;
    this.headerFields = options.headerFields ?? -1;
    this.headerPending = options.headerFields === undefined && dialect.header;
    this.recordNo = (options.firstRecord ?? 1) - 1;
    this.raw = options.raw ?? false;
  }

  /** Global offset of the next byte to be pushed. */
  get offset(): number {
    return this.pos;
  }

  push(b: Uint8Array): void {
    const n = b.length;
    const delim = this.delim;
    const QUOTE = this.quote;
    let mode = this.mode;
    let i = 0;
    const base = this.pos;
    while (i < n && !this.stopped) {
      const c = b[i];
      if (this.atRecordStart) {
        if (this.afterCR) {
          this.afterCR = false;
          if (c === LF) {
            i++;
            continue; // second half of a CRLF
          }
        }
        if (c === LF || c === CR) {
          if (c === CR) this.afterCR = true;
          i++;
          continue; // an empty line: not a record
        }
        this.atRecordStart = false;
        this.recStart = base + i;
        mode = FIELD_START;
      }
      switch (mode) {
        case FIELD_START:
          if (c === QUOTE) {
            mode = QUOTED;
            i++;
            continue;
          }
          mode = UNQUOTED; // an unquoted field: this byte is read next as one
          continue;
        case UNQUOTED: {
          // Scan the plain run, then copy it at once.
          let j = i;
          while (j < n) {
            const d = b[j];
            if (d === delim || d === LF || d === CR) break;
            j++;
          }
          if (j > i) this.putRange(b, i, j);
          i = j;
          mode = UNQUOTED;
          if (j === n) continue;
          const d = b[j];
          this.endField();
          mode = FIELD_START;
          i++;
          if (d !== delim) {
            this.endRecord(base + j, false);
            if (d === CR) this.afterCR = true;
            this.atRecordStart = true;
          }
          continue;
        }
        case QUOTED: {
          // Copy up to the next quote.
          let j = i;
          while (j < n && b[j] !== QUOTE) j++;
          if (j > i) this.putRange(b, i, j);
          if (j < n) {
            mode = QUOTE_PENDING;
            i = j + 1;
          } else i = n;
          continue;
        }
        case QUOTE_PENDING:
          if (c === QUOTE) {
            this.put(QUOTE);
            mode = QUOTED;
            i++;
            continue;
          }
          mode = UNQUOTED; // the quote closed; this byte is read unquoted
          continue;
      }
    }
    this.mode = mode;
    this.pos = base + (this.stopped ? i : n);
  }

  finish(): void {
    if (this.stopped) return;
    if (!this.atRecordStart) {
      const unterminated = this.mode === QUOTED;
      this.endField();
      this.endRecord(this.pos, unterminated);
      this.atRecordStart = true;
    }
  }

  private put(c: number): void {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = c;
  }

  private putRange(b: Uint8Array, from: number, to: number): void {
    const k = to - from;
    if (this.len + k > this.buf.length) this.grow(k);
    const buf = this.buf;
    if (k < 48) {
      let o = this.len;
      for (let x = from; x < to; x++) buf[o++] = b[x];
    } else buf.set(b.subarray(from, to), this.len);
    this.len += k;
  }

  private grow(k: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + k + 1024));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  private endField(): void {
    if (this.fields === this.ends.length) {
      const e = new Uint32Array(this.ends.length * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.ends[this.fields++] = this.len;
  }

  private endRecord(end: number, unterminated: boolean): void {
    const fields = this.fields;
    const isHeader = this.headerPending;
    if (isHeader) {
      this.headerPending = false;
      this.headerFields = fields;
      this.header = this.cells();
      this.headerEnd = end;
    } else {
      if (this.headerFields < 0) this.headerFields = fields; // no header: the first record sets the count
      this.recordNo++;
      this.records++;
      const malformed = unterminated || fields !== this.headerFields;
      if (malformed) this.malformed++;
      const info: RecordInfo = { offset: this.recStart, end, record: this.recordNo, malformed, unterminated };
      let go: void | boolean = undefined;
      if (this.raw && this.onRecordBytes) go = this.onRecordBytes(this.buf, this.ends, fields, info);
      else if (this.onRecord) go = this.onRecord(this.cells(), info);
      if (go === false) this.stopped = true;
    }
    this.len = 0;
    this.fields = 0;
  }

  private cells(): string[] {
    const out = new Array<string>(this.fields);
    let s = 0;
    for (let k = 0; k < this.fields; k++) {
      const e = this.ends[k];
      out[k] = e === s ? '' : this.buf.toString('utf8', s, e);
      s = e;
    }
    return out;
  }
}

export interface CellParserOptions {
  encoding?: TableEncoding;
  dialect?: Dialect;
}

/** Bytes in the table's encoding → header and records of strings. */
export class CsvCellParser {
  private readonly transcoder: Utf8Transcoder;
  private readonly parser: RecordParser;

  constructor(onRecord: OnRecord, options: CellParserOptions = {}) {
    this.transcoder = new Utf8Transcoder(options.encoding ?? 'utf-8');
    this.parser = new RecordParser(onRecord, { dialect: options.dialect });
  }

  push(chunk: Uint8Array): void {
    const u = this.transcoder.push(chunk);
    if (u.length) this.parser.push(u);
  }

  finish(): {
    header: string[] | null;
    records: number;
    malformed: number;
    invalid: number;
    encoding: TableEncoding;
    bom: boolean;
  } {
    const u = this.transcoder.finish();
    if (u.length) this.parser.push(u);
    this.parser.finish();
    return {
      header: this.parser.header,
      records: this.parser.records,
      malformed: this.parser.malformed,
      invalid: this.transcoder.invalid,
      encoding: this.transcoder.encoding,
      bom: this.transcoder.bom,
    };
  }
}

export interface ParsedCsv {
  header: string[] | null;
  rows: string[][];
  infos: RecordInfo[];
  malformed: number;
  invalid: number;
  encoding: TableEncoding;
}

/** Parses a whole buffer (tests, small inputs), optionally split into chunks of `chunkSize`. */
export function parseCsv(
  bytes: Uint8Array,
  options: CellParserOptions & { chunkSize?: number } = {},
): ParsedCsv {
  const rows: string[][] = [];
  const infos: RecordInfo[] = [];
  const p = new CsvCellParser((cells, info) => {
    rows.push(cells);
    infos.push(info);
  }, options);
  const step = options.chunkSize ?? (bytes.length || 1);
  for (let i = 0; i < bytes.length; i += step) p.push(bytes.subarray(i, Math.min(bytes.length, i + step)));
  const r = p.finish();
  return { header: r.header, rows, infos, malformed: r.malformed, invalid: r.invalid, encoding: r.encoding };
}

/** Parses the data records of a cache slice (UTF-8, starting at a record start). */
export function parseRecords(
  bytes: Uint8Array,
  headerFields: number,
  baseOffset: number,
  firstRecord: number,
  max = Number.MAX_SAFE_INTEGER,
  atEof = true,
  dialect: Dialect = RFC4180,
): Array<{ cells: string[]; info: RecordInfo }> {
  const out: Array<{ cells: string[]; info: RecordInfo }> = [];
  const p = new RecordParser(
    (cells, info) => {
      out.push({ cells, info });
      return out.length < max;
    },
    { headerFields, baseOffset, firstRecord, dialect },
  );
  p.push(bytes);
  // Slices end on record boundaries, so this only completes a last record without terminator.
  if (atEof) p.finish();
  return out;
}
