/**
 * Just enough RFC 5322 / MIME reading for Gmail's `metadata` and `full` formats and for snippets.
 * Messages are hostile by design, so nothing here throws on malformed input: a broken part becomes a
 * leaf with whatever bytes it had.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import { headerParam, parseHeaderLines, splitHeadersAndBody, splitMultipart } from './http-kit';

export interface MessageHeader {
  name: string;
  value: string;
}

export interface ParsedMessage {
  headers: MessageHeader[];
  subject: string;
  from: string;
  to: string;
  date: string;
  messageIdHeader?: string;
  /** Message-IDs from In-Reply-To and References, for threading received mail. */
  references: string[];
  /** Addresses in To, Cc and Bcc. */
  recipients: string[];
  snippet: string;
}

export function headerValue(headers: MessageHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Decodes RFC 2047 encoded-words; unknown charsets fall back to UTF-8 rather than failing. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return decodeCharset(bytes, charset.split('*')[0] ?? 'utf-8');
    });
}

function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const addressPattern = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

export function extractAddresses(value: string | undefined): string[] {
  if (!value) return [];
  return (value.match(addressPattern) ?? []).map((a) => a.toLowerCase());
}

function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.toLowerCase().trim()) {
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable': {
      const text = body
        .toString('latin1')
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(text, 'latin1');
    }
    default:
      return body;
  }
}

interface Leaf {
  mimeType: string;
  charset: string;
  isAttachment: boolean;
  data: Buffer;
}

const maxDepth = 20;

/** Builds Gmail's `payload` tree; leaf bodies carry decoded bytes, attachments an attachmentId. */
export function buildPayload(raw: Buffer, messageId: string): gmail_v1.Schema$MessagePart {
  return buildPart(raw, '', messageId, 0);
}

function buildPart(buf: Buffer, partId: string, messageId: string, depth: number): gmail_v1.Schema$MessagePart {
  const { headerText, body } = splitHeadersAndBody(buf);
  const headers = parseHeaderLines(headerText);
  const contentType = headerValue(headers, 'content-type') ?? 'text/plain';
  const mimeType = (contentType.split(';')[0] ?? 'text/plain').trim().toLowerCase() || 'text/plain';
  const disposition = headerValue(headers, 'content-disposition') ?? '';
  const filename = decodeEncodedWords(headerParam(disposition, 'filename') ?? headerParam(contentType, 'name') ?? '');
  const part: gmail_v1.Schema$MessagePart = { partId, mimeType, filename, headers: headers.map((h) => ({ name: h.name, value: decodeEncodedWords(h.value) })) };
  const boundary = headerParam(contentType, 'boundary');
  if (mimeType.startsWith('multipart/') && boundary && depth < maxDepth) {
    const children = splitMultipart(body, boundary);
    part.body = { size: 0 };
    part.parts = children.map((child, i) => buildPart(child, partId === '' ? String(i) : `${partId}.${i}`, messageId, depth + 1));
    return part;
  }
  const data = decodeTransfer(body, headerValue(headers, 'content-transfer-encoding'));
  if (filename || /^\s*attachment/i.test(disposition)) {
    part.body = { size: data.length, attachmentId: attachmentIdFor(messageId, partId) };
  } else {
    part.body = { size: data.length, data: data.toString('base64url') };
  }
  return part;
}

export function attachmentIdFor(messageId: string, partId: string): string {
  return `ANGjdJ_${Buffer.from(`${messageId}:${partId}`).toString('base64url')}`;
}

/** Finds an attachment's decoded bytes by the id `buildPayload` gave it. */
export function findAttachment(raw: Buffer, messageId: string, attachmentId: string): Buffer | undefined {
  let found: Buffer | undefined;
  walkLeaves(raw, '', 0, (leaf, partId) => {
    if (!found && attachmentIdFor(messageId, partId) === attachmentId) found = leaf.data;
  });
  return found;
}

function walkLeaves(buf: Buffer, partId: string, depth: number, visit: (leaf: Leaf, partId: string) => void): void {
  const { headerText, body } = splitHeadersAndBody(buf);
  const headers = parseHeaderLines(headerText);
  const contentType = headerValue(headers, 'content-type') ?? 'text/plain';
  const mimeType = (contentType.split(';')[0] ?? 'text/plain').trim().toLowerCase();
  const boundary = headerParam(contentType, 'boundary');
  if (mimeType.startsWith('multipart/') && boundary && depth < maxDepth) {
    splitMultipart(body, boundary).forEach((child, i) => walkLeaves(child, partId === '' ? String(i) : `${partId}.${i}`, depth + 1, visit));
    return;
  }
  const disposition = headerValue(headers, 'content-disposition') ?? '';
  visit(
    {
      mimeType,
      charset: headerParam(contentType, 'charset') ?? 'utf-8',
      isAttachment: /^\s*attachment/i.test(disposition) || Boolean(headerParam(disposition, 'filename')),
      data: decodeTransfer(body, headerValue(headers, 'content-transfer-encoding')),
    },
    partId,
  );
}

function escapeSnippet(text: string): string {
  // Gmail's snippets come HTML-escaped.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function snippetOf(raw: Buffer): string {
  let text: string | undefined;
  let html: string | undefined;
  walkLeaves(raw, '', 0, (leaf) => {
    if (leaf.isAttachment) return;
    if (text === undefined && leaf.mimeType === 'text/plain') text = decodeCharset(leaf.data, leaf.charset);
    if (html === undefined && leaf.mimeType === 'text/html') html = decodeCharset(leaf.data, leaf.charset);
  });
  const source = text ?? (html ?? '').replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  return escapeSnippet(source.replace(/\s+/g, ' ').trim().slice(0, 200));
}

export function parseMessage(raw: Buffer): ParsedMessage {
  const { headerText } = splitHeadersAndBody(raw);
  const headers = parseHeaderLines(headerText);
  const get = (name: string): string => decodeEncodedWords(headerValue(headers, name) ?? '');
  const msgId = headerValue(headers, 'message-id')?.trim();
  const references = [...(headerValue(headers, 'references') ?? '').matchAll(/<[^>]+>/g), ...(headerValue(headers, 'in-reply-to') ?? '').matchAll(/<[^>]+>/g)].map((m) => m[0]);
  return {
    headers,
    subject: get('subject'),
    from: get('from'),
    to: get('to'),
    date: get('date'),
    messageIdHeader: msgId || undefined,
    references,
    recipients: [...extractAddresses(headerValue(headers, 'to')), ...extractAddresses(headerValue(headers, 'cc')), ...extractAddresses(headerValue(headers, 'bcc'))],
    snippet: snippetOf(raw),
  };
}
