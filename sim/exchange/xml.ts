/**
 * A small element tree over fast-xml-parser (namespace prefixes dropped: EWS clients pick their own
 * prefixes, so the simulator matches local names) and string builders for the answers.
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
});

type RawEntry = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function convert(entries: unknown[]): { nodes: XNode[]; text: string } {
  const nodes: XNode[] = [];
  let text = '';
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    for (const [key, value] of Object.entries(entry as RawEntry)) {
      if (key === '#text') {
        text += String(value);
      } else if (key !== ':@' && !key.startsWith('?') && Array.isArray(value)) {
        const inner = convert(value);
        const rawAttrs = entry[':@'];
        const attrs: Record<string, string> = {};
        if (isRecord(rawAttrs)) for (const [a, v] of Object.entries(rawAttrs)) attrs[a] = String(v);
        nodes.push({ name: key, attrs, children: inner.nodes, text: inner.text });
      }
    }
  }
  return { nodes, text };
}

/** Parses a document; returns null when it is not well-formed XML. */
export function parseXml(body: string): XNode | null {
  if (!body.trim() || XMLValidator.validate(body) !== true) return null;
  const parsed: unknown = parser.parse(body);
  if (!Array.isArray(parsed)) return null;
  return convert(parsed).nodes[0] ?? null;
}

export function child(node: XNode | null | undefined, name: string): XNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function children(node: XNode | undefined, name?: string): XNode[] {
  if (!node) return [];
  return name ? node.children.filter((c) => c.name === name) : node.children;
}

/** Follows a path of local names. */
export function path(node: XNode | null | undefined, ...names: string[]): XNode | undefined {
  let cur: XNode | undefined = node ?? undefined;
  for (const n of names) cur = child(cur, n);
  return cur;
}

export function textOf(node: XNode | undefined, ...names: string[]): string | undefined {
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

function renderAttrs(attrs: Record<string, AttrValue> | null | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) out += ` ${k}="${esc(String(v))}"`;
  return out;
}

/** An element whose children are already XML. */
export function el(name: string, attrs?: Record<string, AttrValue> | null, ...parts: XmlPart[]): string {
  const inner = flatten(parts);
  return inner ? `<${name}${renderAttrs(attrs)}>${inner}</${name}>` : `<${name}${renderAttrs(attrs)}/>`;
}

/** An element holding escaped text; nothing at all when the value is absent. */
export function tx(name: string, value: AttrValue, attrs?: Record<string, AttrValue>): string {
  if (value === undefined || value === null) return '';
  return `<${name}${renderAttrs(attrs)}>${esc(String(value))}</${name}>`;
}
