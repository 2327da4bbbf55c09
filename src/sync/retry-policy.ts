/**
 * The one table from a provider failure to what the sync does next. Adapters classify wire answers
 * into ProviderError kinds (providers/errors.ts); this pure function turns a kind, the attempt number
 * and a little context into an action. Jobs, the outbox worker and the account status machine all
 * consult it, so a kind is handled the same way everywhere.
 */
import type { ProviderErrorKind } from '../providers/errors';

export type RetryAction =
  /** Refresh the access token and repeat the request once. */
  | { action: 'refresh_and_retry_once' }
  /** The provider asked us to slow down: wait, then retry (throttle state is shared via the DB). */
  | { action: 'wait'; delayMs: number }
  /**
   * Transient failure: retry after the delay. `verifyFirst` is set when the request may already have
   * been carried out (timeout after send): look for it (Sent folder, tandemId) before repeating.
   */
  | { action: 'backoff'; delayMs: number; verifyFirst: boolean }
  /** The cursor aged out: drop it and resync the whole window. */
  | { action: 'full_resync' }
  /** Credentials are dead: stop the account until the user reconnects. */
  | { action: 'needs_reconnect'; reason: 'auth_revoked' | 'auth_expired_twice' }
  /** An administrator must approve the app; show the link when the provider gave one. */
  | { action: 'needs_admin_consent'; adminConsentUrl?: string }
  /** One item of a batch is gone or refused: record it and carry on with its neighbours. */
  | { action: 'skip_item'; reason: 'not_found' | 'invalid_input' }
  /** The provider's version changed under our write: hand over to calendar conflict handling. */
  | { action: 'conflict' }
  /** Retrying will not help: dead-letter the job. */
  | { action: 'fail'; reason: ProviderErrorKind | 'attempts_exhausted' };

export type RetryActionName = RetryAction['action'];

/** What the policy needs to know about the failure (a ProviderError satisfies it). */
export interface FailureInfo {
  kind: ProviderErrorKind;
  retryAfterMs?: number | undefined;
  adminConsentUrl?: string | undefined;
  ambiguous?: boolean | undefined;
}

export interface RetryContext {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** Kind of the failure just before this one in the same operation, if any. */
  previousKind?: ProviderErrorKind | undefined;
  /** Whether the failure concerns one item of a batch or the whole operation. */
  scope: 'item' | 'operation';
}

export interface RetryPolicyConfig {
  /** First backoff step. */
  baseDelayMs: number;
  /** Largest backoff step, before jitter. */
  maxDelayMs: number;
  /** Attempts after which retryable kinds are dead-lettered. */
  maxAttempts: number;
  /** Uniform [0, 1): injected so tests can pin the jitter. */
  random: () => number;
}

export const defaultRetryPolicyConfig: Omit<RetryPolicyConfig, 'random'> = {
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  maxAttempts: 8,
};

/** base·2^(attempt−1), capped: the ceiling of one retry's delay. */
export function exponentialCeiling(attempt: number, cfg: Pick<RetryPolicyConfig, 'baseDelayMs' | 'maxDelayMs'>): number {
  const exp = Math.max(0, attempt - 1);
  // 2^exp overflows to Infinity for huge attempts; min() still yields the cap.
  return Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** exp);
}

/** "Full jitter" (AWS architecture blog): uniform between 0 and the exponential ceiling. */
export function fullJitterDelay(attempt: number, cfg: RetryPolicyConfig): number {
  return Math.floor(cfg.random() * exponentialCeiling(attempt, cfg));
}

type Rule = (f: FailureInfo, ctx: RetryContext, cfg: RetryPolicyConfig) => RetryAction;

const exhausted = (ctx: RetryContext, cfg: RetryPolicyConfig): boolean => ctx.attempt >= cfg.maxAttempts;

const perItemOrFail =
  (reason: 'not_found' | 'invalid_input'): Rule =>
  (_f, ctx) =>
    ctx.scope === 'item' ? { action: 'skip_item', reason } : { action: 'fail', reason };

/**
 * The table. A Record over every kind, so adding a kind to providerErrorKinds without a row here
 * fails to compile (and the table test fails too).
 */
export const retryRules: Record<ProviderErrorKind, Rule> = {
  // A refreshed token that is rejected again means the grant itself is dead (revoked / password change).
  auth_expired: (_f, ctx) =>
    ctx.previousKind === 'auth_expired' ? { action: 'needs_reconnect', reason: 'auth_expired_twice' } : { action: 'refresh_and_retry_once' },
  auth_revoked: () => ({ action: 'needs_reconnect', reason: 'auth_revoked' }),
  consent_required: (f) =>
    f.adminConsentUrl === undefined ? { action: 'needs_admin_consent' } : { action: 'needs_admin_consent', adminConsentUrl: f.adminConsentUrl },
  // Graph, Gmail and EWS all state how long to wait (Retry-After / BackOffMilliseconds); honour it.
  // Without it, back off exponentially (no jitter: the throttle is per mailbox, not a thundering herd).
  throttled: (f, ctx, cfg) => {
    if (exhausted(ctx, cfg)) return { action: 'fail', reason: 'attempts_exhausted' };
    return { action: 'wait', delayMs: f.retryAfterMs ?? exponentialCeiling(ctx.attempt, cfg) };
  },
  transient: (f, ctx, cfg) => {
    if (exhausted(ctx, cfg)) return { action: 'fail', reason: 'attempts_exhausted' };
    return { action: 'backoff', delayMs: fullJitterDelay(ctx.attempt, cfg), verifyFirst: f.ambiguous === true };
  },
  cursor_expired: () => ({ action: 'full_resync' }),
  not_found: perItemOrFail('not_found'),
  invalid_input: perItemOrFail('invalid_input'),
  conflict: () => ({ action: 'conflict' }),
  permission: () => ({ action: 'fail', reason: 'permission' }),
  unsupported_mailbox: () => ({ action: 'fail', reason: 'unsupported_mailbox' }),
  permanent: () => ({ action: 'fail', reason: 'permanent' }),
};

export function decideRetry(failure: FailureInfo, ctx: RetryContext, cfg: RetryPolicyConfig): RetryAction {
  return retryRules[failure.kind](failure, ctx, cfg);
}

/** What a failed sync run leads to, and the mailbox's streak of failed runs once it is counted. */
export interface RunFailureDecision {
  action: RetryAction;
  failures: number;
}

/**
 * A whole sync run failed. `failuresBefore` is the streak of failed runs before it; `items` what
 * the run committed before the failure. A run that made progress proves the mailbox answers and
 * the work moves, so it does not extend the streak: it starts a new one (it counts as the first
 * failure, so the follow-up comes after the shortest backoff). Intermittent faults — every run getting
 * some way, then tripping — therefore never add up to `failed`; runs that achieve nothing extend the
 * streak until maxAttempts turns them into `fail` (attempts_exhausted). Kinds that are not about
 * repetition (revoked grant, permanent refusal, cursor expired) are decided the same either way.
 */
export function decideRunFailure(failure: FailureInfo, run: { failuresBefore: number; items: number }, cfg: RetryPolicyConfig): RunFailureDecision {
  const attempt = (run.items > 0 ? 0 : Math.max(0, run.failuresBefore)) + 1;
  return { action: decideRetry(failure, { attempt, scope: 'operation' }, cfg), failures: attempt };
}
