// Reads export_X.extracted.xml. The root element's name and whether fields are attributes
// or child elements are undocumented (gim.md), so fields are looked up by name wherever
// they sit within the first levels of the document.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface GimMetadata {
  createdTs: number | null;
  gimSchemaVersion: string | null;
  gimVersion: string | null;
  hwmFrom: number | null;
  hwmFromTs: number | null;
  hwmTo: number | null;
  hwmToTs: number | null;
  maxDataTs: number | null;
}

export type MetadataParse = { ok: true; metadata: GimMetadata } | { ok: false; error: string; partial?: Partial<GimMetadata> };

/** Metadata files are a few hundred bytes; anything past this is not metadata. */
export const MAX_METADATA_BYTES = 1 << 20;

const norm = (k: string): string => k.replace(/^@_/, '').toLowerCase().replace(/[^a-z0-9]/g, '');

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Breadth-first search for a key (normalised) within a few levels. */
function find(root: unknown, name: string, maxDepth = 3): unknown {
  let level: unknown[] = [root];
  for (let depth = 0; depth <= maxDepth && level.length; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      const items = Array.isArray(node) ? node : [node];
      for (const item of items) {
        if (!isNode(item)) continue;
        for (const [k, v] of Object.entries(item)) {
          if (norm(k) === name) return v;
          next.push(v);
        }
      }
    }
    level = next;
  }
  return undefined;
}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return text(v[0]);
  if (isNode(v)) return text(v['#text']);
  const s = String(v).trim();
  return s === '' ? null : s;
}

function int(v: unknown): number | null {
  const s = text(v);
  if (s === null || !/^[+-]?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** hwm-from / hwm-to: an element with audit-key and created-ts (as attributes or children), or a bare key. */
function hwm(root: unknown, which: 'hwmfrom' | 'hwmto'): { key: number | null; ts: number | null } {
  const v = find(root, which);
  if (v !== undefined) {
    const node = Array.isArray(v) ? v[0] : v;
    if (isNode(node)) return { key: int(find(node, 'auditkey', 1)), ts: int(find(node, 'createdts', 1)) };
    return { key: int(node), ts: null };
  }
  // Flattened spellings: hwm-from-audit-key="13" hwm-from-created-ts="…"
  return { key: int(find(root, `${which}auditkey`)), ts: int(find(root, `${which}createdts`)) };
}

export function parseGimMetadata(xml: string): MetadataParse {
  if (/<!DOCTYPE[\s\S]*?<!ENTITY/i.test(xml) || /<!ENTITY/i.test(xml)) {
    // Entity declarations are the vector of expansion attacks; real exports never use them.
    return { ok: false, error: 'declares XML entities (refused: real exports never do)' };
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { ok: false, error: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
  }
  let doc: unknown;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      processEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
    }).parse(xml);
  } catch (e) {
    return { ok: false, error: `cannot be parsed: ${(e as Error).message}` };
  }
  const from = hwm(doc, 'hwmfrom');
  const to = hwm(doc, 'hwmto');
  const metadata: GimMetadata = {
    createdTs: int(find(doc, "createdts", 1)),
    gimSchemaVersion: text(find(doc, 'gimschemaversion')),
    gimVersion: text(find(doc, 'gimversion')),
    hwmFrom: from.key,
    hwmFromTs: from.ts,
    hwmTo: to.key,
    hwmToTs: to.ts,
    maxDataTs: int(find(doc, 'maxdatats')),
  };
  // created-ts at depth ≤1 is the export's own; deeper ones belong to hwm-from/hwm-to.
  const missing: string[] = [];
  if (metadata.hwmFrom === null) missing.push('hwm-from audit-key');
  if (metadata.hwmTo === null) missing.push('hwm-to audit-key');
  if (missing.length) return { ok: false, error: `lacks ${missing.join(' and ')}`, partial: metadata };
  // Audit keys count up from the start of the Info Mart; a negative one is a broken exporter.
  const negative = (['hwmFrom', 'hwmTo'] as const).filter((k) => metadata[k]! < 0);
  if (negative.length) {
    return { ok: false, error: `has a negative audit key (${negative.map((k) => `${k === 'hwmFrom' ? 'hwm-from' : 'hwm-to'} ${metadata[k]}`).join(', ')})`, partial: withoutKeys(metadata) };
  }
  if (metadata.hwmFrom! > metadata.hwmTo!) {
    return { ok: false, error: `hwm-from ${metadata.hwmFrom} is past hwm-to ${metadata.hwmTo}`, partial: withoutKeys(metadata) };
  }
  return { ok: true, metadata };
}

/** Keys that are known wrong are not kept: continuity falls back to the name's key and invents no gap. */
function withoutKeys(m: GimMetadata): GimMetadata {
  return { ...m, hwmFrom: null, hwmFromTs: null, hwmTo: null, hwmToTs: null };
}
