/**
 * Gmail's per-user quota, paced on our side so capture stays under it instead of running into 429
 * userRateLimitExceeded and paying again for what a stopped run had fetched.
 *
 * Gmail quota page (developers.google.com/workspace/gmail/api/reference/quota): each method costs a
 * fixed number of quota units, and "per minute per user per project" a mailbox may spend 6,000 units
 * (projects created on or after 2026-05-01; older projects keep 15,000). Batch requests are charged
 * per inner call.
 *
 * One token bucket per mailbox, shared by every provider instance of the process (capture runs, sends,
 * findSent): it holds at most `burst` units and refills at `(budget - burst)` per minute, so no
 * sliding minute ever sees more than `budget` = limit × share (the rest is headroom for calls we do
 * not pace: watch renewals, identity, another worker process). A call that must wait sleeps on the
 * injected sleep (tests and the bench move a fake clock with it); a wait above `maxWaitMs`, or one
 * that would take the run's waiting past `maxRunWaitMs`, ends the run as throttled instead, with the
 * time the bucket needs to refill: the engine keeps that in its throttle state and resumes then,
 * rather than a job sleeping for minutes.
 */
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';

/** The documented per-method costs of the calls Tandem makes (quota page, "Per-method quota usage"). */
export const gmailCosts = {
  getProfile: 1,
  'labels.list': 1,
  'labels.create': 5,
  'history.list': 2,
  'messages.list': 5,
  'messages.get': 5,
  'messages.batchModify': 50,
  'messages.send': 100,
  watch: 100,
} as const;

export type GmailMethod = keyof typeof gmailCosts;

export interface GmailQuotaOptions {
  /** Units per minute per user Google grants the project (default 6,000). */
  limitPerMinute?: number;
  /** Share of the limit Tandem paces itself to (default 0.9). */
  share?: number;
  /** Units that may go at once after a quiet spell (default a quarter of the paced budget). */
  burst?: number;
  /** Longest single wait spent inside a run (default 30 s, the in-run retry cap). */
  maxWaitMs?: number;
  /** Most waiting one run (one provider instance) does in all before it ends throttled (default 60 s). */
  maxRunWaitMs?: number;
}

export const defaultGmailUserLimitPerMinute = 6_000;
const minuteMs = 60_000;

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

interface Bucket {
  tokens: number;
  at: number;
}

/** Per-mailbox token buckets of one process. */
export class GmailQuotaPacer {
  readonly burst: number;
  /** Units per millisecond. */
  readonly rate: number;
  readonly maxWaitMs: number;
  readonly maxRunWaitMs: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: GmailQuotaOptions = {}) {
    const budget = (options.limitPerMinute ?? defaultGmailUserLimitPerMinute) * (options.share ?? 0.9);
    this.burst = Math.min(options.burst ?? budget / 4, budget / 2);
    if (!(this.burst > 0)) throw new Error('Gmail quota pacing needs a positive budget');
    this.rate = (budget - this.burst) / minuteMs;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    this.maxRunWaitMs = options.maxRunWaitMs ?? 60_000;
  }

  /** The bucket of `mailbox` refilled up to `now`. */
  private bucket(mailbox: string, now: number): Bucket {
    const key = mailbox.toLowerCase();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + Math.max(0, now - b.at) * this.rate);
    b.at = Math.max(b.at, now);
    this.buckets.set(key, b);
    return b;
  }

  /**
   * Takes `units` from the bucket if it holds them now (a call larger than the burst waits for a full
   * bucket and leaves it in debt); otherwise answers how long to wait before asking again.
   */
  tryTake(mailbox: string, units: number, now: number): { waitMs: number } | undefined {
    const b = this.bucket(mailbox, now);
    const need = Math.min(units, this.burst);
    if (b.tokens >= need) {
      b.tokens -= units;
      return undefined;
    }
    return { waitMs: Math.ceil((need - b.tokens) / this.rate) };
  }

  /** Milliseconds until the bucket of `mailbox` is full again. */
  refillMs(mailbox: string, now: number): number {
    return Math.ceil((this.burst - this.bucket(mailbox, now).tokens) / this.rate);
  }

  /** The pacing of one run: its own total of waits, the shared buckets. */
  forRun(mailbox: string, deps: { clock: Clock; sleep: Sleep; signal?: AbortSignal }): GmailQuotaRun {
    return new GmailQuotaRun(this, mailbox, deps);
  }
}

export class GmailQuotaRun {
  /** Milliseconds this run has waited for quota so far. */
  waitedMs = 0;

  constructor(
    private readonly pacer: GmailQuotaPacer,
    private readonly mailbox: string,
    private readonly deps: { clock: Clock; sleep: Sleep; signal?: AbortSignal },
  ) {}

  /** Waits until `count` calls of `method` fit the mailbox's budget, then charges them. */
  async spend(method: GmailMethod, count = 1): Promise<void> {
    const units = gmailCosts[method] * count;
    if (units <= 0) return;
    for (;;) {
      const now = this.deps.clock.now().getTime();
      const wait = this.pacer.tryTake(this.mailbox, units, now);
      if (!wait) return;
      if (wait.waitMs > this.pacer.maxWaitMs || this.waitedMs + wait.waitMs > this.pacer.maxRunWaitMs) {
        const retryAfterMs = Math.max(wait.waitMs, this.pacer.refillMs(this.mailbox, now));
        throw new ProviderError('throttled', 'Gmail quota: paced below the per-user limit, resuming later', { code: 'gmail_quota_paced', retryAfterMs });
      }
      await this.deps.sleep(wait.waitMs, this.deps.signal);
      this.waitedMs += wait.waitMs;
    }
  }
}
