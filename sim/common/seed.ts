/**
 * Deterministic, realistic mail for the simulators and benchmarks. The same options always give the
 * same bytes (seeded PRNG, fixed clock, counter-based boundaries), so a failing test or a benchmark
 * figure can be reproduced exactly.
 *
 * Profiles: 'mixed' is the realistic blend the capture benchmark uses (plain text, HTML with quoted
 * threads, long text logs, inline images and attachments; ~50 KB per message on average); 'small'
 * is short text/HTML only (a few KB) for tests that need many messages quickly.
 */
import { pick, seededRandom, type Random } from './random';
import { composeHtml, composeText, quoteText, serviceLog, type BodyText, type Quoted } from './seed-bodies';
import { coworkers, customers, jpegLike, parseContact, pdfLike, subjects, type SubjectLine } from './seed-content';
import { buildMessage, formatAddressList, formatDate, encodeWords, type Header, type LeafPart, type MimePart, type SeedAddress } from './seed-mime';

export type { SeedAddress } from './seed-mime';
export { seedEvents, localToInstant, type SeedEvent, type SeedEventsOptions } from './seed-events';
export { hostileMessages, hugeAttachmentMessage, type HostileSample, type HugeMessage } from './seed-hostile';

export type SeedProfile = 'mixed' | 'small';
export type SeedMessageKind = 'text' | 'html' | 'long-text' | 'inline-image' | 'attachment';

export interface SeedMessagesOptions {
  seed: number;
  count: number;
  /** The mailbox the messages belong to (its owner sends the 'out' ones and receives the rest). */
  mailbox: string;
  /** Correspondents, "Name <addr>" or bare addresses; defaults to a built-in customer list. */
  contacts?: string[];
  profile?: SeedProfile;
  /** The newest message is dated shortly before this instant (default 2026-11-02T09:00:00Z). */
  now?: Date;
  /** Messages spread over this many days before `now` (default 30). */
  spanDays?: number;
}

export interface SeedAttachment {
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
}

export interface SeededMessage {
  raw: Uint8Array;
  /** With angle brackets, as in the header and as Graph's internetMessageId carries it. */
  messageId: string;
  from: SeedAddress;
  to: SeedAddress[];
  cc: SeedAddress[];
  /** Decoded subject. */
  subject: string;
  date: Date;
  inReplyTo?: string;
  references: string[];
  /** 'out' messages were sent by the mailbox owner: simulators put them in Sent. */
  direction: 'in' | 'out';
  kind: SeedMessageKind;
  attachments: SeedAttachment[];
}

const DEFAULT_NOW = new Date('2026-11-02T09:00:00Z');

const kindWeights: Record<SeedProfile, ReadonlyArray<readonly [SeedMessageKind, number]>> = {
  mixed: [
    ['text', 25],
    ['html', 27],
    ['long-text', 8],
    ['inline-image', 12],
    ['attachment', 28],
  ],
  small: [
    ['text', 55],
    ['html', 45],
  ],
};

const zoneOffsets: Record<SubjectLine['lang'], readonly number[]> = {
  en: [-300, -240, 0],
  de: [60],
  es: [60],
  ja: [540],
};

function weighted<T>(rnd: Random, table: ReadonlyArray<readonly [T, number]>): T {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let r = rnd() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  const last = table[table.length - 1];
  if (!last) throw new Error('empty weight table');
  return last[0];
}

/** FNV-1a, to fold the mailbox into the seed: same seed, different mailboxes → different mail. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function hex(rnd: Random, len: number): string {
  let s = '';
  while (s.length < len) s += Math.floor(rnd() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, len);
}

function sample<T>(rnd: Random, items: readonly T[], n: number, exclude: (t: T) => boolean): T[] {
  const pool = items.filter((t) => !exclude(t));
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0] as T);
  return out;
}

interface Thread {
  subject: SubjectLine;
  references: string[];
  last: { messageId: string; from: SeedAddress; dateText: string; text: string };
  correspondent: SeedAddress;
}

function textPart(text: string, lang: SubjectLine['lang'], rnd: Random): LeafPart {
  if (lang === 'en' && /^[\x20-\x7e\n]*$/.test(text)) {
    return { kind: 'leaf', contentType: 'text/plain; charset=us-ascii', encoding: '7bit', body: text };
  }
  // Real clients split between QP and base64 for non-Latin text; exercise both decoders.
  const encoding = lang === 'ja' && rnd() < 0.5 ? 'base64' : 'quoted-printable';
  return { kind: 'leaf', contentType: 'text/plain; charset=utf-8', encoding, body: text };
}

interface BodyInput {
  kind: SeedMessageKind;
  index: number;
  lang: SubjectLine['lang'];
  /** Sender's domain, for Content-IDs. */
  domain: string;
  text: string;
  body: BodyText;
  quoted: Quoted | undefined;
}

/** The MIME tree for one message kind: text, text+HTML, +inline image (related), +attachments (mixed). */
function composeBody(rnd: Random, input: BodyInput): { mime: MimePart; attachments: SeedAttachment[] } {
  const { kind, index, lang, domain, text, body, quoted } = input;
  const attachments: SeedAttachment[] = [];
  let mime: MimePart = textPart(text, lang, rnd);
  if (kind !== 'text' && kind !== 'long-text') {
    const cid = kind === 'inline-image' ? `img${index}.${hex(rnd, 8)}@${domain}` : undefined;
    const html = composeHtml(body, {
      quoted,
      inlineImageCid: cid,
      trackingPixel: rnd() < 0.4 ? `https://t.mailtrack.example/o/${hex(rnd, 24)}.gif` : undefined,
      script: rnd() < 0.08,
    });
    const htmlPart: LeafPart = { kind: 'leaf', contentType: 'text/html; charset=utf-8', encoding: 'quoted-printable', body: html };
    mime = { kind: 'multipart', subtype: 'alternative', parts: [textPart(text, lang, rnd), htmlPart] };
    if (cid) {
      const size = 20_000 + Math.floor(rnd() * 70_000);
      const filename = `site-photo-${index}.jpg`;
      const image: LeafPart = { kind: 'leaf', contentType: `image/jpeg; name="${filename}"`, encoding: 'base64', body: jpegLike(rnd, size), contentId: cid, disposition: { type: 'inline', filename } };
      mime = { kind: 'multipart', subtype: 'related', parts: [mime, image] };
      attachments.push({ filename, contentType: 'image/jpeg', size, inline: true });
    }
    if (kind === 'attachment') {
      const parts: MimePart[] = [mime];
      const n = rnd() < 0.3 ? 2 : 1;
      for (let k = 0; k < n; k++) {
        const isPdf = rnd() < 0.65;
        const size = isPdf ? 15_000 + Math.floor(rnd() * 110_000) : 25_000 + Math.floor(rnd() * 90_000);
        const filename = isPdf ? (lang === 'de' ? `Angebot_Größe_${index}.pdf` : `quote-${4800 + index}.pdf`) : `photo-${index}-${k}.jpg`;
        const contentType = isPdf ? 'application/pdf' : 'image/jpeg';
        const bytes = isPdf ? pdfLike(rnd, size) : jpegLike(rnd, size);
        parts.push({ kind: 'leaf', contentType: `${contentType}; name="${encodeWords(filename)}"`, encoding: 'base64', body: bytes, disposition: { type: 'attachment', filename } });
        attachments.push({ filename, contentType, size, inline: false });
      }
      mime = { kind: 'multipart', subtype: 'mixed', parts };
    }
  }
  return { mime, attachments };
}

export function seedMessages(options: SeedMessagesOptions): SeededMessage[] {
  const rnd = seededRandom((options.seed ^ hashString(options.mailbox.toLowerCase())) >>> 0);
  const profile = options.profile ?? 'mixed';
  const now = options.now ?? DEFAULT_NOW;
  const spanMs = (options.spanDays ?? 30) * 86_400_000;
  const mailbox = options.mailbox.toLowerCase();
  const owner = coworkers.find((c) => c.address === mailbox) ?? parseContact(mailbox);
  const contacts = options.contacts?.length ? options.contacts.map(parseContact) : [...customers];
  const colleagues = coworkers.filter((c) => c.address !== mailbox);
  const threads: Thread[] = [];
  const out: SeededMessage[] = [];

  for (let i = 0; i < options.count; i++) {
    const date = new Date(now.getTime() - spanMs + ((i + 0.2 + rnd() * 0.6) / options.count) * spanMs - 60_000);
    const kind = weighted(rnd, kindWeights[profile]);
    const reply = threads.length > 0 && rnd() < 0.3 ? pick(rnd, threads) : undefined;
    const correspondent = reply?.correspondent ?? pick(rnd, contacts);
    const subjectLine = reply?.subject ?? pick(rnd, subjects);
    const lang = subjectLine.lang;
    const direction: 'in' | 'out' = rnd() < 0.15 ? 'out' : 'in';
    const from = direction === 'in' ? correspondent : owner;
    const to = [direction === 'in' ? owner : correspondent, ...sample(rnd, colleagues, rnd() < 0.3 ? 1 : 0, () => false)];
    const cc = sample(rnd, [...colleagues, ...contacts], Math.floor(rnd() * rnd() * 4), (a) => a.address === from.address || to.some((t) => t.address === a.address));
    const subject = reply ? (lang === 'de' ? `AW: ${subjectLine.text}` : `Re: ${subjectLine.text}`) : subjectLine.text;
    const domain = from.address.split('@')[1] ?? 'example.com';
    const messageId = `<${hex(rnd, 16)}.${i}@${domain}>`;
    const offset = pick(rnd, direction === 'in' ? zoneOffsets[lang] : [-300]);
    const dateText = formatDate(date, offset);

    const body = composeText(rnd, lang, from, to[0] ?? owner, kind === 'text' ? 1 + Math.floor(rnd() * 3) : 2 + Math.floor(rnd() * 3));
    const quoted: Quoted | undefined = reply ? { from: reply.last.from, dateText: reply.last.dateText, text: reply.last.text } : undefined;
    let text = body.text;
    if (kind === 'long-text') text += `\n\n${serviceLog(rnd, 1500, date)}\n`;
    if (quoted) text += `\n\n${quoteText(quoted)}\n`;

    const { mime, attachments } = composeBody(rnd, { kind, index: i, lang, domain, text, body, quoted });

    // Alternate B and Q encoded-words between messages so both decoders are exercised.
    const mode = i % 2 === 0 ? 'B' : 'Q';
    const headers: Header[] = [
      ['Date', dateText],
      ['From', formatAddressList([from], mode)],
      ['To', formatAddressList(to, mode)],
      ...(cc.length ? [['Cc', formatAddressList(cc, mode)] as const] : []),
      ['Subject', encodeWords(subject, mode)],
      ['Message-ID', messageId],
    ];
    const references = reply ? [...reply.references, reply.last.messageId] : [];
    if (reply) {
      headers.push(['In-Reply-To', reply.last.messageId], ['References', references.join(' ')]);
    }
    headers.push(['X-Mailer', pick(rnd, ['Microsoft Outlook 16.0', 'Apple Mail (2.3774)', 'Mozilla Thunderbird 128.4', 'Gmail'])]);

    const raw = buildMessage(headers, mime, `tandem${hex(rnd, 8)}`);
    out.push({ raw, messageId, from, to, cc, subject, date, inReplyTo: reply?.last.messageId, references, direction, kind, attachments });

    const last = { messageId, from, dateText, text: body.text };
    if (reply) {
      reply.references = references;
      reply.last = last;
    } else {
      threads.push({ subject: subjectLine, references: [], last, correspondent });
    }
  }
  return out;
}
