/**
 * In-run retries of provider requests that are safe to repeat (reads, moves by id, relabels, batch
 * reads). At a 10 % fault rate nearly every sync run meets a 429, a 5xx or a reset; repeating the one
 * request a moment later keeps the run going instead of failing it and waiting for the next schedule.
 *
 * - Only `throttled` and `transient` failures are repeated, never an `ambiguous` one (a send or create
 *   whose answer was lost: the outbox looks in Sent before sending again), and never a request the
 *   caller marks as not idempotent — the adapters simply do not route those through here.
 * - Retry-After / BackOffMilliseconds is honoured up to `maxDelayMs`; a longer wait is not spent inside
 *   the run but thrown to the engine, which keeps it in the database so every worker honours it.
 * - Without a stated wait: capped exponential backoff with equal jitter. Attempts are bounded.
 * - Time is injected: `sleep` and `random` are parameters, so tests run without real waits.
 */
import type { Logger } from 'pino';
import { ProviderError } from './errors';

export interface RetryEvent {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  error: ProviderError;
  /** For a batch: how many of its items are repeated. */
  items?: number;
}

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff step when the provider states no wait. */
  baseDelayMs: number;
  /** Longest wait spent inside a run (backoff cap, and the largest Retry-After honoured here). */
  maxDelayMs: number;
  /** Uniform [0, 1), for the jitter. */
  random: () => number;
  /** Waits `ms`; rejects when `signal` aborts (shutdown). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

export type RetryOptions = Partial<RetrySettings>;

export const defaultRetrySettings = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 } as const;

/** Logs each repeat at debug level (kind and code only: no URL, no body, no token). */
export function retryLogger(logger: Logger, api: string): (event: RetryEvent) => void {
  return ({ attempt, delayMs, error, items }) =>
    logger.debug({ api, attempt, delayMs, kind: error.kind, code: error.code, status: error.status, ...(items !== undefined ? { items } : {}) }, 'provider request repeated');
}

/** A real timer that stops early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function retrySettings(options: RetryOptions = {}, signal?: AbortSignal): RetrySettings {
  return {
    ...defaultRetrySettings,
    random: Math.random,
    sleep,
    ...(signal ? { signal } : {}),
    ...options,
  };
}

/**
 * How long to wait before repeating a request whose attempt `attempt` failed with `error`, or
 * undefined when it must not be repeated here (wrong kind, ambiguous, attempts spent, wait too long).
 */
export function retryDelay(error: unknown, attempt: number, s: Pick<RetrySettings, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'random'>): number | undefined {
  if (!(error instanceof ProviderError) || attempt >= s.maxAttempts) return undefined;
  if ((error.kind !== 'throttled' && error.kind !== 'transient') || error.ambiguous) return undefined;
  if (error.retryAfterMs !== undefined) return error.retryAfterMs <= s.maxDelayMs ? error.retryAfterMs : undefined;
  const ceiling = Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** (attempt - 1));
  // Equal jitter: never less than half the step (a fault burst is not hammered), spread over the rest.
  return Math.round(ceiling / 2 + (s.random() * ceiling) / 2);
}

/** Waits before a repeat; a shutdown during the wait gives up with the failure being retried. */
async function pause(s: RetrySettings, delayMs: number): Promise<boolean> {
  if (s.signal?.aborted) return false;
  try {
    await s.sleep(delayMs, s.signal);
    return true;
  } catch {
    return false;
  }
}

/** Runs `run`, repeating it after retryable failures; the last failure is thrown. */
export async function withRetry<T>(run: () => Promise<T>, s: RetrySettings): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      const delayMs = retryDelay(e, attempt, s);
      if (delayMs === undefined) throw e;
      s.onRetry?.({ attempt, delayMs, error: e as ProviderError });
      if (!(await pause(s, delayMs))) throw e;
    }
  }
}

/**
 * Runs a batch and repeats only the items whose own answer was retryable (a $batch or Gmail batch
 * answers each item on its own: one inner 429 must not fail its nineteen neighbours). Each round
 * waits the longest delay its failed items ask for, then sends them again together. `run` returns one
 * outcome per item, in order; `failureOf` reads an outcome's error. When a repeat round fails as a
 * whole, the items keep their earlier outcomes: what already worked is never dropped.
 */
export async function retryEach<I, O>(items: readonly I[], run: (items: I[]) => Promise<O[]>, failureOf: (outcome: O) => unknown, s: RetrySettings): Promise<O[]> {
  const out = await run([...items]);
  let pending = out.map((_o, i) => i);
  for (let attempt = 1; ; attempt++) {
    const again: number[] = [];
    let delayMs = 0;
    let first: ProviderError | undefined;
    for (const i of pending) {
      const error = failureOf(out[i] as O);
      const delay = retryDelay(error, attempt, s);
      if (delay === undefined) continue;
      again.push(i);
      delayMs = Math.max(delayMs, delay);
      first ??= error as ProviderError;
    }
    if (!first) return out;
    s.onRetry?.({ attempt, delayMs, error: first, items: again.length });
    if (!(await pause(s, delayMs))) return out;
    let repeated: O[];
    try {
      repeated = await run(again.map((i) => items[i] as I));
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      return out;
    }
    again.forEach((i, k) => {
      if (k < repeated.length) out[i] = repeated[k] as O;
    });
    pending = again;
  }
}
