/**
 * Raw RFC 822 bytes → the activity fields. Never throws on bad mail: malformed MIME, missing or
 * duplicate headers, 8-bit garbage and unknown charsets give a best-effort result and a list of
 * problems. If the chosen parser fails, the other one is tried, and as a last resort the headers
 * alone are read so the message can still be filed.
 */
import { createHash } from 'node:crypto';
import { contentTypeFields } from './content-type-fields';
import { chooseParser, hasBinaryPart, latin1, liftedParser, parsers, worthLifting, type RawPart, type SplitMessage } from './mime-parsers';
import { readHeaders, type HeaderLine } from './message-headers';
import { detectMimeProblems } from './mime-problems';
import { htmlToPlainText } from './sanitize-html';
import { defaultParseOptions, type MimeParserName, type ParseOptions, type ParsedAttachment, type ParsedMessage } from './parsed-message';

export { defaultParseOptions, type ParsedMessage, type ParsedAttachment, type ParseOptions } from './parsed-message';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const stripBrackets = (cid: string): string => cid.trim().replace(/^<(.*)>$/, '$1');

function toAttachment(part: RawPart, index: number, opts: ParseOptions): ParsedAttachment {
  const contentId = part.contentId ? stripBrackets(part.contentId) : undefined;
  const base: ParsedAttachment = {
    filename: part.filename?.trim() || `attachment-${index + 1}`,
    contentType: part.contentType.toLowerCase(),
    size: part.content.byteLength,
    inline: part.related || part.disposition === 'inline',
    ...(contentId ? { contentId } : {}),
  };
  if (part.content.byteLength > opts.maxAttachmentBytes) return { ...base, refused: 'too_large' };
  return { ...base, content: part.content };
}

/** Splits the header block off by hand: used only when both parsers gave up. */
function headersOnly(raw: Uint8Array): SplitMessage {
  const text = latin1(raw);
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const headerLines: HeaderLine[] = [];
  for (const line of head.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headerLines.push({ key: line.slice(0, colon).trim().toLowerCase(), line });
  }
  // latin1 is one char per byte, so string offsets are byte offsets.
  const bodyBytes = end < 0 ? new Uint8Array() : raw.subarray(end);
  const body = new TextDecoder('utf-8', { fatal: false }).decode(bodyBytes).replace(/^\r?\n\r?\n/, '');
  return { headerLines, text: body, html: null, parts: [] };
}

/** The checks made on the raw bytes, sharing one search for the Content-Type fields. */
function inspect(raw: Uint8Array): Inspection {
  const fields = contentTypeFields(raw);
  const binary = hasBinaryPart(raw, fields);
  return { problems: detectMimeProblems(raw, fields), first: chooseParser(raw, fields, binary), binary };
}

interface Inspection {
  problems: string[];
  first: 'postal-mime' | 'mailparser';
  /** Has a binary part, so the lift of lifted-parts.ts may apply (as it may to long text). */
  binary: boolean;
}

async function split(raw: Uint8Array, { first, binary, problems }: Inspection): Promise<{ message: SplitMessage; parser: MimeParserName }> {
  if (worthLifting(raw, binary)) {
    const lifted = await liftedParser(raw).catch(() => null);
    if (lifted && !isEmpty(lifted)) return { message: lifted, parser: 'postal-mime-lifted' };
  }
  const second = first === 'postal-mime' ? 'mailparser' : 'postal-mime';
  let empty: { message: SplitMessage; parser: MimeParserName } | null = null;
  for (const name of [first, second] as const) {
    try {
      const message = await parsers[name](raw);
      if (!isEmpty(message)) return { message, parser: name };
      empty ??= { message, parser: name };
    } catch (e) {
      problems.push(`${name} could not parse the message: ${e instanceof Error ? e.name : 'error'}`);
    }
  }
  // Both parsers gave up or found no readable part (e.g. a boundary that never appears): keep the
  // raw body as text so the user still sees what arrived.
  const fallback = headersOnly(raw);
  if (fallback.text?.trim()) problems.push('no readable MIME part: raw body kept as text');
  return { message: { ...(empty?.message ?? fallback), text: fallback.text }, parser: empty?.parser ?? 'headers-only' };
}

const isEmpty = (m: SplitMessage): boolean => !m.text?.trim() && !m.html?.trim() && m.parts.length === 0;

export async function parseMessage(raw: Uint8Array, options: Partial<ParseOptions> = {}): Promise<ParsedMessage> {
  const opts: ParseOptions = { ...defaultParseOptions, ...options };
  const inspection = inspect(raw);
  const { problems } = inspection;
  const { message, parser } = await split(raw, inspection);
  const headers = readHeaders(message.headerLines, problems);
  const attachments = message.parts.map((p, i) => toAttachment(p, i, opts));
  for (const a of attachments) if (a.refused) problems.push(`attachment ${JSON.stringify(a.filename)} refused: ${a.size} bytes over the ${opts.maxAttachmentBytes}-byte limit`);
  // HTML-only mail still gets a text body, for previews and search.
  const body = message.text || (message.html ? htmlToPlainText(message.html) : '');
  if (body.includes('\uFFFD')) problems.push('body has bytes that are not valid in its charset');
  return {
    ...headers,
    dedupeKey: headers.messageId ?? `sha256:${sha256Hex(raw)}`,
    text: body,
    html: message.html,
    attachments,
    problems: [...new Set(problems)],
    parser,
  };
}
