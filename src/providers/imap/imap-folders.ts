/**
 * Folder naming and lookup. Names the user configures ("Tandem", "Clients/Tandem") use "/" for
 * hierarchy; the server's personal-namespace prefix and delimiter (RFC 2342 NAMESPACE) decide the
 * real path ("INBOX.Tandem" on Courier-style servers). Sent is found by its special-use attribute
 * (RFC 6154), then by the names clients commonly give it.
 */
import type { ImapFlow, ListResponse } from 'imapflow';

export interface Namespace {
  prefix: string;
  delimiter: string;
}

export function personalNamespace(client: ImapFlow, list: ListResponse[]): Namespace {
  const ns = client.namespace;
  const delimiter = ns?.delimiter ?? list.find((m) => m.delimiter)?.delimiter ?? '/';
  return { prefix: ns?.prefix ?? '', delimiter };
}

/** The server path for a configured folder name. */
export function folderPath(name: string, ns: Namespace): string {
  const segments = name.split('/').filter((s) => s.length > 0);
  const joined = segments.join(ns.delimiter);
  if (joined.toUpperCase() === 'INBOX' || (ns.prefix && joined.startsWith(ns.prefix))) return joined;
  return ns.prefix + joined;
}

function samePath(a: string, b: string): boolean {
  // INBOX is case-insensitive (RFC 3501 §5.1); other names are compared as the server lists them,
  // except that we reuse a folder whose name differs only in case rather than create a twin.
  return a.toLowerCase() === b.toLowerCase();
}

export function findFolder(list: ListResponse[], path: string): ListResponse | undefined {
  return list.find((m) => m.path === path) ?? list.find((m) => samePath(m.path, path));
}

export const sentFolderNames = ['Sent', 'Sent Items', 'Sent Messages', 'Sent Mail'];

/** Special-use \Sent reported by the server first, then the usual names (top level or under the prefix). */
export function findSentFolder(list: ListResponse[], ns: Namespace): ListResponse | undefined {
  const selectable = list.filter((m) => !m.flags.has('\\Noselect') && !m.flags.has('\\NonExistent'));
  const byAttribute = selectable.find((m) => m.specialUse === '\\Sent' && m.specialUseSource === 'extension');
  if (byAttribute) return byAttribute;
  for (const name of sentFolderNames) {
    const found = findFolder(selectable, folderPath(name, ns)) ?? findFolder(selectable, name);
    if (found) return found;
  }
  return undefined;
}
