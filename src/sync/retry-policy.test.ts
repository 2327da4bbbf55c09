import { describe, expect, it } from 'vitest';
import type { RunFailureAction } from '../domain/account-status';
import { ProviderError, providerErrorKinds, type ProviderErrorKind } from '../providers/errors';
import { decideRetry, exponentialCeiling, type FailureInfo, type RetryAction, type RetryContext, type RetryPolicyConfig } from './retry-policy';

const cfg = (random = 0.5): RetryPolicyConfig => ({ baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 5, random: () => random });
const first: RetryContext = { attempt: 1, scope: 'operation' };

interface Row {
  name: string;
  failure: FailureInfo;
  ctx: RetryContext;
  expected: RetryAction;
}

const rows: Row[] = [
  { name: 'auth_expired first time', failure: { kind: 'auth_expired' }, ctx: first, expected: { action: 'refresh_and_retry_once' } },
  {
    name: 'auth_expired right after auth_expired',
    failure: { kind: 'auth_expired' },
    ctx: { attempt: 2, previousKind: 'auth_expired', scope: 'operation' },
    expected: { action: 'needs_reconnect', reason: 'auth_expired_twice' },
  },
  {
    name: 'auth_expired after a transient failure',
    failure: { kind: 'auth_expired' },
    ctx: { attempt: 3, previousKind: 'transient', scope: 'operation' },
    expected: { action: 'refresh_and_retry_once' },
  },
  { name: 'auth_revoked', failure: { kind: 'auth_revoked' }, ctx: first, expected: { action: 'needs_reconnect', reason: 'auth_revoked' } },
  {
    name: 'consent_required with link',
    failure: { kind: 'consent_required', adminConsentUrl: 'https://login.example/adminconsent' },
    ctx: first,
    expected: { action: 'needs_admin_consent', adminConsentUrl: 'https://login.example/adminconsent' },
  },
  { name: 'consent_required without link', failure: { kind: 'consent_required' }, ctx: first, expected: { action: 'needs_admin_consent' } },
  { name: 'throttled with Retry-After', failure: { kind: 'throttled', retryAfterMs: 7_000 }, ctx: first, expected: { action: 'wait', delayMs: 7_000 } },
  {
    name: 'throttled without Retry-After, attempt 3',
    failure: { kind: 'throttled' },
    ctx: { attempt: 3, scope: 'operation' },
    expected: { action: 'wait', delayMs: 4_000 },
  },
  {
    name: 'throttled, attempts exhausted',
    failure: { kind: 'throttled', retryAfterMs: 1_000 },
    ctx: { attempt: 5, scope: 'operation' },
    expected: { action: 'fail', reason: 'attempts_exhausted' },
  },
  {
    name: 'transient attempt 2 (jitter 0.5 of 2 s)',
    failure: { kind: 'transient' },
    ctx: { attempt: 2, scope: 'operation' },
    expected: { action: 'backoff', delayMs: 1_000, verifyFirst: false },
  },
  {
    name: 'transient, ambiguous (timeout after send)',
    failure: { kind: 'transient', ambiguous: true },
    ctx: first,
    expected: { action: 'backoff', delayMs: 500, verifyFirst: true },
  },
  { name: 'transient, attempts exhausted', failure: { kind: 'transient' }, ctx: { attempt: 5, scope: 'operation' }, expected: { action: 'fail', reason: 'attempts_exhausted' } },
  { name: 'cursor_expired', failure: { kind: 'cursor_expired' }, ctx: first, expected: { action: 'full_resync' } },
  { name: 'not_found for one item', failure: { kind: 'not_found' }, ctx: { attempt: 1, scope: 'item' }, expected: { action: 'skip_item', reason: 'not_found' } },
  { name: 'not_found for the operation', failure: { kind: 'not_found' }, ctx: first, expected: { action: 'fail', reason: 'not_found' } },
  { name: 'invalid_input for one item', failure: { kind: 'invalid_input' }, ctx: { attempt: 1, scope: 'item' }, expected: { action: 'skip_item', reason: 'invalid_input' } },
  { name: 'invalid_input for the operation', failure: { kind: 'invalid_input' }, ctx: first, expected: { action: 'fail', reason: 'invalid_input' } },
  { name: 'conflict', failure: { kind: 'conflict' }, ctx: first, expected: { action: 'conflict' } },
  { name: 'permission', failure: { kind: 'permission' }, ctx: first, expected: { action: 'fail', reason: 'permission' } },
  { name: 'unsupported_mailbox', failure: { kind: 'unsupported_mailbox' }, ctx: first, expected: { action: 'fail', reason: 'unsupported_mailbox' } },
  { name: 'permanent', failure: { kind: 'permanent' }, ctx: first, expected: { action: 'fail', reason: 'permanent' } },
];

describe('retry policy table', () => {
  it.each(rows)('$name', ({ failure, ctx, expected }) => {
    expect(decideRetry(failure, ctx, cfg())).toEqual(expected);
  });

  it('has a row for every provider error kind', () => {
    const covered = new Set<ProviderErrorKind>(rows.map((r) => r.failure.kind));
    const missing = providerErrorKinds.filter((k) => !covered.has(k));
    expect(missing).toEqual([]);
  });

  it('accepts a ProviderError as the failure', () => {
    const err = new ProviderError('throttled', 'slow down', { status: 429, retryAfterMs: 2_500 });
    expect(decideRetry(err, first, cfg())).toEqual({ action: 'wait', delayMs: 2_500 });
  });
});

describe('backoff', () => {
  it('grows exponentially and stops at the cap', () => {
    const c = cfg();
    expect([1, 2, 3, 4, 7, 8, 50, 5000].map((a) => exponentialCeiling(a, c))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('uses full jitter from the injected random, between 0 and the ceiling', () => {
    const big: RetryPolicyConfig = { ...cfg(), maxAttempts: 100 };
    const at = (random: number, attempt: number) => decideRetry({ kind: 'transient' }, { attempt, scope: 'operation' }, { ...big, random: () => random });
    expect(at(0, 4)).toEqual({ action: 'backoff', delayMs: 0, verifyFirst: false });
    expect(at(0.999, 4)).toEqual({ action: 'backoff', delayMs: 7_992, verifyFirst: false });
    expect(at(0.25, 30)).toEqual({ action: 'backoff', delayMs: 15_000, verifyFirst: false });
  });
});

describe('fit with the account status machine', () => {
  it('every action is a RunFailureAction the status machine accepts', () => {
    // Compile-time: RetryAction must stay assignable to the domain's RunFailureAction.
    const actions: RunFailureAction[] = rows.map((r) => decideRetry(r.failure, r.ctx, cfg()));
    expect(new Set(actions.map((a) => a.action))).toEqual(
      new Set(['refresh_and_retry_once', 'needs_reconnect', 'needs_admin_consent', 'wait', 'backoff', 'fail', 'full_resync', 'skip_item', 'conflict']),
    );
  });
});
