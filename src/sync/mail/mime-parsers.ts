/**
 * The two MIME parsers behind one small shape. bench/parse-mime.ts measured them on the seeded
 * 'mixed' mailbox: postal-mime is faster on text and HTML mail, mailparser (Buffer-native base64)
 * on attachment-heavy mail, so `chooseParser` picks by shape; everything after this file is one
 * code path.
 */
import { simpleParser, type Attachment as MailparserAttachment } from 'mailparser';
import PostalMime from 'postal-mime';
import { liftParts } from './lifted-parts';
import { contentTypeFields, fieldWindow } from './content-type-fields';
import type { HeaderLine } from './message-headers';

export interface RawPart {
  filename: string | null;
  contentType: string;
  disposition: string | null;
  contentId: string | null;
  related: boolean;
  content: Uint8Array;
}

export interface SplitMessage {
  headerLines: readonly HeaderLine[];
  text: string | null;
  html: string | null;
  parts: RawPart[];
}

export type MimeParser = (raw: Uint8Array) => Promise<SplitMessage>;

// The parsers disagree only on trailing line breaks; trimming them makes their output identical.
// trimEnd strips what /\s+$/ would, without the regex's rescans of every whitespace run of a long body.
const body = (value: string | undefined | false): string | null => (typeof value === 'string' ? value.trimEnd() : null);

/** postal-mime's split, its bodies as it built them (before the trimming every parser's result gets). */
async function postalMimeSplit(raw: Uint8Array): Promise<SplitMessage> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  return {
    headerLines: email.headerLines,
    text: typeof email.text === 'string' ? email.text : null,
    html: typeof email.html === 'string' ? email.html : null,
    parts: email.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.mimeType,
      disposition: a.disposition,
      contentId: a.contentId ?? null,
      related: a.related === true,
      content: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content),
    })),
  };
}

export const postalMimeParser: MimeParser = async (raw) => {
  const message = await postalMimeSplit(raw);
  return { ...message, text: body(message.text ?? undefined), html: body(message.html ?? undefined) };
};

// We sanitize and render HTML ourselves; mailparser's text→HTML, HTML→text and link rewriting are
// work we would throw away (and the text→HTML linkifier dominates its time on long text bodies).
const mailparserOptions = { skipTextToHtml: true, skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true, keepCidLinks: true } as const;

const mailparserPart = (a: MailparserAttachment): RawPart => ({
  filename: a.filename ?? null,
  contentType: a.contentType,
  disposition: a.contentDisposition ?? null,
  contentId: a.contentId ?? null,
  related: a.related === true,
  content: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
});

export const mailparserParser: MimeParser = async (raw) => {
  const mail = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), mailparserOptions);
  return {
    headerLines: mail.headerLines,
    text: body(mail.text),
    html: body(mail.html),
    parts: mail.attachments.map(mailparserPart),
  };
};

/**
 * postal-mime on the skeleton lifted-parts.ts leaves, with the natively decoded bodies put back:
 * the same result as a full parse at a fraction of the cost on attachment-heavy mail and long text.
 * Null when nothing was lifted or the parser did not hand back every marker once (then parse the
 * original).
 */
export async function liftedParser(raw: Uint8Array): Promise<SplitMessage | null> {
  const lifted = liftParts(raw);
  if (!lifted) return null;
  const message = await postalMimeSplit(lifted.skeleton);
  const bodies = lifted.restoreText(message.text, message.html);
  if (!bodies) return null;
  const parts = message.parts.map((part) => {
    const content = lifted.restore(part.content);
    return content ? { ...part, content } : part;
  });
  if (!lifted.allRestored()) return null;
  return { ...message, text: body(bodies.text ?? undefined), html: body(bodies.html ?? undefined), parts };
}

/** Below this, a message without binary parts is parsed whole: lifting its text saves too little. */
const LIFT_TEXT_FROM_BYTES = 4096;

/** Whether liftedParser is worth trying: a binary part to decode natively, or room for a long text body. */
export const worthLifting = (raw: Uint8Array, binary: boolean): boolean => binary || raw.byteLength >= LIFT_TEXT_FROM_BYTES;

/** A part that is neither text nor a container: an attachment or inline image to base64-decode. */
const BINARY_PART = /^content-type:[ \t]*(?:image|application|audio|video|font|model)\//imy;
/** Below this, the choice does not matter enough to scan. */
const SCAN_FROM_BYTES = 16 * 1024;

/** Whether any part is binary: an attachment or inline image to base64-decode. */
export function hasBinaryPart(raw: Uint8Array, fields?: readonly number[]): boolean {
  for (const start of fields ?? contentTypeFields(raw)) {
    BINARY_PART.lastIndex = 0;
    if (BINARY_PART.test(fieldWindow(raw, start, 'none'))) return true;
  }
  return false;
}

/**
 * Attachment-heavy mail to mailparser, everything else to postal-mime (see bench/parse-mime.ts).
 * `fields` (the Content-Type field starts) and `binary` (hasBinaryPart) are reused when the caller has them.
 */
export function chooseParser(raw: Uint8Array, fields?: readonly number[], binary?: boolean): 'postal-mime' | 'mailparser' {
  return raw.byteLength >= SCAN_FROM_BYTES && (binary ?? hasBinaryPart(raw, fields)) ? 'mailparser' : 'postal-mime';
}

/** Bytes as a string, one char per byte: the cheapest decode, enough to find ASCII structure. */
export function latin1(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
}

export const parsers: Record<'postal-mime' | 'mailparser', MimeParser> = { 'postal-mime': postalMimeParser, mailparser: mailparserParser };

/**
 * The split parse-message.ts makes on well-formed mail: bodies lifted where the structure allows
 * (lifted-parts.ts), else the per-message choice. For the benchmarks, which set it against the
 * parsers alone; parse-message.ts adds the fallbacks for mail that breaks a parser.
 */
export const pipelineSplit: MimeParser = async (raw) => (worthLifting(raw, hasBinaryPart(raw)) ? await liftedParser(raw) : null) ?? parsers[chooseParser(raw)](raw);
