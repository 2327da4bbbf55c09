/** The small part of OData query syntax the simulator understands: $select, $top, $skip, simple $filter. */
import { badRequest } from '../http';

export function selectFields<T extends object>(obj: T, select: string | null, always: string[] = ['id', '@odata.etag']): Partial<T> {
  if (!select) return obj;
  const wanted = new Set(select.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (always.includes(k) || wanted.has(k.toLowerCase())) out[k] = v;
  }
  return out as Partial<T>;
}

function intParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid value '${raw}' for query option ${name}.`, 'BadRequest');
  return Math.min(n, max);
}

export interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** Pages a sorted list with $top / $skip; the nextLink carries every other query option unchanged. */
export function pageOf<T>(items: T[], query: URLSearchParams, selfUrl: string, defaultTop = 10, maxTop = 1000): Page<T> {
  const top = intParam(query, '$top', defaultTop, maxTop);
  const skip = intParam(query, '$skip', 0, Number.MAX_SAFE_INTEGER);
  const value = items.slice(skip, skip + top);
  const page: Page<T> = { value };
  if (skip + top < items.length) {
    const next = new URLSearchParams(query);
    next.set('$top', String(top));
    next.set('$skip', String(skip + top));
    page['@odata.nextLink'] = `${selfUrl}?${next.toString()}`;
  }
  return page;
}

export interface EqFilter {
  property: string;
  value: string;
}

/** `prop eq 'value'` (single clause), quotes doubled for escaping as OData does. */
export function parseEqFilter(filter: string | null): EqFilter | undefined {
  if (!filter) return undefined;
  const m = /^\s*([A-Za-z/]+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
  if (!m) throw badRequest(`Invalid filter clause: ${filter}`, 'BadRequest');
  return { property: (m[1] ?? '').toLowerCase(), value: (m[2] ?? '').replace(/''/g, "'") };
}
