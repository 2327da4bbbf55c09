/** How stored Gmail state is shown on the wire: message formats, labels, the `q` search subset. */
import type { gmail_v1 } from '@googleapis/gmail';
import { badRequest } from './http-kit';
import { buildPayload, extractAddresses, headerValue } from './mime';
import type { GoogleMailbox, StoredLabel, StoredMessage } from './state';

export type MessageFormat = 'minimal' | 'full' | 'raw' | 'metadata';

export function parseFormat(value: string | null): MessageFormat {
  const f = (value ?? 'full').toLowerCase();
  if (f === 'minimal' || f === 'full' || f === 'raw' || f === 'metadata') return f;
  throw badRequest(`Invalid value at 'format' (${value})`, 'invalidArgument', 'format');
}

export function sortedLabels(msg: StoredMessage): string[] {
  return [...msg.labelIds].sort();
}

export function messageResource(msg: StoredMessage, format: MessageFormat, metadataHeaders: string[] = []): gmail_v1.Schema$Message {
  const out: gmail_v1.Schema$Message = {
    id: msg.id,
    threadId: msg.threadId,
    labelIds: sortedLabels(msg),
    snippet: msg.parsed.snippet,
    sizeEstimate: msg.raw.length,
    historyId: String(msg.historyId),
    internalDate: String(msg.internalDate),
  };
  if (format === 'raw') out.raw = msg.raw.toString('base64url');
  if (format === 'metadata') {
    const wanted = metadataHeaders.map((h) => h.toLowerCase());
    const headers = wanted.length === 0 ? msg.parsed.headers : msg.parsed.headers.filter((h) => wanted.includes(h.name.toLowerCase()));
    const ct = headerValue(msg.parsed.headers, 'content-type') ?? 'text/plain';
    out.payload = { partId: '', mimeType: (ct.split(';')[0] ?? 'text/plain').trim().toLowerCase(), filename: '', headers: headers.map((h) => ({ ...h })) };
  }
  if (format === 'full') out.payload = buildPayload(msg.raw, msg.id);
  return out;
}

export function labelResource(label: StoredLabel): gmail_v1.Schema$Label {
  const out: gmail_v1.Schema$Label = { id: label.id, name: label.name, type: label.type };
  if (label.messageListVisibility) out.messageListVisibility = label.messageListVisibility;
  if (label.labelListVisibility) out.labelListVisibility = label.labelListVisibility;
  if (label.color) out.color = label.color;
  return out;
}

export function labelWithCounts(mb: GoogleMailbox, label: StoredLabel): gmail_v1.Schema$Label {
  const msgs = [...mb.gmail.messages.values()].filter((m) => m.labelIds.has(label.id));
  const unread = msgs.filter((m) => m.labelIds.has('UNREAD'));
  return {
    ...labelResource(label),
    messagesTotal: msgs.length,
    messagesUnread: unread.length,
    threadsTotal: new Set(msgs.map((m) => m.threadId)).size,
    threadsUnread: new Set(unread.map((m) => m.threadId)).size,
  };
}

/** Splits a Gmail search string into terms, keeping quoted phrases together. */
function tokenize(q: string): string[] {
  return [...q.matchAll(/(?:[^\s"]+:)?"[^"]*"|\S+/g)].map((m) => m[0].replace(/"/g, ''));
}

/**
 * The subset of Gmail search the adapters need: rfc822msgid:, label:, in:, is:, from:, to:,
 * subject: and bare words. Label names in `label:` use "-" for spaces and "/" as typed, as in Gmail.
 */
export function queryMatcher(q: string, findLabel: (name: string) => StoredLabel | undefined): (m: StoredMessage) => boolean {
  const tests: Array<(m: StoredMessage) => boolean> = [];
  for (const term of tokenize(q)) {
    const colon = term.indexOf(':');
    const op = colon > 0 ? term.slice(0, colon).toLowerCase() : '';
    const arg = colon > 0 ? term.slice(colon + 1) : term;
    const lower = arg.toLowerCase();
    switch (op) {
      case 'rfc822msgid': {
        const wanted = arg.replace(/^<|>$/g, '');
        tests.push((m) => (m.parsed.messageIdHeader ?? '').replace(/^<|>$/g, '') === wanted);
        break;
      }
      case 'label':
      case 'in': {
        if (op === 'in' && lower === 'anywhere') break;
        const label = findLabel(arg) ?? findLabel(arg.replace(/-/g, ' '));
        const id = label?.id;
        tests.push((m) => id !== undefined && m.labelIds.has(id));
        break;
      }
      case 'is': {
        const id = lower.toUpperCase();
        tests.push((m) => m.labelIds.has(id));
        break;
      }
      case 'from':
        tests.push((m) => m.parsed.from.toLowerCase().includes(lower));
        break;
      case 'to':
        tests.push((m) => extractAddresses(m.parsed.to).some((a) => a.includes(lower)) || m.parsed.to.toLowerCase().includes(lower));
        break;
      case 'subject':
        tests.push((m) => m.parsed.subject.toLowerCase().includes(lower));
        break;
      default:
        tests.push((m) => `${m.parsed.subject} ${m.parsed.snippet} ${m.parsed.from} ${m.parsed.to}`.toLowerCase().includes(term.toLowerCase()));
    }
  }
  return (m) => tests.every((t) => t(m));
}

/** Gmail lists newest first. */
export function compareNewestFirst(a: StoredMessage, b: StoredMessage): number {
  return b.internalDate - a.internalDate || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
