// Independent truth for the table tests: members read with the zip reader and parsed by
// papaparse (not our parser), and the views computed in plain JS.
import path from 'node:path';
import Papa from 'papaparse';
import { ZipArchive } from '../../src/engine/zip/zip-archive';
import type { GimDropManifest } from '../fixtures/gim-drop';

export interface TruthTable {
  chunk: string;
  header: string[];
  rows: string[][];
}

export async function memberBytes(archive: string, member: string): Promise<Buffer> {
  const zip = await ZipArchive.open(archive);
  try {
    const m = zip.members.find((x) => x.name === member);
    if (!m) throw new Error(`${member} not in ${archive}`);
    const parts: Buffer[] = [];
    await zip.readMember(m, (c) => void parts.push(Buffer.from(c)));
    return Buffer.concat(parts);
  } finally {
    await zip.close();
  }
}

export function papaRows(buf: Buffer): { header: string[]; rows: string[][] } {
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const eol = /^[^\n]*\r\n/.test(text) ? '\r\n' : '\n';
  const data = Papa.parse<string[]>(text, { newline: eol }).data.filter(
    (r) => !(r.length === 1 && r[0] === ''),
  );
  return { header: data[0] ?? [], rows: data.slice(1) };
}

/** The table's members in continuity order (the manifest's chunk order), parsed by papaparse. */
export async function truthOf(m: GimDropManifest, table: string): Promise<TruthTable[]> {
  const out: TruthTable[] = [];
  for (const c of m.chunks) {
    if (!c.tables[table] || !c.tables[table].intact) continue;
    const buf = await memberBytes(path.join(m.root, c.archive), `${table}.csv`);
    out.push({ chunk: c.name, ...papaRows(buf) });
  }
  return out;
}

/** 'all' scope rows: chunk first, then the union columns. */
export function concatenated(parts: TruthTable[]): { columns: string[]; rows: string[][] } {
  const columns: string[] = [];
  for (const p of parts) for (const c of p.header) if (!columns.includes(c)) columns.push(c);
  const rows: string[][] = [];
  for (const p of parts) {
    for (const r of p.rows) {
      const row = [
        p.chunk,
        ...columns.map((c) => (p.header.includes(c) ? (r[p.header.indexOf(c)] ?? '') : '')),
      ];
      for (let k = p.header.length; k < r.length; k++) row.push(r[k]);
      rows.push(row);
    }
  }
  return { columns: ['_chunk', ...columns], rows };
}

/** Code-point (UTF-8 byte) order, the order DuckDB uses for VARCHAR. */
export const cmpBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
