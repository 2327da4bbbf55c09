/**
 * The run-level policy: a failed run that made progress starts a new failure streak, one that
 * achieved nothing extends it until the policy gives up (attempts_exhausted → the account goes failed).
 */
import { describe, expect, it } from 'vitest';
import { transition, initialAccountState, type RunFailureAction } from '../domain/account-status';
import type { ProviderErrorKind } from '../providers/errors';
import { decideRunFailure, type RetryAction, type RetryPolicyConfig } from './retry-policy';

// Jitter pinned to its maximum, so a backoff is its ceiling (minus the floor).
const cfg: RetryPolicyConfig = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 5, random: () => 0.999 };

interface Row {
  name: string;
  kind: ProviderErrorKind;
  retryAfterMs?: number;
  failuresBefore: number;
  items: number;
  action: RetryAction;
  failures: number;
}

const rows: Row[] = [
  { name: 'first failure, nothing done', kind: 'transient', failuresBefore: 0, items: 0, action: { action: 'backoff', delayMs: 999, verifyFirst: false }, failures: 1 },
  { name: 'third failure in a row, nothing done', kind: 'transient', failuresBefore: 2, items: 0, action: { action: 'backoff', delayMs: 3_996, verifyFirst: false }, failures: 3 },
  { name: 'third failure in a row, but 12 items stored first', kind: 'transient', failuresBefore: 2, items: 12, action: { action: 'backoff', delayMs: 999, verifyFirst: false }, failures: 1 },
  { name: 'streak at the limit, nothing done: give up', kind: 'transient', failuresBefore: 4, items: 0, action: { action: 'fail', reason: 'attempts_exhausted' }, failures: 5 },
  { name: 'streak at the limit, 1 item done: keep going', kind: 'transient', failuresBefore: 4, items: 1, action: { action: 'backoff', delayMs: 999, verifyFirst: false }, failures: 1 },
  { name: 'far past the limit, progress still resets', kind: 'transient', failuresBefore: 40, items: 3, action: { action: 'backoff', delayMs: 999, verifyFirst: false }, failures: 1 },
  { name: 'throttled with Retry-After after progress: still waits as told', kind: 'throttled', retryAfterMs: 30_000, failuresBefore: 3, items: 7, action: { action: 'wait', delayMs: 30_000 }, failures: 1 },
  { name: 'throttled without Retry-After, nothing done: exponential', kind: 'throttled', failuresBefore: 2, items: 0, action: { action: 'wait', delayMs: 4_000 }, failures: 3 },
  { name: 'throttled at the limit, nothing done: give up', kind: 'throttled', failuresBefore: 4, items: 0, action: { action: 'fail', reason: 'attempts_exhausted' }, failures: 5 },
  { name: 'revoked grant after progress: reconnect all the same', kind: 'auth_revoked', failuresBefore: 0, items: 9, action: { action: 'needs_reconnect', reason: 'auth_revoked' }, failures: 1 },
  { name: 'permanent refusal after progress: failed all the same', kind: 'permanent', failuresBefore: 0, items: 9, action: { action: 'fail', reason: 'permanent' }, failures: 1 },
  { name: 'a negative streak (corrupt row) counts as none', kind: 'transient', failuresBefore: -3, items: 0, action: { action: 'backoff', delayMs: 999, verifyFirst: false }, failures: 1 },
];

describe('decideRunFailure', () => {
  it.each(rows)('$name', (r) => {
    const failure = { kind: r.kind, ...(r.retryAfterMs === undefined ? {} : { retryAfterMs: r.retryAfterMs }) };
    expect(decideRunFailure(failure, { failuresBefore: r.failuresBefore, items: r.items }, cfg)).toEqual({ action: r.action, failures: r.failures });
  });
});

describe('under intermittent faults, with the status machine', () => {
  const now = new Date('2026-11-02T09:00:00Z');

  /** Runs that each fail; `progress(i)` says whether run i stored anything first. Returns the statuses. */
  function statuses(runs: number, progress: (i: number) => boolean): string[] {
    let state = initialAccountState(now);
    let failures = 0;
    const out: string[] = [];
    for (let i = 0; i < runs; i++) {
      state = transition(state, { type: 'run_started', stage: 'capture' }, now);
      const decision = decideRunFailure({ kind: 'transient' }, { failuresBefore: failures, items: progress(i) ? 5 : 0 }, cfg);
      failures = decision.failures;
      state = transition({ ...state, consecutiveFailures: failures - 1 }, { type: 'run_failed', failure: decision.action as RunFailureAction }, now);
      out.push(state.status);
      if (state.status === 'failed') break;
    }
    return out;
  }

  it('runs that each get some work done before a fault never make the account failed', () => {
    expect(statuses(50, () => true).every((s) => s === 'active')).toBe(true);
  });

  it('one run in three making progress is enough to keep it going', () => {
    expect(statuses(50, (i) => i % 3 === 0).at(-1)).toBe('active');
  });

  it('runs that achieve nothing make it failed after maxAttempts', () => {
    expect(statuses(50, () => false)).toEqual(['active', 'active', 'active', 'active', 'failed']);
  });
});
