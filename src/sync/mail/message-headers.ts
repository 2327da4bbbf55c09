/**
 * Top-level header fields, read the same way whichever parser split the message: both postal-mime
 * and mailparser hand back the raw header lines, and addresses go through the domain's one address
 * parser, so the activity fields do not depend on which parser ran.
 */
import { decodeWords } from 'postal-mime';
import { parseAddressList } from '../../domain/addresses';
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

export function readHeaders(lines: readonly HeaderLine[], problems: string[]): HeaderFields {
  const byKey = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const k = key.toLowerCase();
    byKey.set(k, [...(byKey.get(k) ?? []), valueOf(line)]);
    if (line.length > MAX_LINE && !/\r?\n[ \t]/.test(line)) problems.push(`header ${k} longer than ${MAX_LINE} characters`);
    if (line.includes('\uFFFD')) problems.push(`header ${k} has bytes that are not valid in its charset`);
  }
  for (const k of SINGLETONS) if ((byKey.get(k)?.length ?? 0) > 1) problems.push(`duplicate ${k} header (first one used)`);
  const first = (k: string): string | undefined => byKey.get(k)?.[0];

  const from = parseAddressList(first('from'))[0] ?? null;
  if (!first('from')) problems.push('missing From header');
  else if (!from) problems.push('From header has no usable address');
  const messageId = firstMessageId(first('message-id'));
  if (!messageId) problems.push(first('message-id') ? 'unusable Message-ID header' : 'missing Message-ID header');
  const date = parseDate(first('date'), problems);
  if (!first('date')) problems.push('missing Date header');

  return {
    subject: decodeText(first('subject') ?? ''),
    from,
    to: parseAddressList(first('to')),
    cc: parseAddressList(first('cc')),
    replyTo: parseAddressList(first('reply-to')),
    date,
    messageId,
    inReplyTo: firstMessageId(first('in-reply-to')),
    references: (byKey.get('references') ?? []).flatMap((v) => v.match(MSG_ID) ?? []),
  };
}
