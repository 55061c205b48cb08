// The CSV saveView writes: RFC 4180, CRLF, header first.
import { rowAt } from './handle-rows';
import type { Handle, View } from './types';

function toCsv(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function viewCsv(h: Handle, v: View, cols: string[]): string {
  const lines = [cols.map(toCsv).join(',')];
  for (let i = 0; i < v.rows; i++) lines.push(rowAt(h, v.at(i)).cells.map(toCsv).join(','));
  return lines.join('\r\n') + '\r\n';
}
