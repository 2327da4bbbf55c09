/**
 * Just enough RFC 5322 reading for the item summary EWS shows (Subject, From, To, Message-ID,
 * Date) and for keeping or adding a Message-ID, without touching the rest of the bytes.
 */

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, charset: string, enc: string, text: string) => {
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    try {
      return new TextDecoder(charset.toLowerCase()).decode(bytes);
    } catch {
      return bytes.toString('latin1');
    }
  });
}

export interface ParsedHeaders {
  headers: Map<string, string>;
  bodyOffset: number;
}

export function parseHeaders(raw: Buffer): ParsedHeaders {
  const text = raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  const headerText = split ? text.slice(0, split.index) : text;
  const bodyOffset = split ? split.index + split[0].length : text.length;
  const headers = new Map<string, string>();
  const unfolded = headerText.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8'));
  }
  return { headers, bodyOffset };
}

export function header(h: ParsedHeaders, name: string): string | undefined {
  const v = h.headers.get(name.toLowerCase());
  return v === undefined ? undefined : decodeWords(v);
}

/** Bare addresses from an address-list header ("A <a@x>, b@y"). */
export function addresses(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const m of value.matchAll(/<([^<>\s]+@[^<>\s]+)>|([^\s<>,;"]+@[^\s<>,;"]+)/g)) out.push((m[1] ?? m[2] ?? '').toLowerCase());
  return out.filter(Boolean);
}

/** Returns the MIME with a Message-ID, adding one at the top when missing (as Exchange does on submit). */
export function ensureMessageId(raw: Buffer, makeId: () => string): { mime: Buffer; messageId: string } {
  const h = parseHeaders(raw);
  const existing = h.headers.get('message-id');
  if (existing) return { mime: raw, messageId: existing.trim() };
  const messageId = makeId();
  return { mime: Buffer.concat([Buffer.from(`Message-ID: ${messageId}\r\n`), raw]), messageId };
}

/** A first line of the text body for previews. */
export function preview(raw: Buffer, h: ParsedHeaders): string {
  const body = raw.subarray(h.bodyOffset).toString('utf8');
  const type = h.headers.get('content-type') ?? 'text/plain';
  const text = type.toLowerCase().startsWith('text/') ? body : (/\r?\n\r?\n([^]*?)(\r?\n--|$)/.exec(body)?.[1] ?? '');
  return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
}

export interface ComposedMessage {
  subject: string;
  body: string;
  bodyType: 'Text' | 'HTML';
  from: string;
  to: string[];
  cc: string[];
  messageId: string;
  date: Date;
}

/** Builds the MIME Exchange would store for a message created from properties instead of MimeContent. */
export function composeMime(m: ComposedMessage): Buffer {
  const lines = [
    `From: ${m.from}`,
    m.to.length ? `To: ${m.to.join(', ')}` : '',
    m.cc.length ? `Cc: ${m.cc.join(', ')}` : '',
    `Subject: ${/^[\x20-\x7e]*$/.test(m.subject) ? m.subject : `=?UTF-8?B?${Buffer.from(m.subject).toString('base64')}?=`}`,
    `Date: ${m.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${m.messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: ${m.bodyType === 'HTML' ? 'text/html' : 'text/plain'}; charset=utf-8`,
    'Content-Transfer-Encoding: 8bit',
  ].filter(Boolean);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${m.body}\r\n`, 'utf8');
}
