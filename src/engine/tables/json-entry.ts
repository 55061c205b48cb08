// JSON parts in the table browser: records become rows, their flattened keys columns. The
// part is read twice, streamed both times: first for the union of keys (the columns, in
// order of first appearance, as the scan reports them), then to write each record as one
// RFC 4180 line of those columns, which the cache, the indexer and DuckDB then read like any
// CSV member. Cells are the values' exact text (json/flatten.ts flattenRecord); a record that
// is not a JSON object becomes a one-field line, shown and marked malformed.
import type { PartSpec } from '../../shared/family';
import { flattenRecord } from '../json/flatten';
import { JsonRecordCounter } from '../json/records';
import { JsonRecordSplitter } from '../json/record-splitter';
import { readPart } from '../parts/read';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const field = (s: string): string => (/[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);

export async function readJsonAsCsv(
  root: string,
  part: PartSpec,
  onData: (chunk: Uint8Array) => void,
  opts: { signal?: AbortSignal; maxBytes?: number; maxRatio?: number },
): Promise<void> {
  const layout = part.layout.kind === 'json-array' ? 'json-array' : 'jsonl';
  const counter = new JsonRecordCounter(layout);
  await readPart(root, part, (c) => counter.push(c), opts);
  const keys = counter.finish().keys;
  if (keys.length === 0) keys.push('value');
  let out: string[] = [keys.map(field).join(',') + '\n'];
  let size = out[0].length;
  const flush = (): void => {
    if (out.length) onData(enc.encode(out.join('')));
    out = [];
    size = 0;
  };
  const index = new Map(keys.map((k, i) => [k, i]));
  const splitter = new JsonRecordSplitter(layout, (bytes, from, to) => {
    const text = dec.decode(bytes.subarray(from, to));
    const m = flattenRecord(text);
    let line: string;
    if (!m) line = field(text);
    else {
      const cells = new Array<string>(keys.length).fill('');
      for (const [k, v] of m) {
        const i = index.get(k);
        if (i !== undefined) cells[i] = v;
      }
      // An empty cell is written "" so that a one-column record is never a blank line.
      line = cells.map(field).join(',');
    }
    out.push(line + '\n');
    size += line.length + 1;
    if (size > 1 << 20) flush();
  });
  await readPart(root, part, (c) => splitter.push(c), opts);
  splitter.finish();
  flush();
}
