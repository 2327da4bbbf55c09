/**
 * MIME in and out. Messages are stored as RFC 822 bytes (what `$value` returns); Graph's JSON view is
 * derived from them. JSON-created messages (sendMail / draft JSON) are composed into MIME first, so
 * both paths end in the same state and `$value` always works.
 */
import PostalMime from 'postal-mime';
import type { Address, Email } from 'postal-mime';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { EmailAddress, Recipient } from '@microsoft/microsoft-graph-types';
import { GraphError } from '../http';
import type { SimMessageHeader } from '../types';

export interface ParsedMime {
  internetMessageId?: string;
  headers: SimMessageHeader[];
  subject: string;
  from?: EmailAddress;
  sender?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  date?: string;
  text: string;
  html?: string;
  hasAttachments: boolean;
}

function flatten(list: Address[] | undefined): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const a of list ?? []) {
    if (a.group) for (const m of a.group) out.push({ name: m.name || m.address, address: m.address });
    else if (a.address) out.push({ name: a.name || a.address, address: a.address });
  }
  return out;
}

export async function parseMime(raw: Uint8Array): Promise<ParsedMime> {
  let email: Email;
  try {
    email = await PostalMime.parse(raw);
  } catch {
    throw new GraphError(400, 'ErrorMimeContentInvalid', 'The MIME content is not valid.');
  }
  const headers = email.headerLines.map((h) => {
    const idx = h.line.indexOf(':');
    return { name: h.line.slice(0, idx).trim(), value: h.line.slice(idx + 1).replace(/\r?\n[ \t]+/g, ' ').trim() };
  });
  const from = flatten(email.from ? [email.from] : undefined)[0];
  const sender = flatten(email.sender ? [email.sender] : undefined)[0] ?? from;
  return {
    internetMessageId: email.messageId,
    headers,
    subject: email.subject ?? '',
    from,
    sender,
    to: flatten(email.to),
    cc: flatten(email.cc),
    bcc: flatten(email.bcc),
    replyTo: flatten(email.replyTo),
    date: email.date,
    text: email.text ?? '',
    html: email.html,
    hasAttachments: email.attachments.some((a) => a.disposition !== 'inline'),
  };
}

/** Graph's MIME-in variants take the whole message base64-encoded in a text/plain body. */
export function decodeBase64Mime(body: Buffer): Uint8Array {
  const text = body.toString('ascii').replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    // Graph answers bad base64 with 400 ErrorMimeContentInvalidBase64String (user-sendmail docs).
    throw new GraphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export interface ComposeInput {
  from: EmailAddress;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  replyTo: Recipient[];
  internetMessageId: string;
  headers: SimMessageHeader[];
  date: Date;
}

function fmt(list: Recipient[]): { name: string; address: string }[] {
  return list.flatMap((r) => (r.emailAddress?.address ? [{ name: r.emailAddress.name ?? '', address: r.emailAddress.address }] : []));
}

export async function composeMime(input: ComposeInput): Promise<Uint8Array> {
  const composer = new MailComposer({
    from: { name: input.from.name ?? '', address: input.from.address ?? '' },
    to: fmt(input.to),
    cc: fmt(input.cc),
    bcc: fmt(input.bcc),
    replyTo: fmt(input.replyTo),
    subject: input.subject,
    messageId: input.internetMessageId,
    date: input.date,
    headers: input.headers.map((h) => ({ key: h.name, value: h.value })),
    ...(input.body.contentType === 'html' ? { html: input.body.content } : { text: input.body.content }),
  });
  const message = composer.compile();
  // Keep Bcc in the stored copy, as Sent Items does.
  message.keepBcc = true;
  const buf = await message.build();
  return new Uint8Array(buf);
}
