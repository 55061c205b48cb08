// What the report renderers' tests share: the sample report's words, and readers of what
// each format writes (GFM table cells, CSV rows, parsed HTML).
import { expect } from 'vitest';
import Papa from 'papaparse';
import { type DefaultTreeAdapterMap } from 'parse5';
import { type Problem } from '../../src/shared/report';
import { actionFor } from '../../src/engine/report/actions';
import { verdictOf } from '../../src/engine/report/index';
import { sampleReport } from './sample-report';

export const r = sampleReport;
export const actionOf = (p: Problem): string => p.action ?? actionFor(p);
export const GAP_LABEL = 'MISSING: audit keys 200074..200911';
export const VERDICT = verdictOf(r).line;

// --- Markdown helpers: split table rows the way GFM does ----------------------------

/** Cells of a GFM table row: split on pipes not escaped by a backslash (a backslash escapes any next char). */
export function mdCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      cur += c + line[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  // A row starts and ends with a pipe: drop the empty outer pieces.
  return cells.slice(1, -1).map((s) => s.trim());
}

export const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * What a GFM cell renders as text, the way CommonMark reads it: <br> is a line break,
 * a backslash before punctuation is that punctuation literally, an entity (&lt;) is
 * decoded.
 */
export function mdCellText(cell: string): string {
  return cell.replace(/<br>|\\([!-/:-@[-`{-~])|&(#\d+|[a-z]+);/g, (m, esc?: string, ent?: string) => {
    if (m === '<br>') return '\n';
    if (esc !== undefined) return esc;
    if (ent?.startsWith('#')) return String.fromCodePoint(Number(ent.slice(1)));
    return (ent !== undefined && ENTITIES[ent]) || m;
  });
}

export function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

/** Groups of consecutive table lines. */
export function mdTables(md: string): string[][] {
  const tables: string[][] = [];
  let cur: string[] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) cur.push(line);
    else if (cur.length) {
      tables.push(cur);
      cur = [];
    }
  }
  if (cur.length) tables.push(cur);
  return tables;
}

export function mdAllCellTexts(md: string): string[] {
  return mdTables(md).flatMap((t) => t.flatMap((l) => mdCells(l).map(mdCellText)));
}

export function normalizeNewlines(s: string): string {
  return s.replace(/\r\n|\r/g, '\n');
}

// --- CSV helper --------------------------------------------------------------------

export function parseCsv(csv: string): Record<string, string>[] {
  const res = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(res.errors).toEqual([]);
  return res.data;
}

/** The cell as a person reads it: without the apostrophe guarding against formulas. */
export function unguard(s: string): string {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}

// --- HTML helpers: parse5 (a spec-conformant HTML parser) ----------------------------

export type HtmlNode = DefaultTreeAdapterMap['node'];
export type HtmlElement = DefaultTreeAdapterMap['element'];

export function childrenOf(n: HtmlNode): HtmlNode[] {
  return 'childNodes' in n ? (n.childNodes as HtmlNode[]) : [];
}

/** All elements under the node, in document order. */
export function elements(n: HtmlNode): HtmlElement[] {
  const out: HtmlElement[] = [];
  for (const c of childrenOf(n)) {
    if ('tagName' in c) out.push(c);
    out.push(...elements(c));
  }
  return out;
}

export function textOf(n: HtmlNode): string {
  if (n.nodeName === '#text') return (n as DefaultTreeAdapterMap['textNode']).value;
  return childrenOf(n).map(textOf).join('');
}

export function attrOf(el: HtmlElement, name: string): string | null {
  return el.attrs.find((a) => a.name === name)?.value ?? null;
}

export function hasClass(el: HtmlElement, c: string): boolean {
  return (attrOf(el, 'class') ?? '').split(/\s+/).includes(c);
}

export function tagged(all: HtmlElement[], ...tags: string[]): HtmlElement[] {
  return all.filter((e) => tags.includes(e.tagName));
}

// ------------------------------------------------------------------------------------
