/**
 * EWS search restrictions (t:IsEqualTo, t:Contains, t:And …) evaluated against folders and items.
 * Only the fields Tandem and tests filter on are searchable; anything else is refused with
 * ErrorUnsupportedPathForQuery, as Exchange does for non-searchable paths.
 */
import { extendedKey } from './calendar';
import type { Folder, Item } from './model';
import { EwsError } from './store';
import { formatUtc } from './timezones';
import { child, type XNode } from './xml';

type Getter = (field: XNode) => string | undefined;

function fieldNode(node: XNode): XNode | undefined {
  return node.children.find((c) => c.name === 'FieldURI' || c.name === 'ExtendedFieldURI' || c.name === 'IndexedFieldURI');
}

function constant(node: XNode): string | undefined {
  return child(child(node, 'FieldURIOrConstant'), 'Constant')?.attrs.Value ?? child(node, 'Constant')?.attrs.Value;
}

function compare(a: string, b: string): number {
  const da = Date.parse(a);
  const db = Date.parse(b);
  if (/^\d{4}-\d{2}-\d{2}T/.test(a) && !Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
}

function evaluate(node: XNode, get: Getter): boolean {
  switch (node.name) {
    case 'And':
      return node.children.every((c) => evaluate(c, get));
    case 'Or':
      return node.children.some((c) => evaluate(c, get));
    case 'Not':
      return !node.children.every((c) => evaluate(c, get));
    case 'Exists': {
      const f = fieldNode(node);
      return f ? get(f) !== undefined : false;
    }
    case 'Contains': {
      const f = fieldNode(node);
      const v = f ? get(f) : undefined;
      const c = constant(node) ?? '';
      if (v === undefined) return false;
      const ignoreCase = (node.attrs.ContainmentComparison ?? 'Exact').startsWith('Ignore');
      const [hay, needle] = ignoreCase ? [v.toLowerCase(), c.toLowerCase()] : [v, c];
      const mode = node.attrs.ContainmentMode ?? 'Substring';
      return mode === 'FullString' ? hay === needle : mode === 'Prefixed' ? hay.startsWith(needle) : hay.includes(needle);
    }
    case 'IsEqualTo':
    case 'IsNotEqualTo':
    case 'IsGreaterThan':
    case 'IsGreaterThanOrEqualTo':
    case 'IsLessThan':
    case 'IsLessThanOrEqualTo': {
      const f = fieldNode(node);
      const v = f ? get(f) : undefined;
      const c = constant(node);
      if (v === undefined || c === undefined) return node.name === 'IsNotEqualTo';
      const d = compare(v, c);
      return {
        IsEqualTo: d === 0,
        IsNotEqualTo: d !== 0,
        IsGreaterThan: d > 0,
        IsGreaterThanOrEqualTo: d >= 0,
        IsLessThan: d < 0,
        IsLessThanOrEqualTo: d <= 0,
      }[node.name];
    }
    default:
      throw new EwsError('ErrorInvalidRestriction', `Restriction ${node.name} is not supported.`);
  }
}

function unsupported(uri: string): never {
  throw new EwsError('ErrorUnsupportedPathForQuery', `The property ${uri} can not be used in a search restriction.`);
}

export function folderMatches(restriction: XNode | undefined, f: Folder, totalCount: number): boolean {
  const root = restriction?.children[0];
  if (!root) return true;
  return evaluate(root, (field) => {
    const uri = field.attrs.FieldURI ?? '';
    if (uri === 'folder:DisplayName') return f.displayName;
    if (uri === 'folder:FolderClass') return f.folderClass;
    if (uri === 'folder:TotalCount') return String(totalCount);
    return unsupported(uri);
  });
}

export function itemField(item: Item, field: XNode): string | undefined {
  if (field.name === 'ExtendedFieldURI') return item.extended.get(extendedKey(field.attrs))?.value;
  const uri = field.attrs.FieldURI ?? '';
  switch (uri) {
    case 'item:Subject':
      return item.subject;
    case 'item:ItemClass':
      return item.kind === 'message' ? 'IPM.Note' : 'IPM.Appointment';
    case 'item:DateTimeCreated':
      return formatUtc(item.created);
    case 'item:LastModifiedTime':
      return formatUtc(item.modified);
    default:
      break;
  }
  if (item.kind === 'message') {
    if (uri === 'message:InternetMessageId') return item.internetMessageId;
    if (uri === 'item:DateTimeReceived') return formatUtc(item.received);
    if (uri === 'item:DateTimeSent') return formatUtc(item.sent);
    if (uri === 'message:IsRead') return String(item.isRead);
    if (uri === 'message:From') return item.from;
  } else {
    if (uri === 'calendar:Start') return formatUtc(item.start);
    if (uri === 'calendar:End') return formatUtc(item.end);
    if (uri === 'calendar:UID') return item.uid;
    if (uri === 'calendar:CalendarItemType') return item.recurrence ? 'RecurringMaster' : 'Single';
  }
  if (/^(item|message|calendar):/.test(uri)) return undefined;
  return unsupported(uri);
}

export function itemMatches(restriction: XNode | undefined, item: Item): boolean {
  const root = restriction?.children[0];
  if (!root) return true;
  return evaluate(root, (field) => itemField(item, field));
}
