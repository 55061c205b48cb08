// Byte-level record indexer for the first read of a table: the start offset of every data
// record in the UTF-8 stream, field counts against the header, and whether the file is
// "plain" (read identically by DuckDB's strict CSV reader, see analysis.ts). Same rules
// as csv-cells.ts and the scan's record counter; never builds a string.
//
// Offsets are emitted in blocks (Float64Array, little-endian on disk) so memory stays
// constant whatever the row count.

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const UNQUOTED = 0;
const QUOTED = 1;
const QUOTE_PENDING = 2;

export const INDEX_BLOCK = 65536;

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
}

export class RecordIndexer {
  private mode = UNQUOTED;
  private atRecordStart = true;
  private atFieldStart = true;
  private afterCR = false;
  private recStart = 0;
  private fields = 0;
  private pos = 0;
  private headerFields = -1;
  private block = new Float64Array(INDEX_BLOCK);
  private blockLen = 0;
  private s: IndexStats = {
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
  };
  private done = false;

  /** onBlock receives full blocks of record start offsets (the array is reused afterwards). */
  constructor(
    private readonly onBlock: (offsets: Float64Array) => void,
    private readonly delim = 0x2c,
  ) {}

  get rows(): number {
    return this.s.rows;
  }

  /** The header's field count once the header has ended, else -1. */
  get headerFieldCount(): number {
    return this.headerFields;
  }

  push(b: Uint8Array): void {
    if (this.done) throw new Error('RecordIndexer: push() after finish()');
    const n = b.length;
    const base = this.pos;
    const delim = this.delim;
    const maxSp = Math.max(delim, QUOTE, CR, LF);
    const s = this.s;
    let mode = this.mode;
    let rs = this.atRecordStart;
    let afterCR = this.afterCR;
    let fields = this.fields;
    let fsAt = this.atFieldStart ? 0 : -1; // index in b where the current field starts
    let i = 0;
    outer: while (i < n) {
      if (rs) {
        const c = b[i];
        if (afterCR) {
          afterCR = false;
          if (c === LF) {
            s.cr--;
            s.crlf++;
            i++;
            continue;
          }
        }
        if (c === LF || c === CR) {
          s.blankLines++;
          if (c === LF) s.lf++;
          else {
            s.cr++;
            afterCR = true;
          }
          i++;
          continue;
        }
        rs = false;
        this.recStart = base + i;
        fields = 1;
        fsAt = i;
        mode = UNQUOTED;
      }
      if (mode === UNQUOTED) {
        for (; i < n; i++) {
          const c = b[i];
          if (c > maxSp) continue;
          if (c === delim) {
            fields++;
            fsAt = i + 1;
          } else if (c === QUOTE) {
            if (i === fsAt) {
              mode = QUOTED;
              i++;
              continue outer;
            }
            s.midFieldQuotes++;
          } else if (c === LF || c === CR) {
            this.endRecord(fields, base + i, false);
            if (c === LF) s.lf++;
            else {
              s.cr++;
              afterCR = true;
            }
            rs = true;
            i++;
            continue outer;
          } else if (c === 0) s.nulBytes++;
        }
      } else if (mode === QUOTED) {
        for (; i < n; i++) {
          const c = b[i];
          if (c > QUOTE) continue;
          if (c === QUOTE) break;
          if (c === 0) s.nulBytes++;
        }
        if (i < n) {
          mode = QUOTE_PENDING;
          i++;
        }
      } else {
        // QUOTE_PENDING
        const c = b[i];
        if (c === QUOTE) {
          mode = QUOTED;
          i++;
          continue;
        }
        mode = UNQUOTED;
        fsAt = -1; // the quoted part closed: a quote next is literal
        if (c !== delim && c !== LF && c !== CR) s.afterCloseQuote++;
      }
    }
    this.mode = mode;
    this.atRecordStart = rs;
    this.afterCR = afterCR;
    this.fields = fields;
    this.atFieldStart = fsAt === n;
    this.pos = base + n;
  }

  private endRecord(fields: number, end: number, unterminated: boolean): void {
    const s = this.s;
    if (fields > s.maxFields) s.maxFields = fields;
    if (this.headerFields < 0) {
      this.headerFields = fields;
      s.headerFields = fields;
      s.headerStart = this.recStart;
      s.headerEnd = end;
      return;
    }
    s.rows++;
    if (unterminated || fields !== this.headerFields) {
      s.malformed++;
      if (s.malformedSamples.length < 1000) s.malformedSamples.push(s.rows);
    }
    this.block[this.blockLen++] = this.recStart;
    if (this.blockLen === INDEX_BLOCK) {
      this.onBlock(this.block);
      this.blockLen = 0;
    }
  }

  /** Ends the stream; emits the last (partial) block followed by the end offset. */
  finish(): IndexStats {
    if (this.done) return this.s;
    this.done = true;
    if (this.mode === QUOTE_PENDING) this.mode = UNQUOTED;
    if (!this.atRecordStart) {
      const unterminated = this.mode === QUOTED;
      if (unterminated) this.s.unterminated = true;
      this.endRecord(this.fields, this.pos, unterminated);
    }
    this.s.bytes = this.pos;
    // The sentinel: row k spans [offset k, offset k+1).
    this.block[this.blockLen++] = this.pos;
    if (this.blockLen === INDEX_BLOCK) {
      this.onBlock(this.block);
      this.blockLen = 0;
    }
    if (this.blockLen > 0) this.onBlock(this.block.subarray(0, this.blockLen));
    this.blockLen = 0;
    return this.s;
  }

  /** Hands out the offsets gathered so far (a partial block), so readers can use them early. */
  flush(): void {
    if (this.done || this.blockLen === 0) return;
    this.onBlock(this.block.subarray(0, this.blockLen));
    this.blockLen = 0;
  }

  /**
   * Plain: one kind of line end, no empty lines, every record with the header's field count,
   * quotes only around whole fields, no NUL. DuckDB's strict reader then sees exactly our cells.
   */
  static plain(s: IndexStats): boolean {
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
}
