/**
 * Outgoing mail as RFC 822 bytes (nodemailer's MailComposer), with a Message-ID we choose: it is
 * the send's idempotency key (the outbox looks for it in Sent after an ambiguous failure), so it is
 * generated once, stored with the outbox row, and passed back in on every retry.
 */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { normalizeEmail } from '../../domain/addresses';

export interface Recipient {
  address: string;
  name?: string;
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** Set for inline images referenced as cid: from the HTML. */
  contentId?: string;
}

export interface ComposeInput {
  from: Recipient;
  to: Recipient[];
  cc?: Recipient[];
  /** Envelope only: never written into the headers. */
  bcc?: Recipient[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: OutgoingAttachment[];
  inReplyTo?: string;
  references?: string[];
  date: Date;
  /** A Message-ID made earlier for this send (retries must reuse it). */
  messageId?: string;
}

export interface ComposeDeps {
  /** UUID source (crypto.randomUUID in production, fixed in tests). */
  newId: () => string;
  /** Right-hand side is `tandem.<domain>`; defaults to the sender's domain. */
  domain?: string;
}

export interface ComposedMail {
  mime: Uint8Array;
  messageId: string;
  /** Envelope recipients: To + Cc + Bcc, canonical, each once. */
  recipients: string[];
}

export type ComposeErrorCode = 'header_injection' | 'invalid_address' | 'no_recipients' | 'invalid_message_id';

export class ComposeError extends Error {
  override name = 'ComposeError';
  constructor(
    readonly code: ComposeErrorCode,
    /** The input field at fault, e.g. "subject", "to[1]", "attachments[0].filename". */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

// CR or LF in a header value would start a new header (Bcc:, Content-Type:) — RFC 5322 injection.
// Other C0 controls have no business in headers either.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

function checkText(field: string, value: string | undefined): void {
  if (value !== undefined && CONTROL.test(value)) throw new ComposeError('header_injection', field, `${field} contains line breaks or control characters`);
}

function checkRecipient(field: string, r: Recipient): { address: string; name?: string } {
  checkText(`${field}.name`, r.name);
  checkText(field, r.address);
  const address = normalizeEmail(r.address);
  if (!address || /[<>,;"\s]/.test(r.address.trim())) throw new ComposeError('invalid_address', field, `${field} is not a valid email address`);
  return r.name ? { address, name: r.name } : { address };
}

const checkList = (field: string, list: Recipient[] | undefined) => (list ?? []).map((r, i) => checkRecipient(`${field}[${i}]`, r));

export function makeMessageId(newId: () => string, domain: string): string {
  return `<${newId()}@tandem.${domain.toLowerCase()}>`;
}

export async function composeMime(input: ComposeInput, deps: ComposeDeps): Promise<ComposedMail> {
  const from = checkRecipient('from', input.from);
  const to = checkList('to', input.to);
  const cc = checkList('cc', input.cc);
  const bcc = checkList('bcc', input.bcc);
  checkText('subject', input.subject);
  checkText('inReplyTo', input.inReplyTo);
  (input.references ?? []).forEach((r, i) => checkText(`references[${i}]`, r));
  (input.attachments ?? []).forEach((a, i) => {
    checkText(`attachments[${i}].filename`, a.filename);
    checkText(`attachments[${i}].contentType`, a.contentType);
    checkText(`attachments[${i}].contentId`, a.contentId);
  });
  const recipients = [...new Set([...to, ...cc, ...bcc].map((r) => r.address))];
  if (recipients.length === 0) throw new ComposeError('no_recipients', 'to', 'A message needs at least one recipient');

  const messageId = input.messageId ?? makeMessageId(deps.newId, deps.domain ?? from.address.slice(from.address.lastIndexOf('@') + 1));
  if (!MESSAGE_ID.test(messageId)) throw new ComposeError('invalid_message_id', 'messageId', 'Message-ID must look like <id@domain>');

  const composer = new MailComposer({
    from,
    to,
    cc: cc.length > 0 ? cc : undefined,
    // Bcc stays out of the MIME: the provider gets it in the envelope (recipients) only.
    subject: input.subject,
    text: input.text,
    html: input.html,
    messageId,
    date: input.date,
    inReplyTo: input.inReplyTo,
    references: input.references,
    // RFC 5322 wants CRLF; Graph and Gmail take the bytes as they are (SMTP would convert).
    newline: 'windows',
    // Boundaries derived from the Message-ID: the same send composes to the same bytes.
    baseBoundary: createHash('sha256').update(messageId).digest('hex').slice(0, 24),
    // Content comes only from the bytes we pass: never let a path or URL make the composer read.
    disableFileAccess: true,
    disableUrlAccess: true,
    attachments: (input.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
      ...(a.contentId ? { cid: a.contentId } : {}),
    })),
  });
  const mime: Buffer = await composer.compile().build();
  return { mime: new Uint8Array(mime.buffer, mime.byteOffset, mime.byteLength), messageId, recipients };
}
