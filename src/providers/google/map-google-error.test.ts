import { describe, expect, it } from 'vitest';
import type { ProviderErrorKind } from '../errors';
import { googleErrorFields, mapGoogleError, mapGoogleTransportError, type GoogleErrorAnswer } from './map-google-error';

const now = new Date('2026-11-02T09:00:00Z');

describe('mapGoogleError', () => {
  const table: Array<[string, Omit<GoogleErrorAnswer, 'now'>, ProviderErrorKind, { cursorCall?: boolean }?]> = [
    ['401 authError', { status: 401, reasons: ['authError'] }, 'auth_expired'],
    ['token endpoint invalid_grant', { status: 400, oauthError: 'invalid_grant' }, 'auth_revoked'],
    ['token endpoint invalid_client', { status: 401, oauthError: 'invalid_client' }, 'permanent'],
    ['admin_policy_enforced', { status: 400, oauthError: 'admin_policy_enforced' }, 'consent_required'],
    ['access_denied', { status: 400, oauthError: 'access_denied' }, 'permission'],
    ['403 rateLimitExceeded', { status: 403, reasons: ['rateLimitExceeded'] }, 'throttled'],
    ['403 userRateLimitExceeded', { status: 403, reasons: ['userRateLimitExceeded'] }, 'throttled'],
    ['403 quotaExceeded (Calendar)', { status: 403, reasons: ['quotaExceeded'] }, 'throttled'],
    ['429 without reason', { status: 429 }, 'throttled'],
    ['429 rateLimitExceeded', { status: 429, reasons: ['rateLimitExceeded'], errorStatus: 'RESOURCE_EXHAUSTED' }, 'throttled'],
    ['403 insufficientPermissions', { status: 403, reasons: ['insufficientPermissions'] }, 'permission'],
    ['403 forbidden', { status: 403, reasons: ['forbidden'] }, 'permission'],
    ['404 notFound', { status: 404, reasons: ['notFound'] }, 'not_found'],
    ['404 on history (cursor call)', { status: 404, reasons: ['notFound'] }, 'cursor_expired', { cursorCall: true }],
    ['410 fullSyncRequired', { status: 410, reasons: ['fullSyncRequired'] }, 'cursor_expired'],
    ['410 updatedMinTooLongAgo', { status: 410, reasons: ['updatedMinTooLongAgo'] }, 'cursor_expired'],
    ['410 deleted (already deleted event)', { status: 410, reasons: ['deleted'] }, 'not_found'],
    ['412 conditionNotMet', { status: 412, reasons: ['conditionNotMet'] }, 'conflict'],
    ['409 duplicate', { status: 409, reasons: ['duplicate'] }, 'conflict'],
    ['400 failedPrecondition (no Gmail)', { status: 400, reasons: ['failedPrecondition'], errorStatus: 'FAILED_PRECONDITION' }, 'unsupported_mailbox'],
    ['400 invalidArgument', { status: 400, reasons: ['invalidArgument'] }, 'invalid_input'],
    ['500 backendError', { status: 500, reasons: ['backendError'] }, 'transient'],
    ['503', { status: 503, reasons: ['backendError'], errorStatus: 'UNAVAILABLE' }, 'transient'],
    ['418 oddity', { status: 418 }, 'permanent'],
  ];
  it.each(table)('%s', (_name, answer, kind, ctx) => {
    expect(mapGoogleError({ ...answer, now }, ctx).kind).toBe(kind);
  });

  it('carries Retry-After (seconds or HTTP date) on throttling and the first reason as code', () => {
    const e = mapGoogleError({ status: 429, reasons: ['rateLimitExceeded'], retryAfter: '7', now });
    expect(e).toMatchObject({ kind: 'throttled', retryAfterMs: 7000, code: 'rateLimitExceeded', status: 429 });
    const dated = mapGoogleError({ status: 403, reasons: ['userRateLimitExceeded'], retryAfter: 'Mon, 02 Nov 2026 09:00:30 GMT', now });
    expect(dated.retryAfterMs).toBe(30_000);
    expect(mapGoogleError({ status: 404, retryAfter: '7', now }).retryAfterMs).toBeUndefined();
  });
});

describe('googleErrorFields', () => {
  it('reads API errors and OAuth errors, and ignores other shapes', () => {
    expect(googleErrorFields({ error: { code: 412, errors: [{ domain: 'global', reason: 'conditionNotMet' }], status: 'FAILED_PRECONDITION' } })).toEqual({
      reasons: ['conditionNotMet'],
      errorStatus: 'FAILED_PRECONDITION',
    });
    expect(googleErrorFields({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' })).toEqual({ oauthError: 'invalid_grant' });
    expect(googleErrorFields('<html>')).toEqual({});
    expect(googleErrorFields({ error: { errors: [{ message: 'no reason' }, 7] } })).toEqual({});
  });
});

describe('mapGoogleTransportError', () => {
  const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
  it('a dropped send is ambiguous; an idempotent call is not', () => {
    expect(mapGoogleTransportError(reset, { idempotent: false })).toMatchObject({ kind: 'transient', ambiguous: true, code: 'UND_ERR_SOCKET' });
    expect(mapGoogleTransportError(reset, { idempotent: true })).toMatchObject({ kind: 'transient', ambiguous: false });
  });
  it('a refused connection proves nothing was sent', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(mapGoogleTransportError(refused, { idempotent: false }).ambiguous).toBe(false);
  });
  it('a timeout is named by the DOMException', () => {
    const timeout = Object.assign(new Error('request timed out'), { cause: new DOMException('The operation timed out.', 'TimeoutError') });
    expect(mapGoogleTransportError(timeout, { idempotent: false })).toMatchObject({ code: 'TimeoutError', ambiguous: true });
  });
});
