// Member bytes read the way the engine reads them: decoded (a BOM may switch UTF-8 to
// UTF-16) and parsed per RFC 4180, malformed records kept and counted.
import type { TableEncoding } from '../../../src/shared/table-api';
import type { Decoded, FakeRecord, Source } from './source';

/** RFC 4180, lenient: CRLF / LF / CR end a record outside quotes; a record may end inside quotes (at the end). */
export function parseCsv(text: string): Array<{ cells: string[]; unterminated: boolean }> {
  const out: Array<{ cells: string[]; unterminated: boolean }> = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  let i = 0;
  const n = text.length;
  const endRecord = (): void => {
    cells.push(field);
    out.push({ cells, unterminated: false });
    cells = [];
    field = '';
    atStart = true;
  };
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && atStart) {
      quoted = true;
      atStart = false;
      i++;
      continue;
    }
    if (ch === ',') {
      cells.push(field);
      field = '';
      atStart = true;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    atStart = false;
    i++;
  }
  if (quoted) {
    cells.push(field);
    out.push({ cells, unterminated: true });
  } else if (field !== '' || cells.length > 0) {
    endRecord();
  }
  return out;
}

const DECODER_LABEL: Record<TableEncoding, string> = {
  'utf-8': 'utf-8',
  'windows-1252': 'windows-1252',
  latin1: 'latin1',
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
};

/** Decodes member bytes the way the engine does: a BOM may switch the default UTF-8 to UTF-16. */
export function decodeBytes(
  bytes: Uint8Array,
  requested: TableEncoding,
): { text: string; encoding: TableEncoding } {
  let encoding: TableEncoding = requested === 'utf-16' ? 'utf-16le' : requested;
  if (requested === 'utf-8' && bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (requested === 'utf-8' && bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  const text = new TextDecoder(DECODER_LABEL[encoding]).decode(bytes);
  return { text, encoding };
}

export function bytesSource(table: string, chunk: string, chunkIndex: number, bytes: Uint8Array): Source {
  const cache = new Map<TableEncoding, Decoded>();
  const decode = (requested: TableEncoding): Decoded => {
    let d = cache.get(requested);
    if (!d) {
      const { text, encoding } = decodeBytes(bytes, requested);
      const recs = parseCsv(text);
      const header = recs.shift()?.cells ?? [];
      const records: FakeRecord[] = recs.map((r, i) => ({
        cells: r.cells,
        record: i + 1,
        malformed: r.unterminated || r.cells.length !== header.length,
      }));
      let invalid = 0;
      for (const ch of text) if (ch === '\uFFFD') invalid++;
      d = {
        header,
        rows: records.length,
        encoding,
        invalidChars: invalid,
        malformed: records.filter((r) => r.malformed).length,
        rec: (row) => records[row],
      };
      cache.set(requested, d);
    }
    return d;
  };
  const d0 = decode('utf-8');
  return {
    table,
    chunk,
    chunkIndex,
    member: `${table}.csv`,
    bytes: bytes.length,
    error: null,
    columns: d0.header,
    rows: d0.rows,
    decode,
  };
}
