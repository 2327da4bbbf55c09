/**
 * Email addresses as the CRM compares them: parsed from header values (display names, RFC 2047
 * encoded words, RFC 5322 groups), normalised to one canonical spelling, garbage dropped. Contacts
 * are linked by that canonical spelling, so the repository must store contacts' addresses through
 * `normalizeEmail` too.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { addressParser, decodeWords } from 'postal-mime';

export interface EmailAddress {
  /** Canonical form: see normalizeEmail. */
  address: string;
  /** Decoded display name, when the header gave one. */
  name?: string;
}

const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
// Characters RFC 5322 allows unquoted in a local part (dot-atom), plus any non-ASCII (RFC 6531).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/u;
const ASCII_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Canonical spelling of an address, or null when it is not a usable address.
 * - Case-insensitive: the local part is lower-cased too. RFC 5321 lets the local part be
 *   case-sensitive, but no mainstream provider treats it so, and contacts are typed by humans.
 * - Internationalised domains are compared in their Unicode form (NFC, lower case), so
 *   `bücher.de` and `xn--bcher-kva.de` are the same domain.
 */
export function normalizeEmail(input: string): string | null {
  const trimmed = input.trim().replace(/^<(.*)>$/s, '$1').trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at).normalize('NFC').toLowerCase();
  const domainIn = trimmed.slice(at + 1);
  if (local.length > MAX_LOCAL || !LOCAL_PART.test(local)) return null;
  const ascii = domainToASCII(domainIn.normalize('NFC').toLowerCase());
  if (!ascii || !isHostname(ascii)) return null;
  const domain = domainToUnicode(ascii).normalize('NFC').toLowerCase();
  const address = `${local}@${domain}`;
  return address.length > MAX_ADDRESS ? null : address;
}

function isHostname(ascii: string): boolean {
  const labels = ascii.split('.');
  if (labels.length < 2 || ascii.length > 253) return false;
  if (!labels.every((l) => ASCII_LABEL.test(l))) return false;
  // A numeric top-level label means an IP literal or a typo, never a mail domain.
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/**
 * Parses one address header value (To, Cc, From, Reply-To…) into canonical addresses. Groups are
 * flattened, encoded words decoded, unusable entries dropped, duplicates kept once (first wins).
 */
export function parseAddressList(headerValue: string | undefined | null): EmailAddress[] {
  if (!headerValue) return [];
  let parsed: { name: string; address?: string | undefined }[];
  try {
    parsed = addressParser(headerValue, { flatten: true });
  } catch {
    return [];
  }
  const out: EmailAddress[] = [];
  const seen = new Set<string>();
  if (!parsed.some((e) => e.address && normalizeEmail(e.address))) parsed = salvage(headerValue);
  for (const entry of parsed) {
    const address = entry.address ? normalizeEmail(entry.address) : null;
    if (!address || seen.has(address)) continue;
    seen.add(address);
    const name = cleanName(entry.name);
    out.push(name ? { address, name } : { address });
  }
  return out;
}

/**
 * Last resort for headers the RFC 5322 parser gives up on (an unbalanced "(" in a garbage display
 * name opens a comment that swallows the address): take anything that looks like <addr> or addr.
 */
function salvage(headerValue: string): { name: string; address: string }[] {
  const found = headerValue.match(/<[^<>\s]+@[^<>\s]+>|[^\s<>(),;:"]+@[^\s<>(),;:"]+/g) ?? [];
  return found.map((address) => ({ name: '', address }));
}

function cleanName(raw: string): string | undefined {
  // addressParser already decodes words it recognises; decode again for names it passed through
  // quoted (some mailers quote the encoded word, which RFC 2047 forbids but is common).
  const decoded = raw.includes('=?') ? decodeWords(raw) : raw;
  // Controls (a decoded CR/LF is a header-injection attempt) become plain spaces.
  // eslint-disable-next-line no-control-regex
  const name = decoded.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  return name === '' ? undefined : name;
}

/** The address roles that link a captured message to contacts. */
export const addressRoles = ['from', 'to', 'cc', 'replyTo'] as const;
export type AddressRole = (typeof addressRoles)[number];

export type MessageAddresses = Partial<Record<AddressRole, readonly EmailAddress[]>>;

/** Every canonical address in the message, once: what the repository looks contacts up by. */
export function allAddresses(message: MessageAddresses): string[] {
  const set = new Set<string>();
  for (const role of addressRoles) for (const a of message[role] ?? []) set.add(a.address);
  return [...set];
}

export interface ContactMatch<C> {
  contact: C;
  /** The roles in which one of the contact's addresses appears, in header order. */
  roles: AddressRole[];
}

export interface ContactMatchResult<C> {
  matches: ContactMatch<C>[];
  /** Addresses that matched no contact (for the "unmatched" list). */
  unmatched: string[];
}

/**
 * The contacts a captured message links to: every contact whose address appears in From, To, Cc
 * or Reply-To. `contactsByEmail` is keyed by canonical address (the repository's lookup of
 * `allAddresses`); several contacts may share an address and all of them are linked.
 */
export function matchContacts<C extends { id: string }>(
  message: MessageAddresses,
  contactsByEmail: ReadonlyMap<string, readonly C[]>,
): ContactMatchResult<C> {
  const byId = new Map<string, ContactMatch<C>>();
  const unmatched: string[] = [];
  for (const role of addressRoles) {
    for (const { address } of message[role] ?? []) {
      const contacts = contactsByEmail.get(address) ?? [];
      if (contacts.length === 0 && !unmatched.includes(address)) unmatched.push(address);
      for (const contact of contacts) {
        const match = byId.get(contact.id) ?? { contact, roles: [] };
        if (!match.roles.includes(role)) match.roles.push(role);
        byId.set(contact.id, match);
      }
    }
  }
  return { matches: [...byId.values()], unmatched };
}
