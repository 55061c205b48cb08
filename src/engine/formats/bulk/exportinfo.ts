// Reads exportinfo-….xml: the data source (data provider and request) and the exported
// fields. Its element names are not documented (seed 004 only says what it describes), so
// values are found by name wherever they sit: the data provider and request in any element
// or attribute named for them, fields as elements named "field" (name attribute or text),
// grouped by the nearest enclosing record type and section. Entities are never expanded
// (no billion laughs) and the file is size-capped before it is parsed.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const MAX_EXPORTINFO_BYTES = 4 << 20;

export interface ExportInfo {
  dataProvider: string | null;
  request: string | null;
  /** Fields per section (in document order; one entry when there are no sections), per record type. */
  sections: Array<Record<string, string[]>>;
}

export type ExportInfoParse = { ok: true; info: ExportInfo } | { ok: false; error: string };

const norm = (k: string): string =>
  k
    .replace(/^@_/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
const RECORD_TYPES = ['session', 'page', 'object', 'error'];

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return text(v[0]);
  if (isNode(v)) return text(v['#text'] ?? v['@_name'] ?? v['@_id']);
  const s = String(v).trim();
  return s === '' ? null : s;
}

/** The record type a node stands for: its element name (<session>), or <recordtype name="session">. */
function recordTypeOf(key: string, node: unknown): string | null {
  const k = norm(key);
  for (const t of RECORD_TYPES) if (k === t || k === `${t}s` || k === `${t}fields`) return t;
  if (!isNode(node) || !/^(recordtype|type|records?|datafile|file)$/.test(k)) return null;
  const a = text(node['@_name'] ?? node['@_type'])
    ?.toLowerCase()
    .replace(/s$/, '');
  return a && RECORD_TYPES.includes(a) ? a : null;
}

export function parseExportInfo(xml: string): ExportInfoParse {
  if (xml.length > MAX_EXPORTINFO_BYTES)
    return { ok: false, error: `is larger than ${MAX_EXPORTINFO_BYTES} bytes` };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    // fast-xml-parser reports elements left open as "Invalid '[\"a\",\"b\"]' found."
    const open = /^Invalid '\[(.*)\]' found/s.exec(valid.err.msg);
    const why = open
      ? `it ends before ${open[1]
          .replace(/[\s"]/g, '')
          .split(',')
          .map((e) => `<${e}>`)
          .join(', ')} close (truncated?)`
      : `line ${valid.err.line}: ${valid.err.msg}`;
    return { ok: false, error: `is not well-formed XML: ${why}` };
  }
  let doc: unknown;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
    }).parse(xml);
  } catch (e) {
    return { ok: false, error: `cannot be parsed: ${(e as Error).message}` };
  }
  const info: ExportInfo = { dataProvider: null, request: null, sections: [] };
  let current: Record<string, string[]> | null = null;
  const sectionFields = (): Record<string, string[]> => {
    if (!current) info.sections.push((current = {}));
    return current;
  };

  const walk = (key: string, v: unknown, type: string | null, depth: number): void => {
    if (depth > 32) return;
    const k = norm(key);
    if (Array.isArray(v)) {
      for (const item of v) walk(key, item, type, depth);
      return;
    }
    if (k.includes('dataprovider') && !info.dataProvider) info.dataProvider = text(v);
    else if ((k === 'request' || k === 'requestid' || k === 'requestname') && !info.request)
      info.request = text(v);
    if (k === 'field' || k === 'column') {
      const name = text(v);
      if (name) (sectionFields()[type ?? ''] ??= []).push(name);
      return;
    }
    if (!isNode(v)) return;
    const isSection = k === 'section';
    if (isSection) info.sections.push((current = {}));
    const t = recordTypeOf(key, v) ?? type;
    for (const [ck, cv] of Object.entries(v)) if (!ck.startsWith('#')) walk(ck, cv, t, depth + 1);
    if (isSection) current = null;
  };
  if (isNode(doc)) for (const [k, v] of Object.entries(doc)) walk(k, v, null, 0);
  return { ok: true, info };
}

/** Fields added and removed between two sections, per record type (only types that changed). */
export function fieldDifferences(
  a: Record<string, string[]>,
  b: Record<string, string[]>,
): Record<string, { added: string[]; removed: string[] }> {
  const out: Record<string, { added: string[]; removed: string[] }> = {};
  for (const t of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const before = new Set(a[t] ?? []);
    const after = new Set(b[t] ?? []);
    const added = [...after].filter((f) => !before.has(f));
    const removed = [...before].filter((f) => !after.has(f));
    if (added.length || removed.length) out[t] = { added, removed };
  }
  return out;
}
