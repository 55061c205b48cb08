// The hostile members: NASTY_TABLE's CSV bytes (multi-line, comma, quote, empty, padded,
// non-ASCII and invalid-UTF-8 cells, malformed records; a second chunk updating 50 keys) and
// UTF16_TABLE's (UTF-16LE with a BOM, so the encoding switches by itself).
import type { TableEncoding } from '../../../src/shared/table-api';
import { bytesSource } from './csv-decode';
import { T0, type FakeRecord } from './source';

export const NASTY_TABLE = 'nasty_cells';
export const UTF16_TABLE = 'utf16_notes';
export const NASTY_COLUMNS = ['ID', 'NAME', 'NOTE', 'AMOUNT', 'CREATED_TS', 'START_DATE_TIME_KEY'];

type Piece = string | number[];

function toBytes(pieces: Piece[]): Uint8Array {
  const enc = new TextEncoder();
  const parts = pieces.map((p) => (typeof p === 'string' ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The nasty table's records as written (chunk 0: 313 records; chunk 1: 50 updates). */
function nastyPieces(part: 0 | 1): Piece[] {
  const out: Piece[] = [NASTY_COLUMNS.join(',') + '\r\n'];
  const line = (fields: Piece[][]): void => {
    fields.forEach((f, i) => {
      if (i > 0) out.push(',');
      out.push(...f);
    });
    out.push('\r\n');
  };
  const amount = (i: number): string =>
    i % 9 === 0 ? String((i * 7) % 50) : (((i * 7919) % 2000) - 1000) / 10 + '';
  const plain = (i: number, name: string, note: Piece[] = ['']): Piece[][] => [
    [String(i)],
    [csvField(name)],
    note,
    [amount(i)],
    [String(T0 + i * 60)],
    [String(Math.floor((T0 + i * 900) / 900) * 900)],
  ];
  if (part === 1) {
    for (let i = 1; i <= 50; i++) line(plain(i, `name ${i} (updated)`));
    return out;
  }
  for (let i = 1; i <= 310; i++) {
    const r = plain(i, `name ${i}`);
    switch (i) {
      case 2:
        r[2] = [csvField('first line\nsecond line\r\nthird line')];
        break;
      case 3:
        r[1] = [csvField('Smith, John')];
        r[2] = [csvField('He said "hi"')];
        break;
      case 4:
        r[1] = [''];
        r[2] = [''];
        r[3] = [''];
        r[4] = [''];
        r[5] = [''];
        break;
      case 5:
        r[1] = ['  padded  '];
        break;
      case 6:
        r[1] = ['caf', [0xe9]]; // not UTF-8: U+FFFD there, é in windows-1252
        break;
      case 7:
        r[2] = [csvField('Grüße 🙂 日本語 שלום')];
        break;
      case 8:
        r[2] = [csvField('lorem ipsum '.repeat(300).trim())];
        break;
      case 9:
        r[2] = ['a\tb'];
        break;
      case 10:
        r[1] = [csvField('"quoted at both ends"')];
        break;
      case 11:
        r[2] = ['=SUM(A1:A3)'];
        break;
      case 12:
        r[2] = [csvField(',')];
        break;
      case 13:
        r[1] = ['na', [0xef], 've']; // not UTF-8: U+FFFD there, ï in windows-1252
        break;
      case 14:
        r[3] = [''];
        break;
      case 15:
        r[2] = [csvField('\n')];
        break;
    }
    line(r);
    if (i === 300) {
      out.push('9001,too,many,fields,1,2,3,4\r\n');
      out.push('9002,short\r\n');
    }
  }
  out.push('9003,"never closed,x');
  return out;
}

const NASTY_BYTES: [Uint8Array | null, Uint8Array | null] = [null, null];
export function nastyBytes(part: 0 | 1): Uint8Array {
  return (NASTY_BYTES[part] ??= toBytes(nastyPieces(part)));
}

export function utf16Bytes(): Uint8Array {
  const text = 'ID,TEXT\r\n1,Grüße\r\n2,日本\r\n3,"two\r\nlines"\r\n';
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + i * 2] = c & 0xff;
    out[3 + i * 2] = c >> 8;
  }
  return out;
}

/** The nasty table's records in an encoding (what every cell must show). */
export function nastyRecords(
  part: 0 | 1,
  encoding: TableEncoding = 'utf-8',
): { header: string[]; records: FakeRecord[] } {
  const s = bytesSource(NASTY_TABLE, '', part, nastyBytes(part)).decode(encoding);
  return { header: s.header, records: Array.from({ length: s.rows }, (_, i) => s.rec(i)) };
}
