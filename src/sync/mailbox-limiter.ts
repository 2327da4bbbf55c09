/**
 * In-process cap on concurrent provider requests per mailbox. Graph allows 4 concurrent requests per
 * mailbox per app; a fifth is answered 429 (MailboxConcurrency), so we queue it here instead.
 * Cross-process limits (Retry-After windows) live in the database's throttle_state.
 */
export class MailboxLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limitFor: (mailboxKey: string) => number) {}

  async run<T>(mailboxKey: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(mailboxKey);
    try {
      return await task();
    } finally {
      this.release(mailboxKey);
    }
  }

  /** Requests currently running for a mailbox (for tests and metrics). */
  inFlight(mailboxKey: string): number {
    return this.active.get(mailboxKey) ?? 0;
  }

  private acquire(key: string): Promise<void> {
    const n = this.active.get(key) ?? 0;
    if (n < this.limitFor(key)) {
      this.active.set(key, n + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  private release(key: string): void {
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (next) {
      // Hand the slot straight to the next waiter; the active count stays the same.
      if (queue && queue.length === 0) this.waiting.delete(key);
      next();
      return;
    }
    const n = (this.active.get(key) ?? 1) - 1;
    if (n <= 0) this.active.delete(key);
    else this.active.set(key, n);
  }
}

/** Documented per-mailbox concurrency of each provider's API. */
export const providerConcurrency: Record<string, number> = {
  microsoft: 4, // Graph: 4 concurrent requests per mailbox per app
  google: 10,
  exchange: 4, // EWS default throttling policy EWSMaxConcurrency is 27 per user, but it is shared with Outlook
  imap: 2, // IMAP servers cap connections per user (Dovecot mail_max_userip_connections 10); stay modest
};
