/**
 * XML for the EWS client: a small ordered element tree over fast-xml-parser, and string builders for
 * requests. Namespace prefixes are dropped on read because servers choose their own (Exchange answers
 * with m:/t:/s: but proxies and other servers re-prefix), and order is kept because it carries
 * meaning in EWS answers (SyncFolderItems Changes, one ResponseMessage per requested item).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  removeNSPrefix: true,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function convert(entries: unknown[]): { nodes: XNode[]; text: string } {
  const nodes: XNode[] = [];
  let text = '';
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    for (const [key, value] of Object.entries(entry)) {
      if (key === '#text') text += String(value);
      else if (key !== ':@' && !key.startsWith('?') && Array.isArray(value)) {
        const inner = convert(value);
        const attrs: Record<string, string> = {};
        const raw = entry[':@'];
        if (isRecord(raw)) for (const [a, v] of Object.entries(raw)) attrs[a] = String(v);
        nodes.push({ name: key, attrs, children: inner.nodes, text: inner.text });
      }
    }
  }
  return { nodes, text };
}

/** The document element, or null when the text is not well-formed XML (IIS error pages, proxies). */
export function parseXml(body: string): XNode | null {
  if (!body.trim() || XMLValidator.validate(body) !== true) return null;
  const parsed: unknown = parser.parse(body);
  return Array.isArray(parsed) ? (convert(parsed).nodes[0] ?? null) : null;
}

export function child(node: XNode | null | undefined, name: string): XNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function children(node: XNode | null | undefined, name?: string): XNode[] {
  if (!node) return [];
  return name ? node.children.filter((c) => c.name === name) : node.children;
}

export function path(node: XNode | null | undefined, ...names: string[]): XNode | undefined {
  let cur: XNode | undefined = node ?? undefined;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Text of the element at `names` (trimmed), undefined when absent. */
export function textOf(node: XNode | null | undefined, ...names: string[]): string | undefined {
  const n = path(node, ...names);
  return n ? n.text.trim() : undefined;
}

// ---------------------------------------------------------------- building

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c] ?? ''};`);
}

export type XmlPart = string | false | null | undefined | XmlPart[];
type AttrValue = string | number | boolean | undefined | null;

function flatten(parts: XmlPart[]): string {
  let out = '';
  for (const p of parts) {
    if (Array.isArray(p)) out += flatten(p);
    else if (typeof p === 'string') out += p;
  }
  return out;
}

function attrs(a: Record<string, AttrValue> | null | undefined): string {
  if (!a) return '';
  let out = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined && v !== null) out += ` ${k}="${esc(String(v))}"`;
  return out;
}

/** An element whose children are already XML. */
export function el(name: string, a?: Record<string, AttrValue> | null, ...parts: XmlPart[]): string {
  const inner = flatten(parts);
  return inner ? `<${name}${attrs(a)}>${inner}</${name}>` : `<${name}${attrs(a)}/>`;
}

/** An element holding escaped text; nothing when the value is absent. */
export function tx(name: string, value: AttrValue, a?: Record<string, AttrValue>): string {
  if (value === undefined || value === null) return '';
  return `<${name}${attrs(a)}>${esc(String(value))}</${name}>`;
}
