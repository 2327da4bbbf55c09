/**
 * Gmail's per-user quota: a sliding one-minute window of quota units on the injected clock.
 * Costs follow developers.google.com/gmail/api/reference/quota. The per-user limit there is
 * 6,000 units per minute for projects that started using the API on/after 2026-05-01 (older
 * projects: 15,000) — Tandem is a new project, so 6,000 is the default. Exceeding it is answered with
 * reason `userRateLimitExceeded` (the reason the quota page names for the per-user limit).
 */
import { GoogleApiError } from './http-kit';

export const gmailQuotaCosts: Readonly<Record<string, number>> = {
  getProfile: 1,
  'labels.list': 1,
  'labels.get': 1,
  'labels.create': 5,
  'labels.update': 5,
  'labels.delete': 5,
  'history.list': 2,
  'messages.list': 5,
  'messages.get': 5,
  'messages.attachments.get': 5,
  'messages.modify': 5,
  'messages.trash': 5,
  'messages.untrash': 5,
  'messages.delete': 10,
  'messages.insert': 25,
  'messages.import': 25,
  'messages.batchModify': 50,
  'messages.batchDelete': 50,
  'messages.send': 100,
  // Not in the table we checked; the values commonly quoted for them.
  watch: 100,
  stop: 50,
};

export const defaultUserQuotaPerMinute = 6_000;
const windowMs = 60_000;

export class QuotaMeter {
  private spent = new Map<string, Array<{ at: number; units: number }>>();

  constructor(public limitPerMinute: number) {}

  /** Charges `units` to the mailbox or throws the 429 Google answers when the minute's budget is gone. */
  charge(mailbox: string, units: number, now: number): void {
    if (units <= 0) return;
    const entries = (this.spent.get(mailbox) ?? []).filter((e) => e.at > now - windowMs);
    const used = entries.reduce((n, e) => n + e.units, 0);
    if (used + units > this.limitPerMinute) {
      this.spent.set(mailbox, entries);
      // Seconds until enough of the window has slid out to afford this call.
      let freed = 0;
      let waitMs = windowMs;
      for (const e of entries) {
        freed += e.units;
        if (used - freed + units <= this.limitPerMinute) {
          waitMs = e.at + windowMs - now;
          break;
        }
      }
      throw new GoogleApiError(429, 'userRateLimitExceeded', 'User-rate limit exceeded. Retry after the per-minute quota window.', {
        domain: 'usageLimits',
        status: 'RESOURCE_EXHAUSTED',
        headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      });
    }
    entries.push({ at: now, units });
    this.spent.set(mailbox, entries);
  }

  reset(): void {
    this.spent.clear();
  }
}

/** messages.list returns at most 500 ids a page; batchModify takes at most 1,000 ids (Gmail reference). */
const listPageMax = 500;
const batchModifyMax = 1000;

/**
 * The least quota capturing `messages` messages can cost by the table above: one raw messages.get
 * per message, plus the messages.list pages and the batchModify calls at their largest.
 */
export function gmailCaptureMinimumUnits(messages: number): number {
  const cost = (op: string) => gmailQuotaCosts[op] ?? 0;
  return messages * cost('messages.get') + Math.ceil(messages / listPageMax) * cost('messages.list') + Math.ceil(messages / batchModifyMax) * cost('messages.batchModify');
}
