/**
 * Top-level header fields, read the same way whichever parser split the message: both postal-mime
 * and mailparser hand back the raw header lines, and addresses go through the domain's one address
 * parser, so the activity fields do not depend on which parser ran.
 */
import { decodeWords } from 'postal-mime';
import { parseAddressList, type EmailAddress } from '../../domain/addresses';
import type { HeaderFields } from './parsed-message';

export interface HeaderLine {
  key: string;
  line: string;
}

/** Headers RFC 5322 §3.6 allows at most once; a second copy is a sign of forgery or a broken relay. */
const SINGLETONS = ['from', 'subject', 'date', 'message-id', 'to', 'cc', 'reply-to', 'in-reply-to'] as const;
const MAX_LINE = 998; // RFC 5322 §2.1.1

// C0 controls and DEL: a decoded encoded-word may smuggle CR/LF (header injection when re-sent).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

function valueOf(line: string): string {
  const colon = line.indexOf(':');
  // Unfold (RFC 5322 §2.2.3): CRLF followed by whitespace is just whitespace.
  return (colon < 0 ? '' : line.slice(colon + 1)).replace(/\r?\n(?=[ \t])/g, '').trim();
}

function decodeText(raw: string): string {
  let decoded = raw;
  try {
    decoded = decodeWords(raw);
  } catch {
    // keep the raw text: an undecodable encoded word is still better shown than dropped
  }
  return decoded.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

const MSG_ID = /<[^<>\s]+>/g;

function firstMessageId(raw: string | undefined): string | null {
  if (!raw) return null;
  const bracketed = raw.match(MSG_ID)?.[0];
  if (bracketed) return bracketed;
  // Some mailers omit the brackets; accept a bare id-left@id-right.
  const bare = /^[^\s<>@]+@[^\s<>@]+$/.exec(raw.trim());
  return bare ? `<${bare[0]}>` : null;
}

function parseDate(raw: string | undefined, problems: string[]): string | null {
  if (!raw) return null;
  const ms = Date.parse(raw.replace(/\s*\([^)]*\)\s*$/, ''));
  if (Number.isNaN(ms)) {
    problems.push(`unparseable Date header: ${JSON.stringify(raw.slice(0, 80))}`);
    return null;
  }
  return new Date(ms).toISOString();
}

/**
 * parseAddressList of header values seen before. The same few correspondents (and the mailbox's
 * own address) fill the From/To/Cc of most captured mail, and each parse runs IDNA twice per
 * address. Bounded, oldest out first; long values (big recipient lists) are not kept.
 */
const addressCache = new Map<string, readonly EmailAddress[]>();
const ADDRESS_CACHE_MAX = 2000;
const ADDRESS_CACHE_KEY_MAX = 512;

function addresses(value: string | undefined): EmailAddress[] {
  if (!value) return [];
  let list = addressCache.get(value);
  if (!list) {
    list = parseAddressList(value);
    if (value.length <= ADDRESS_CACHE_KEY_MAX) {
      if (addressCache.size >= ADDRESS_CACHE_MAX) addressCache.delete(addressCache.keys().next().value ?? '');
      addressCache.set(value, list);
    }
  }
  // Copies: callers own what they are given.
  return list.map((a) => ({ ...a }));
}

/** Unfolded value of the first line with this key. */
function firstValue(byKey: ReadonlyMap<string, string[]>, key: string): string | undefined {
  const line = byKey.get(key)?.[0];
  return line === undefined ? undefined : valueOf(line);
}

export function readHeaders(lines: readonly HeaderLine[], problems: string[]): HeaderFields {
  // Raw lines by lower-case key; only the few fields read below are unfolded.
  const byKey = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const k = key.toLowerCase();
    const same = byKey.get(k);
    if (same) same.push(line);
    else byKey.set(k, [line]);
    if (line.length > MAX_LINE && !/\r?\n[ \t]/.test(line)) problems.push(`header ${k} longer than ${MAX_LINE} characters`);
    if (line.includes('\uFFFD')) problems.push(`header ${k} has bytes that are not valid in its charset`);
  }
  for (const k of SINGLETONS) if ((byKey.get(k)?.length ?? 0) > 1) problems.push(`duplicate ${k} header (first one used)`);

  const fromValue = firstValue(byKey, 'from');
  const from = addresses(fromValue)[0] ?? null;
  if (!fromValue) problems.push('missing From header');
  else if (!from) problems.push('From header has no usable address');
  const messageIdValue = firstValue(byKey, 'message-id');
  const messageId = firstMessageId(messageIdValue);
  if (!messageId) problems.push(messageIdValue ? 'unusable Message-ID header' : 'missing Message-ID header');
  const dateValue = firstValue(byKey, 'date');
  const date = parseDate(dateValue, problems);
  if (!dateValue) problems.push('missing Date header');

  return {
    subject: decodeText(firstValue(byKey, 'subject') ?? ''),
    from,
    to: addresses(firstValue(byKey, 'to')),
    cc: addresses(firstValue(byKey, 'cc')),
    replyTo: addresses(firstValue(byKey, 'reply-to')),
    date,
    messageId,
    inReplyTo: firstMessageId(firstValue(byKey, 'in-reply-to')),
    references: (byKey.get('references') ?? []).flatMap((line) => valueOf(line).match(MSG_ID) ?? []),
  };
}
