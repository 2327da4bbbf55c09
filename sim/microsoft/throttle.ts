/**
 * Outlook's per-mailbox limits (throttling-limits docs, "Outlook service limits"): at most 4 concurrent
 * requests and 10,000 requests per 10 minutes per app and mailbox. Over either → 429 ApplicationThrottled
 * with Retry-After. The window runs on the injected clock.
 */
import type { Clock } from '../../src/domain/clock';

export interface ThrottleLimits {
  concurrency: number;
  requestsPerWindow: number;
  windowMs: number;
}

export const outlookLimits: ThrottleLimits = { concurrency: 4, requestsPerWindow: 10_000, windowMs: 10 * 60_000 };

export type Admission = { ok: true; release: () => void } | { ok: false; message: string; retryAfterSeconds: number };

export class MailboxThrottle {
  private inflight = new Map<string, number>();
  private stamps = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    readonly limits: ThrottleLimits = outlookLimits,
  ) {}

  admit(mailbox: string): Admission {
    const now = this.clock.now().getTime();
    const list = this.stamps.get(mailbox) ?? [];
    let drop = 0;
    while (drop < list.length && (list[drop] ?? 0) <= now - this.limits.windowMs) drop++;
    if (drop) list.splice(0, drop);
    this.stamps.set(mailbox, list);
    if (list.length >= this.limits.requestsPerWindow) {
      const oldest = list[0] ?? now;
      return {
        ok: false,
        message: 'Application is over its MailboxRequests limit.',
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.limits.windowMs - now) / 1000)),
      };
    }
    const running = this.inflight.get(mailbox) ?? 0;
    if (running >= this.limits.concurrency) {
      return { ok: false, message: 'Application is over its MailboxConcurrency limit.', retryAfterSeconds: 1 };
    }
    list.push(now);
    this.inflight.set(mailbox, running + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inflight.set(mailbox, (this.inflight.get(mailbox) ?? 1) - 1);
      },
    };
  }
}

/** Lets a test hold admitted requests open, so concurrency can be provoked without real sleeps. */
export class RequestGate {
  private held: (() => void)[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  private closed = false;

  close(): void {
    this.closed = true;
  }

  /** Opens the gate and lets every held request continue. */
  open(): void {
    this.closed = false;
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Resolves once at least n requests are being held. */
  whenHeld(n: number): Promise<void> {
    if (this.held.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async pass(): Promise<void> {
    if (!this.closed) return;
    await new Promise<void>((resolve) => {
      this.held.push(resolve);
      this.waiters = this.waiters.filter((w) => {
        if (this.held.length < w.n) return true;
        w.resolve();
        return false;
      });
    });
  }
}
