/**
 * Pure steps of capture: which addresses of a parsed message take part in contact matching, and the
 * activity one captured message becomes. No I/O here, so every rule is tested without a mailbox.
 */
import { normalizeEmail } from '../../domain/addresses';
import type { NewActivity } from '../../store/repos/activities';
import type { AttachmentMeta } from '../../store/schema';
import type { ParsedMessage } from '../mail/parse-message';
import { sanitizeEmailHtml } from '../mail/sanitize-html';

/** From, To, Cc and Reply-To, canonical and each once: the addresses a contact is matched by. */
export function matchableAddresses(m: Pick<ParsedMessage, 'from' | 'to' | 'cc' | 'replyTo'>): string[] {
  const all = [...(m.from ? [m.from] : []), ...m.to, ...m.cc, ...m.replyTo].map((a) => a.address.toLowerCase());
  return [...new Set(all)];
}

/** Contact ids whose addresses appear in the message, given the store's address → contact matches. */
export function contactsFor(addresses: readonly string[], matches: ReadonlyMap<string, readonly string[]>): string[] {
  const ids = new Set<string>();
  for (const a of addresses) for (const id of matches.get(a) ?? []) ids.add(id);
  return [...ids].sort();
}

const MAX_REASON = 1000;

/** The problems a user sees on the activity (the parser carried on regardless). */
export function problemsText(problems: readonly string[]): string | null {
  if (problems.length === 0) return null;
  const text = `Captured with problems: ${problems.join('; ')}`;
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

export interface CapturedActivityInput {
  parsed: ParsedMessage;
  /** The connected mailbox: mail it sent is outbound. */
  mailbox: string;
  accountId: string;
  contactIds: string[];
  attachments: AttachmentMeta[];
  /** When the message has no usable Date: the provider's received time, else now. */
  fallbackDate: Date;
}

export function capturedActivity(input: CapturedActivityInput): NewActivity {
  const { parsed } = input;
  const own = normalizeEmail(input.mailbox);
  const date = parsed.date ? new Date(parsed.date) : input.fallbackDate;
  return {
    type: 'email',
    direction: own !== null && parsed.from?.address === own ? 'outbound' : 'inbound',
    subject: parsed.subject,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    occurredAt: date,
    bodyText: parsed.text,
    // Sanitized before storage (and again before display by the UI).
    bodyHtml: parsed.html ? sanitizeEmailHtml(parsed.html).html : null,
    attachments: input.attachments,
    // Regarding stays empty: the user attaches the activity to a record later.
    status: input.contactIds.length > 0 ? 'filed' : 'unmatched',
    failureReason: problemsText(parsed.problems),
    dedupeKey: parsed.dedupeKey,
    accountId: input.accountId,
    contactIds: input.contactIds,
  };
}

/** Why bytes were not kept, in words a user reads next to the attachment name. */
export function refusedReason(size: number, limit: number): string {
  return `too large: ${size} bytes, over the ${limit}-byte attachment limit`;
}
